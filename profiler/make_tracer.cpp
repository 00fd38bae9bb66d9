// The tracer factory and its fallback.
#include "profiler/make_tracer.hpp"

#include "profiler/host_tracer.hpp"

#if LOOPLAB_PROFILER_HAVE_CUPTI
#include "profiler/cupti/cupti_tracer.hpp"
#endif

namespace looplab::profiler {

bool cupti_compiled_in() { return LOOPLAB_PROFILER_HAVE_CUPTI != 0; }

TracerChoice make_tracer(std::string_view backend_name) {
  TracerChoice c;
  if (backend_name == "cuda") {
#if LOOPLAB_PROFILER_HAVE_CUPTI
    std::string why;
    if (auto t = CuptiTracer::create(why)) {
      c.tracer = std::move(t);
      return c;
    }
    c.warning = "CUPTI is unavailable (" + why + "); timing plan ops on the host instead";
#else
    c.warning = "this build has no CUPTI tracer; timing plan ops on the host instead";
#endif
  }
  c.tracer = std::make_unique<HostTracer>();
  return c;
}

}  // namespace looplab::profiler
