// Sweeps kept in a results store, as the sweep explorer's table (stored_sweeps.hpp).
#include "gui/data/stored_sweeps.hpp"

#include <cmath>

#include "engine/core/error.hpp"
#include "store/store.hpp"

namespace looplab::gui {

std::vector<StoredSweep> listStoredSweeps(const std::string& dbPath) {
  auto s = store::open_store(dbPath, store::OpenMode::read_only);
  std::vector<StoredSweep> out;
  for (const store::SweepInfo& w : s->sweeps()) out.push_back({w.id, w.name, w.created_at, w.points});
  return out;
}

SweepTable loadStoredSweep(const std::string& dbPath, std::int64_t sweepId) {
  auto s = store::open_store(dbPath, store::OpenMode::read_only);
  bool known = false;
  for (const store::SweepInfo& w : s->sweeps()) known = known || w.id == sweepId;
  if (!known) throw InputError("sweep", "no sweep " + std::to_string(sweepId) + " in " + dbPath);
  const std::vector<store::SweepPointRow> points = s->read_sweep_points(sweepId);
  SweepTable t;
  t.rows = points.size();
  auto text = [&](const char* name, auto get) {
    SweepColumn c{name, false, {}, {}};
    for (const auto& p : points) c.texts.push_back(get(p));
    t.columns.push_back(std::move(c));
  };
  auto number = [&](const char* name, auto get) {
    SweepColumn c{name, true, {}, {}};
    for (const auto& p : points) c.values.push_back(static_cast<double>(get(p)));
    t.columns.push_back(std::move(c));
  };
  using P = store::SweepPointRow;
  // In the CSV's order (simulator/sweep_output.cpp), the columns the store keeps.
  text("hardware", [](const P& p) { return p.hardware; });
  text("model", [](const P& p) { return p.model; });
  text("variant", [](const P& p) { return p.variant; });
  number("loops", [](const P& p) { return p.loops; });
  number("window", [](const P& p) { return p.window > 0 ? static_cast<double>(p.window) : NAN; });
  number("batch", [](const P& p) { return p.batch; });
  number("context", [](const P& p) { return p.context_len; });
  text("dtype", [](const P& p) { return p.dtype; });
  number("calibrated", [](const P& p) { return p.calibrated ? 1 : 0; });
  number("decode_step_s", [](const P& p) { return p.decode_step_s; });
  number("decode_tokens_per_s",
         [](const P& p) { return p.decode_step_s > 0 ? static_cast<double>(p.batch) / p.decode_step_s : NAN; });
  number("decode_flops_per_token", [](const P& p) { return p.decode_flops_per_token; });
  number("kv_bytes", [](const P& p) { return p.kv_bytes; });
  number("weight_bytes", [](const P& p) { return p.weight_bytes; });
  number("memory_total_bytes", [](const P& p) { return p.memory_total_bytes; });
  number("fits", [](const P& p) { return p.fits ? 1 : 0; });
  number("feasible", [](const P& p) { return p.feasible ? 1 : 0; });
  number("pareto", [](const P& p) { return p.pareto ? 1 : 0; });
  number("best", [](const P& p) { return p.best ? 1 : 0; });
  return t;
}

}  // namespace looplab::gui
