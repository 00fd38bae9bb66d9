// Rows of JSON objects (the --json form of a result) -> columns: numpy arrays where a column is
// all numbers or all booleans, Python lists otherwise (strings, or values with nulls).
#pragma once
#include <nanobind/nanobind.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace looplab::py {

namespace nb = nanobind;

// One column per key of `order` (every row must have each); keys of the rows that `order` lacks
// follow, in the rows' (sorted) order.
nb::dict json_rows_to_columns(const nlohmann::json& rows, const std::vector<std::string>& order = {});

}  // namespace looplab::py
