// LOOPLAB_CUPTI_CHECK: the CUPTI member of the check family (engine/cuda/check.hpp). Header-only,
// so only the code that calls CUPTI (the profiler) links libcupti.
#pragma once
#include <cupti_result.h>

#include <string>

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

struct CuptiApi {
  using Status = CUptiResult;
  static constexpr const char* kLibrary = "CUPTI";
  static bool ok(Status s) { return s == CUPTI_SUCCESS; }
  static std::string describe(Status s) {
    const char* text = nullptr;
    if (cuptiGetResultString(s, &text) != CUPTI_SUCCESS || text == nullptr) return "unknown CUPTI result";
    return text;
  }
};

}  // namespace looplab::gpu

#define LOOPLAB_CUPTI_CHECK(stmt) ::looplab::gpu::check<::looplab::gpu::CuptiApi>((stmt), #stmt, __FILE__, __LINE__)
#define LOOPLAB_CUPTI_CHECK_NOTHROW(stmt) \
  ::looplab::gpu::check_nothrow<::looplab::gpu::CuptiApi>((stmt), #stmt, __FILE__, __LINE__)
