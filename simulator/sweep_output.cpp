// CSV, JSON and text forms of a sweep's results.
#include "simulator/sweep_output.hpp"

#include <cstdio>
#include <map>
#include <tuple>

namespace looplab {

using nlohmann::json;

namespace {

const char* kColumns[] = {"hardware",
                          "model",
                          "variant",
                          "loops",
                          "window",
                          "batch",
                          "context",
                          "prompt",
                          "generate",
                          "dtype",
                          "calibrated",
                          "decode_step_s",
                          "decode_tokens_per_s",
                          "decode_flops_per_token",
                          "decode_bytes",
                          "decode_weight_bytes",
                          "decode_kv_read_bytes",
                          "decode_bound",
                          "prefill_s",
                          "generate_s",
                          "generate_tokens_per_s",
                          "kv_bytes",
                          "weight_bytes",
                          "activation_peak_bytes",
                          "memory_total_bytes",
                          "device_bytes",
                          "fits",
                          "feasible",
                          "pareto",
                          "best"};

std::string window_text(const SweepRow& r) { return r.window > 0 ? std::to_string(r.window) : ""; }

}  // namespace

void write_sweep_csv(std::ostream& out, const SweepResult& r) {
  bool first = true;
  for (const char* c : kColumns) {
    out << (first ? "" : ",") << c;
    first = false;
  }
  out << "\n";
  char buf[1024];
  for (const SweepRow& w : r.rows) {
    std::snprintf(
        buf, sizeof buf,
        "%s,%s,%s,%lld,%s,%lld,%lld,%lld,%lld,%s,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%s,%.9g,%.9g,%.9g,%lld,%lld,"
        "%lld,%lld,%lld,%d,%d,%d,%d\n",
        w.hardware.c_str(), w.model.c_str(), std::string(to_string(w.variant)).c_str(), static_cast<long long>(w.loops),
        window_text(w).c_str(), static_cast<long long>(w.batch), static_cast<long long>(w.context),
        static_cast<long long>(w.prompt), static_cast<long long>(w.generate), std::string(to_string(w.dtype)).c_str(),
        w.calibrated ? 1 : 0, w.decode_step_s, w.decode_tokens_per_s, w.decode_flops_per_token, w.decode_bytes,
        w.decode_weight_bytes, w.decode_kv_read_bytes, std::string(to_string(w.decode_bound)).c_str(), w.prefill_s,
        w.generate_s, w.generate_tokens_per_s, static_cast<long long>(w.kv_bytes),
        static_cast<long long>(w.weight_bytes), static_cast<long long>(w.activation_peak_bytes),
        static_cast<long long>(w.memory_total_bytes), static_cast<long long>(w.device_bytes),
        w.verdict == MemoryVerdict::fits ? 1 : 0, w.feasible ? 1 : 0, w.pareto ? 1 : 0, w.best ? 1 : 0);
    out << buf;
  }
}

json sweep_to_json(const ResolvedSweep& s, const SweepResult& r) {
  json rows = json::array();
  for (const SweepRow& w : r.rows) {
    rows.push_back({{"hardware", w.hardware},
                    {"model", w.model},
                    {"variant", std::string(to_string(w.variant))},
                    {"loops", w.loops},
                    {"window", w.window > 0 ? json(w.window) : json(nullptr)},
                    {"batch", w.batch},
                    {"context", w.context},
                    {"prompt", w.prompt},
                    {"generate", w.generate},
                    {"dtype", std::string(to_string(w.dtype))},
                    {"calibrated", w.calibrated},
                    {"decode_step_s", w.decode_step_s},
                    {"decode_tokens_per_s", w.decode_tokens_per_s},
                    {"decode_flops_per_token", w.decode_flops_per_token},
                    {"decode_bytes", w.decode_bytes},
                    {"decode_weight_bytes", w.decode_weight_bytes},
                    {"decode_kv_read_bytes", w.decode_kv_read_bytes},
                    {"decode_bound", std::string(to_string(w.decode_bound))},
                    {"prefill_s", w.prefill_s},
                    {"generate_s", w.generate_s},
                    {"generate_tokens_per_s", w.generate_tokens_per_s},
                    {"kv_bytes", w.kv_bytes},
                    {"weight_bytes", w.weight_bytes},
                    {"activation_peak_bytes", w.activation_peak_bytes},
                    {"memory_total_bytes", w.memory_total_bytes},
                    {"device_bytes", w.device_bytes},
                    {"fits", w.verdict == MemoryVerdict::fits},
                    {"feasible", w.feasible},
                    {"pareto", w.pareto},
                    {"best", w.best}});
  }
  return {{"spec", sweep_spec_to_json(s.spec)},
          {"grid_points", s.grid_points},
          {"points", s.points},
          {"pareto_points", r.pareto_rows},
          {"out_of_memory_points", r.oom_rows},
          {"infeasible_points", r.infeasible_rows},
          {"best_row", r.best ? json(*r.best) : json(nullptr)},
          {"rows", rows}};
}

std::string best_point_line(const ResolvedSweep& s, const SweepResult& r) {
  const SweepObjective& o = s.spec.objective;
  if (o.metric.empty()) return "";
  if (!r.best) return "objective: no point meets the constraints\n";
  const SweepRow& w = r.rows[*r.best];
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "objective (%s %s): best is %s %s L=%lld w=%s on %s, batch %lld, context %lld: %s = %.6g "
                "(decode step %.1f us, KV %.3f GB)\n",
                o.maximize ? "maximize" : "minimize", o.metric.c_str(), w.model.c_str(),
                std::string(to_string(w.variant)).c_str(), static_cast<long long>(w.loops),
                w.window > 0 ? std::to_string(w.window).c_str() : "-", w.hardware.c_str(),
                static_cast<long long>(w.batch), static_cast<long long>(w.context), o.metric.c_str(),
                objective_value(w, o.metric), w.decode_step_s * 1e6, static_cast<double>(w.kv_bytes) / 1e9);
  return buf;
}

void write_pareto_summary(std::ostream& out, const SweepResult& r, std::size_t max_listed, std::size_t max_workloads) {
  std::map<std::tuple<std::string, std::int64_t, std::int64_t>, std::vector<const SweepRow*>> groups;
  std::map<std::tuple<std::string, std::int64_t, std::int64_t>, std::size_t> sizes;
  for (const SweepRow& w : r.rows) {
    const auto key = std::make_tuple(w.hardware, w.batch, w.context);
    ++sizes[key];
    if (w.pareto) groups[key].push_back(&w);
  }
  char buf[512];
  out << "Pareto fronts (lower latency, lower KV bytes, more compute per token), per workload:\n";
  std::size_t listed = 0;
  for (const auto& [key, n] : sizes) {
    if (max_workloads > 0 && listed == max_workloads) {
      out << "  ... " << sizes.size() - listed
          << " more workloads (every front is in the output's pareto column; --summary all lists them)\n";
      break;
    }
    ++listed;
    const auto& front = groups[key];
    std::snprintf(buf, sizeof buf, "  %s batch %lld context %lld: %zu of %zu points on the front\n",
                  std::get<0>(key).c_str(), static_cast<long long>(std::get<1>(key)),
                  static_cast<long long>(std::get<2>(key)), front.size(), n);
    out << buf;
    for (std::size_t i = 0; i < front.size() && i < max_listed; ++i) {
      const SweepRow& w = *front[i];
      std::snprintf(buf, sizeof buf, "    %-24s %-9s L=%-2lld w=%-5s %10.1f us  KV %9.3f GB  %8.2f GFLOP/token\n",
                    w.model.c_str(), std::string(to_string(w.variant)).c_str(), static_cast<long long>(w.loops),
                    w.window > 0 ? std::to_string(w.window).c_str() : "-", w.decode_step_s * 1e6,
                    static_cast<double>(w.kv_bytes) / 1e9, w.decode_flops_per_token / 1e9);
      out << buf;
    }
    if (front.size() > max_listed) out << "    ... (" << front.size() - max_listed << " more)\n";
  }
}

}  // namespace looplab
