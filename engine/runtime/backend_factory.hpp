// Backends by name, for `--backend cpu|cuda`: the CPU reference backend, or the CUDA backend when
// this build has it (nvcc found) and the machine has a device.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/backend.hpp"
#include "engine/cpu/thread_policy.hpp"

namespace looplab {

// Names this build can construct ("cpu", and "cuda" when built with the CUDA backend).
std::vector<std::string> backend_names();
// How a backend launches its work, where it has a choice.
enum class GraphLaunch : unsigned char {
  off,     // every op launched on a stream (per-op CUPTI attribution by correlation id)
  decode,  // decode steps replayed from CUDA graphs (the fast path)
};
// Which kernels a device backend runs (the CPU backend has one set): the reference path, or the
// fused decode path as far as it exists (docs/cuda.md, "The fused decode path").
enum class Kernels : unsigned char { reference, fused };
std::string_view to_string(Kernels k);
// "reference" or "fused"; throws InputError(field, ...) for anything else.
Kernels parse_kernels(std::string_view name, const std::string& field = "kernels");

struct BackendOptions {
  GraphLaunch cuda_graphs = GraphLaunch::decode;
  Kernels kernels = Kernels::reference;
  ThreadPolicy cpu_threads = ThreadPolicy::available();  // the CPU backend's OpenMP threads
};

// Throws InputError("backend", ...) for an unknown name or a backend this build or machine
// cannot provide (e.g. "cuda" without a device: the message says why).
std::unique_ptr<Backend> make_backend(std::string_view name, const BackendOptions& options = {});

}  // namespace looplab
