// make_backend(): the one place that knows which backends exist in this build.
#include "engine/runtime/backend_factory.hpp"

#include <exception>

#include "engine/core/error.hpp"
#include "engine/cpu/cpu_backend.hpp"
#ifdef LOOPLAB_HAVE_CUDA
#include "engine/cuda/cuda_backend.hpp"
#endif

namespace looplab {

std::vector<std::string> backend_names() {
#ifdef LOOPLAB_HAVE_CUDA
  return {"cpu", "cuda"};
#else
  return {"cpu"};
#endif
}

std::string_view to_string(Kernels k) { return k == Kernels::fused ? "fused" : "reference"; }

Kernels parse_kernels(std::string_view name, const std::string& field) {
  if (name == "reference") return Kernels::reference;
  if (name == "fused") return Kernels::fused;
  throw InputError(field, "'" + std::string(name) + "' is not one of reference, fused");
}

std::unique_ptr<Backend> make_backend(std::string_view name, [[maybe_unused]] const BackendOptions& options) {
  if (name == "cpu") {
    if (options.kernels != Kernels::reference)
      throw InputError("kernels", "'fused' needs the CUDA backend (the CPU backend has one kernel set)");
    return std::make_unique<CpuBackend>(options.cpu_threads);
  }
  if (name == "cuda") {
#ifdef LOOPLAB_HAVE_CUDA
    try {
      gpu::CudaBackendOptions o;
      o.graphs = options.cuda_graphs == GraphLaunch::decode ? gpu::GraphMode::decode : gpu::GraphMode::off;
      o.kernels = options.kernels == Kernels::fused ? gpu::KernelSet::fused : gpu::KernelSet::reference;
      return std::make_unique<gpu::CudaBackend>(o);
    } catch (const std::exception& e) {
      throw InputError("backend", std::string("cuda: ") + e.what());
    }
#else
    throw InputError("backend", "cuda: this build has no CUDA backend (nvcc was not found when it was configured)");
#endif
  }
  throw InputError("backend", "'" + std::string(name) + "' is not one of cpu, cuda");
}

}  // namespace looplab
