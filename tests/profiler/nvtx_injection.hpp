// A static NVTX injection linked into test_profiler (nvtx_injection.cpp, built when NVTX's header
// exists): it records the range pushes and pops that reach NVTX, so tests check NVTX itself.
#pragma once
#include <string>
#include <vector>

namespace looplab::test {

// True once NVTX has called the injection's initializer, i.e. after this process's first NVTX
// call (when no other tool was injected through NVTX_INJECTION64_PATH).
bool nvtx_injection_initialized();

// Every range call since the last clear: "+DOMAIN:MESSAGE" for a push, "-DOMAIN" for a pop; the
// default domain is written as an empty DOMAIN.
std::vector<std::string> nvtx_injected_events();
void clear_nvtx_injected_events();
// Names of the domains NVTX created, in order, over the whole process (never cleared).
std::vector<std::string> nvtx_injected_domains();

}  // namespace looplab::test
