// Choosing the backend a run measures: `auto` is CUDA when this build has it and a device is
// there, else the CPU. What the backend runs on comes from Backend::device_info().
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "engine/core/backend.hpp"
#include "engine/runtime/backend_factory.hpp"

namespace looplab::lab {

// want: auto | cpu | cuda. Throws InputError("backend", ...) for anything else, or for cuda when
// this build or machine has none. `say` hears once per process why auto fell back to the CPU.
std::unique_ptr<Backend> choose_backend(const std::string& want, const BackendOptions& options,
                                        const std::function<void(const std::string&)>& say);

// Checks the name without constructing anything (bad input fails before any file is written).
void check_backend_name(const std::string& want);

}  // namespace looplab::lab
