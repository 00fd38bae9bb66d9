// Kernel names as Nsight Systems shows them: demangled, and a short name without scope,
// template arguments or parameters.
#pragma once
#include <string>

namespace looplab::profiler {

// "_Z4gemmIfEvPKfi" -> "void gemm<float>(float const*, int)"; a name that does not demangle
// comes back unchanged.
std::string demangle(const char* name);
// The function's base name ("gemm").
std::string short_kernel_name(const std::string& demangled);

}  // namespace looplab::profiler
