// Hand-built run metadata and rows with a distinct value in every field, so a round trip that
// drops or swaps a column fails.
#pragma once
#include "store/records.hpp"
#include "store/store.hpp"

namespace looplab::testing {

inline store::RunInfo sample_run(const std::string& label = "test") {
  store::RunInfo r;
  r.label = label;
  r.model = "tiny";
  r.variant = "plt";
  r.loops = 2;
  r.config_json = R"({"name":"tiny","loops":2})";
  r.batch = 3;
  r.prompt_len = 17;
  r.decode_steps = 5;
  r.warmup = 1;
  r.repeats = 4;
  r.backend = "cpu";
  r.tracer = "host";
  r.hardware = "host";
  r.hardware_json = R"({"name":"host","peak_flops":1e11})";
  r.device_name = "Test CPU";
  r.driver_version = "";
  r.cuda_version = "";
  r.engine_commit = "0123abc";
  r.host = "testhost";
  r.pid = 4242;
  r.seed = 7;
  r.threads = 2;
  return r;
}

inline store::OpRow sample_op(std::int64_t rep, std::int64_t step, std::int64_t op) {
  store::OpRow o;
  o.repeat_index = rep;
  o.step_index = step;
  o.op_index = op;
  o.name = "layer" + std::to_string(op % 3) + ".loop1.qkv_proj";
  o.kind = op % 2 ? "qkv_proj" : "attn_global";
  o.layer = op % 3;
  o.loop_lo = 1;
  o.loop_hi = 2;
  o.pass = 0;
  o.rows = 6 + op;
  o.n = 128;
  o.k = 64;
  o.kv_len = 18 + step;
  o.start_ns = 1000 * (step * 100 + op);
  o.end_ns = o.start_ns + 500 + op;
  return o;
}

// Finishes a stored run with a status (and optional stats, dropped records and error text), as
// the measurement layer does at the end of a run.
inline void finish(store::Store& s, store::RunId id, store::RunStatus status, const store::RunStats& stats = {},
                   std::int64_t dropped = 0, const std::string& error = "") {
  store::RunInfo info;
  if (auto r = s.get_run(id)) info = *r;
  info.id = id;
  info.status = status;
  info.stats = stats;
  info.dropped_records = dropped;
  info.error = error;
  s.finish_run(info);
}

// A host hardware row as `looplab hardware measure` would keep one (JSON given as is).
inline store::HardwareRow hardware_row(const std::string& name, const std::string& spec_json) {
  return {0, name, spec_json, "", "", "", ""};
}

}  // namespace looplab::testing
