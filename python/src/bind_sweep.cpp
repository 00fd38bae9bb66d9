// looplab.sweep(): a grid of configurations, the same resolve_sweep + run_sweep as `looplab
// sweep`, returned as columns built from the rows of `looplab sweep --json`.
#include <nanobind/stl/pair.h>

#include <sstream>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "columns.hpp"
#include "convert.hpp"
#include "engine/core/error.hpp"
#include "simulator/sweep.hpp"
#include "simulator/sweep_output.hpp"

namespace looplab::py {

namespace {

// A dict is a spec as written; its relative paths (models, calibration) are relative to the
// working directory. A str or os.PathLike is a spec file, read as `looplab sweep` reads it.
SweepSpec spec_from(nb::handle spec) {
  if (auto path = as_path_text(spec)) return load_sweep_spec(*path);
  if (nb::isinstance<nb::dict>(spec)) return sweep_spec_from_json(to_json(spec, ""), "spec");
  throw InputError("spec", "expected a dict or a spec file; got a " + std::string(nb::type_name(spec.type()).c_str()));
}

// The column order of `looplab sweep`'s CSV: its header, written for no rows (the JSON rows are
// objects, whose keys come back sorted).
std::vector<std::string> csv_columns() {
  std::ostringstream header;
  write_sweep_csv(header, SweepResult{});
  std::vector<std::string> out;
  std::istringstream in(header.str().substr(0, header.str().find('\n')));
  for (std::string c; std::getline(in, c, ',');) out.push_back(c);
  return out;
}

}  // namespace

void bind_sweep(nb::module_& m) {
  m.def(
      "_sweep",
      // max_points 0: the default limit (std::optional<int64_t> here trips GCC 12's
      // -Wmaybe-uninitialized inside nanobind's argument tuple).
      [](nb::handle spec, std::int64_t max_points) {
        const SweepSpec s = spec_from(spec);
        nlohmann::json out;
        {
          nb::gil_scoped_release release;
          const ResolvedSweep r = resolve_sweep(s);
          // check_point_limit's rule, in this function's terms (max_points=, not --max-points).
          if (max_points < 0) throw InputError("max_points", "must be >= 1");
          const std::int64_t limit = max_points > 0 ? max_points : kSweepPointLimit;
          if (r.points > limit)
            throw InputError("max_points", "the grid has " + std::to_string(r.points) + " points, above the limit of " +
                                               std::to_string(limit) + "; pass max_points=" + std::to_string(r.points) +
                                               " to run it");
          out = sweep_to_json(r, run_sweep(r));
        }
        nlohmann::json rows = std::move(out["rows"]);
        out.erase("rows");
        return std::make_pair(json_rows_to_columns(rows, csv_columns()), to_python(out));
      },
      nb::arg("spec"), nb::arg("max_points") = 0,
      "(columns, summary): the rows of `looplab sweep --json` as columns, and the rest of its output.");
}

}  // namespace looplab::py
