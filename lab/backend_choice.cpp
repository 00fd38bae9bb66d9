// choose_backend(): auto prefers CUDA, and says once why it did not get it.
#include "lab/backend_choice.hpp"

#include "engine/core/error.hpp"

namespace looplab::lab {

void check_backend_name(const std::string& want) {
  if (want != "auto" && want != "cpu" && want != "cuda")
    throw InputError("backend", "'" + want + "' is not one of auto, cpu, cuda");
}

std::unique_ptr<Backend> choose_backend(const std::string& want, const BackendOptions& options,
                                        const std::function<void(const std::string&)>& say) {
  check_backend_name(want);
  if (want != "auto") return make_backend(want, options);
  for (const std::string& n : backend_names())
    if (n == "cuda") {
      try {
        return make_backend("cuda", options);
      } catch (const InputError& e) {
        // Once per process: the demo picks a backend for each of its five variants.
        static bool told = false;
        if (!told && say) say(std::string("no usable CUDA device (") + e.what() + "): measuring the CPU backend");
        told = true;
      }
    }
  return make_backend("cpu", options);
}

}  // namespace looplab::lab
