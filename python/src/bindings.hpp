// The parts of the looplab._looplab module, one bind_* function per file, and the helpers they
// share. Everything here converts at the boundary only: the numbers come from the C++ functions
// the CLI calls, never from a second implementation.
#pragma once
#include <nanobind/nanobind.h>

#include <optional>
#include <string>

#include "engine/core/config.hpp"

namespace looplab::py {

namespace nb = nanobind;

void bind_errors(nb::module_& m);
void bind_config(nb::module_& m);
void bind_predict(nb::module_& m);
void bind_decode(nb::module_& m);
void bind_sweep(nb::module_& m);
void bind_store(nb::module_& m);

// A ModelConfig, a preset name or JSON file (str or os.PathLike), or a dict of every config
// field (the JSON form). Throws InputError naming `field` for anything else.
ModelConfig as_config(nb::handle source, const char* field = "config");

// str or os.PathLike -> its text; nullopt for anything else.
std::optional<std::string> as_path_text(nb::handle h);

}  // namespace looplab::py
