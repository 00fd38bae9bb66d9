// SqliteStore's sweeps: a sweep and its points written in one transaction, and read back.
#include "store/sqlite_store.hpp"

namespace looplab::store {

std::int64_t SqliteStore::add_sweep(SweepInfo& sweep, const std::vector<SweepPointRow>& points) {
  // One transaction: a sweep killed while writing leaves no sweeps row and no points.
  Transaction tx(db_);
  Statement head(db_,
                 "INSERT INTO sweeps (name, created_at, engine_commit, spec_json, points) "
                 "VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?)");
  head.bind_all(std::string_view(sweep.name), std::string_view(sweep.engine_commit),
                std::string_view(sweep.spec_json), static_cast<std::int64_t>(points.size()));
  head.run();
  const std::int64_t id = db_.last_insert_rowid();
  Statement row(db_,
                "INSERT INTO sweep_points (sweep_id, point_index, hardware, model, variant, loops, window_len, "
                "batch, context_len, dtype, calibrated, decode_step_s, decode_flops_per_token, kv_bytes, "
                "weight_bytes, memory_total_bytes, fits, pareto) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::int64_t index = 0;
  for (const SweepPointRow& p : points) {
    row.bind_all(id, index++, std::string_view(p.hardware), std::string_view(p.model), std::string_view(p.variant),
                 p.loops, p.window, p.batch, p.context_len, std::string_view(p.dtype),
                 static_cast<std::int64_t>(p.calibrated), p.decode_step_s, p.decode_flops_per_token, p.kv_bytes,
                 p.weight_bytes, p.memory_total_bytes, static_cast<std::int64_t>(p.fits),
                 static_cast<std::int64_t>(p.pareto));
    row.run();
  }
  Statement when(db_, "SELECT created_at FROM sweeps WHERE id = ?");
  when.bind(1, id);
  if (when.step()) sweep.created_at = when.text(0);
  tx.commit();
  sweep.id = id;
  sweep.points = static_cast<std::int64_t>(points.size());
  return id;
}

std::vector<SweepInfo> SqliteStore::sweeps() {
  std::vector<SweepInfo> out;
  Statement st(db_, "SELECT id, name, created_at, engine_commit, spec_json, points FROM sweeps ORDER BY id");
  while (st.step()) {
    SweepInfo s;
    s.id = st.int64(0);
    s.name = st.text(1);
    s.created_at = st.text(2);
    s.engine_commit = st.text(3);
    s.spec_json = st.text(4);
    s.points = st.int64(5);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<SweepPointRow> SqliteStore::read_sweep_points(std::int64_t sweep) {
  std::vector<SweepPointRow> out;
  Statement st(db_,
               "SELECT hardware, model, variant, loops, window_len, batch, context_len, dtype, calibrated, "
               "decode_step_s, decode_flops_per_token, kv_bytes, weight_bytes, memory_total_bytes, fits, pareto "
               "FROM sweep_points WHERE sweep_id = ? ORDER BY point_index");
  st.bind(1, sweep);
  while (st.step()) {
    SweepPointRow p;
    int c = 0;
    p.hardware = st.text(c++);
    p.model = st.text(c++);
    p.variant = st.text(c++);
    p.loops = st.int64(c++);
    p.window = st.int64(c++);
    p.batch = st.int64(c++);
    p.context_len = st.int64(c++);
    p.dtype = st.text(c++);
    p.calibrated = st.int64(c++) != 0;
    p.decode_step_s = st.real(c++);
    p.decode_flops_per_token = st.real(c++);
    p.kv_bytes = st.int64(c++);
    p.weight_bytes = st.int64(c++);
    p.memory_total_bytes = st.int64(c++);
    p.fits = st.int64(c++) != 0;
    p.pareto = st.int64(c++) != 0;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace looplab::store
