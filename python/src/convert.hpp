// nlohmann::json <-> Python objects. Results the CLI prints with --json are built by the same
// C++ function and converted here, so Python sees exactly the CLI's numbers.
#pragma once
#include <nanobind/nanobind.h>

#include <nlohmann/json.hpp>
#include <string>

namespace looplab::py {

namespace nb = nanobind;

// object -> dict, array -> list, integers -> int, doubles -> float, null -> None.
nb::object to_python(const nlohmann::json& j);

// dict (str keys), list/tuple, str, os.PathLike, bool, int, float, None -> JSON. Anything else
// throws InputError naming `field` (a dotted path: "spec.batches[2]").
nlohmann::json to_json(nb::handle h, const std::string& field);

}  // namespace looplab::py
