// Formatting of runs and of the measured-vs-predicted table.
#include "cli/run_report.hpp"

#include <cstdio>

#include "simulator/format.hpp"

namespace looplab::cli {

std::string time_or_dash(const std::optional<double>& s) { return s ? format_time(*s) : "-"; }

std::string run_headline(const store::RunInfo& r) {
  return "run " + std::to_string(r.id) + " (" + std::string(store::to_string(r.status)) + "): " + r.model + " " +
         r.variant + " L=" + std::to_string(r.loops) + ", batch " + std::to_string(r.batch) + ", prompt " +
         std::to_string(r.prompt_len) + ", " + std::to_string(r.decode_steps) + " decode steps x " +
         std::to_string(r.repeats) + " repeats (" + std::to_string(r.warmup) + " warm-up), " + r.backend +
         " backend, " + r.tracer + " tracer";
}

void print_kind_table(const std::vector<store::KindRow>& rows) {
  std::printf("%-8s %-19s %12s %12s %12s %12s %9s\n", "phase", "op kind", "measured", "p10", "p90", "predicted",
              "error");
  for (const store::KindRow& r : rows) {
    std::string err = "-";
    if (r.error_pct) {
      char b[32];
      std::snprintf(b, sizeof b, "%+.1f%%", *r.error_pct);
      err = b;
    }
    if (r.kind == "step") std::printf("%-8s %-19s %12s %12s %12s %12s %9s\n", "", "", "------", "", "", "------", "");
    std::printf("%-8s %-19s %12s %12s %12s %12s %9s\n", r.phase.c_str(), r.kind.c_str(),
                r.measured.samples ? format_time(r.measured.median_s).c_str() : "-",
                r.measured.samples ? format_time(r.measured.p10_s).c_str() : "-",
                r.measured.samples ? format_time(r.measured.p90_s).c_str() : "-", time_or_dash(r.predicted_s).c_str(),
                err.c_str());
  }
}

nlohmann::json kind_table_json(const std::vector<store::KindRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const store::KindRow& r : rows) {
    nlohmann::json j = {{"phase", r.phase},
                        {"kind", r.kind},
                        {"samples", r.measured.samples},
                        {"measured_median_s", r.measured.median_s},
                        {"measured_p10_s", r.measured.p10_s},
                        {"measured_p90_s", r.measured.p90_s}};
    j["predicted_s"] = r.predicted_s ? nlohmann::json(*r.predicted_s) : nlohmann::json();
    j["error_pct"] = r.error_pct ? nlohmann::json(*r.error_pct) : nlohmann::json();
    out.push_back(j);
  }
  return out;
}

nlohmann::json run_info_json(const store::RunInfo& r) {
  auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  nlohmann::json config = nlohmann::json::parse(r.config_json, nullptr, false);
  return {{"id", r.id},
          {"created_at", r.created_at},
          {"finished_at", r.finished_at},
          {"status", std::string(store::to_string(r.status))},
          {"complete", r.complete},
          {"label", r.label},
          {"model", r.model},
          {"variant", r.variant},
          {"loops", r.loops},
          {"config", config.is_discarded() ? nlohmann::json(r.config_json) : config},
          {"batch", r.batch},
          {"prompt_len", r.prompt_len},
          {"decode_steps", r.decode_steps},
          {"warmup", r.warmup},
          {"repeats", r.repeats},
          {"backend", r.backend},
          {"tracer", r.tracer},
          {"hardware", r.hardware},
          {"device_name", r.device_name},
          {"driver_version", r.driver_version},
          {"cuda_version", r.cuda_version},
          {"engine_commit", r.engine_commit},
          {"host", r.host},
          {"pid", r.pid},
          {"seed", r.seed},
          {"threads", r.threads},
          {"dropped_records", r.dropped_records},
          {"error", r.error},
          {"prefill_median_s", opt(r.stats.prefill_median_s)},
          {"decode_median_s", opt(r.stats.decode_median_s)},
          {"decode_p10_s", opt(r.stats.decode_p10_s)},
          {"decode_p90_s", opt(r.stats.decode_p90_s)},
          {"predicted_prefill_s", opt(r.stats.predicted_prefill_s)},
          {"predicted_decode_s", opt(r.stats.predicted_decode_s)}};
}

}  // namespace looplab::cli
