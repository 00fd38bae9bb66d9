// Picks the tracer for a backend: CUPTI for the CUDA backend when it was built in and
// subscribes, the host tracer otherwise. A CUPTI failure is one warning, never an error.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "profiler/tracer.hpp"

namespace looplab::profiler {

struct TracerChoice {
  std::unique_ptr<Tracer> tracer;
  std::string warning;  // why CUPTI is not used on a CUDA backend; empty otherwise
};
TracerChoice make_tracer(std::string_view backend_name);

// True when this build has the CUPTI tracer.
bool cupti_compiled_in();

}  // namespace looplab::profiler
