// Turns one profiler capture window (one repeat of a run) into store rows: names from the plan
// ops, kernel attribution, Nsight-style thread ids, times relative to the run's origin, and each
// step's unattributed time (wall time minus its ops).
#pragma once
#include <cstdint>

#include "profiler/activity.hpp"
#include "store/records.hpp"

namespace looplab::lab {

enum class OpTiming : unsigned char {
  host,    // the op's measured time is its host span (CPU backend)
  device,  // the op's measured time is its attributed kernel time (CUDA backend with CUPTI)
};

// origin_ns: the steady-clock time that becomes 0 in the store.
store::RunRows rows_from_capture(const profiler::Capture& capture, std::int64_t repeat_index, std::int64_t origin_ns,
                                 OpTiming timing);

// Nsight Systems' serialized thread id: pid * 0x1000000 + tid.
constexpr std::int64_t global_tid(std::uint32_t pid, std::uint32_t tid) {
  return static_cast<std::int64_t>(pid) * 0x1000000 + tid;
}

}  // namespace looplab::lab
