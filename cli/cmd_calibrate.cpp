// `looplab calibrate RECORDS.json | --runs ID,...`: fits per-op-kind efficiency factors to measured
// op times (a records file, or runs of `looplab run` in the store), reports the error before and
// after on the fitted records (in-sample) and, with two or more configurations, the error on
// configurations left out of the fit (lab/held_out.hpp), and saves the calibration with its
// provenance.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "cli/commands.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/build_stamp.hpp"
#include "engine/core/error.hpp"
#include "lab/calibration_store.hpp"
#include "lab/held_out.hpp"
#include "simulator/calibrate.hpp"
#include "simulator/format.hpp"
#include "simulator/records.hpp"

namespace looplab::cli {

namespace {

struct CalibrateArgs {
  std::string records;
  std::vector<std::int64_t> runs;
  std::optional<std::string> hardware;
  std::string ceiling = "achievable";
  std::optional<std::string> out;
  std::optional<std::string> db;
  std::optional<std::string> residuals;
  bool json = false;
};

// One CSV row per op record: what it was, what was measured, what the fit predicts. Rows follow
// the samples' order (steps in record order, ops in plan order).
void write_residuals(const std::string& file, const RecordSet& r, const std::vector<OpSample>& samples,
                     const Calibration& cal, const FitBasis& basis) {
  AtomicFile out(file, "residuals");
  std::ostream& f = out.stream();
  f << "step,model,variant,loops,phase,batch,context,op,name,kind,rows,flops,bytes,roof_compute_s,"
       "roof_memory_s,measured_s,before_s,after_s\n";
  const std::array<KindFactors, kOpKindCount> uncalibrated{};
  std::size_t i = 0;
  for (std::size_t st = 0; st < r.steps.size(); ++st) {
    const StepRecord& rec = r.steps[st];
    const StepPlan plan = plan_step(rec.config, rec.shape);
    for (std::size_t op = 0; op < plan.ops.size(); ++op, ++i) {
      const OpSample& s = samples.at(i);
      const auto k = static_cast<std::size_t>(s.kind);
      char buf[512];
      std::snprintf(buf, sizeof buf, "%zu,%s,%s,%lld,%s,%lld,%lld,%zu,%s,%s,%lld,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n",
                    st, rec.config.name.c_str(), std::string(to_string(rec.config.variant)).c_str(),
                    static_cast<long long>(rec.config.loops), std::string(to_string(rec.shape.phase)).c_str(),
                    static_cast<long long>(rec.shape.batch), static_cast<long long>(rec.shape.context_len), op,
                    op_name(plan.ops[op]).c_str(), std::string(to_string(s.kind)).c_str(),
                    static_cast<long long>(plan.ops[op].rows), s.flops, s.bytes, s.roof_compute_s, s.roof_memory_s,
                    s.measured_s, sample_time_s(s, uncalibrated[k], basis), sample_time_s(s, cal.kinds[k], basis));
      f << buf;
    }
  }
  out.commit();
}

void print_error_row(const char* label, const ErrorSummary& e) {
  std::printf("  %-26s ops: median %7s  p90 %7s   steps: median %7s  p90 %7s\n", label,
              format_percent(e.op_median).c_str(), format_percent(e.op_p90).c_str(),
              format_percent(e.step_median).c_str(), format_percent(e.step_p90).c_str());
}

void print_held_out(const lab::HeldOutReport& h) {
  auto row = [](const char* label, const lab::StepErrors& e) {
    std::printf("  %-26s steps: median %7s  p90 %7s   (%lld steps)\n", label, format_percent(e.median).c_str(),
                format_percent(e.p90).c_str(), static_cast<long long>(e.steps));
  };
  std::printf("held out (leave-configuration-out: each of %lld configurations predicted by a fit on the others):\n",
              static_cast<long long>(h.configurations));
  row("decode, calibrated", h.decode);
  row("decode, uncalibrated", h.decode_uncalibrated);
  row("prefill, calibrated", h.prefill);
  row("prefill, uncalibrated", h.prefill_uncalibrated);
  row("decode, in-sample (contrast)", h.decode_in_sample);
}

nlohmann::json held_out_json(const lab::HeldOutReport& h) {
  auto e = [](const lab::StepErrors& s) {
    return nlohmann::json{{"median", s.median}, {"p90", s.p90}, {"steps", s.steps}};
  };
  nlohmann::json per = nlohmann::json::array();
  for (const auto& c : h.per_configuration)
    per.push_back({{"configuration", c.label}, {"decode", e(c.decode)}, {"prefill", e(c.prefill)}});
  return {{"method", "leave-configuration-out"},
          {"configurations", h.configurations},
          {"decode", e(h.decode)},
          {"prefill", e(h.prefill)},
          {"decode_uncalibrated", e(h.decode_uncalibrated)},
          {"prefill_uncalibrated", e(h.prefill_uncalibrated)},
          {"decode_in_sample", e(h.decode_in_sample)},
          {"per_configuration", per}};
}

Registered register_calibrate(CLI::App& root) {
  auto* sub = root.add_subcommand("calibrate", "fit per-op-kind efficiency factors to measured op records");
  auto a = std::make_shared<CalibrateArgs>();
  sub->add_option("records", a->records, "records JSON (format in docs/simulator.md); or --runs");
  sub->add_option("--runs", a->runs,
                  "instead of a records file: measured runs in the store --db (ids, comma-separated)")
      ->delimiter(',');
  sub->add_option("--hardware", a->hardware, "spec the records ran on (default: the records' own)");
  sub->add_option("--ceiling", a->ceiling,
                  "achievable | measured | datasheet: the ceiling the efficiencies are relative to")
      ->capture_default_str();
  sub->add_option("--out", a->out, "save the calibration to FILE (use it with predict --calibration FILE)");
  sub->add_option("--db", a->db,
                  "also add it to this results store (prints its id for --calibration ID); with --runs, the store "
                  "the runs are read from (default looplab.db)");
  sub->add_option("--residuals", a->residuals, "write one CSV row per op record: measured, predicted before and after");
  sub->add_flag("--json", a->json, "print the calibration as JSON");
  return {
      sub, [a] {
        if (a->records.empty() == a->runs.empty())
          throw InputError("records", "give a records file or --runs ID,... (one of the two)");
        auto ceiling = parse_ceiling(a->ceiling);
        if (!ceiling) throw InputError("ceiling", "'" + a->ceiling + "' is not one of achievable, measured, datasheet");
        RecordSet r;
        HardwareSpec hw;
        std::string source;
        if (!a->runs.empty()) {
          // Runs of `looplab run`: their store is --db (read first, the calibration added after).
          if (!a->db) a->db = "looplab.db";
          r = lab::records_from_runs(*a->db, a->runs, hw);
          if (a->hardware) hw = load_hardware(*a->hardware);
          source = "runs";
          for (std::size_t i = 0; i < a->runs.size(); ++i) source += (i ? "," : " ") + std::to_string(a->runs[i]);
          source += " of " + std::filesystem::path(*a->db).filename().string();
        } else {
          r = load_records(a->records);
          hw = load_hardware(a->hardware ? *a->hardware : r.hardware);
          source = std::filesystem::path(a->records).filename().string();
        }
        const std::vector<OpSample> samples = samples_from_records(r, hw, *ceiling);
        const CalibrationProvenance prov{hw.name, r.engine_commit, utc_now_iso8601(), source};
        const FitBasis basis = fit_basis(hw, *ceiling, r.launch);
        const Calibration cal = fit_calibration(samples, basis, prov, *ceiling, r.launch);
        std::optional<lab::HeldOutReport> held;
        if (lab::configuration_of_records(r).back() >= 1) held = lab::leave_configuration_out(r, hw, *ceiling);
        if (a->residuals) write_residuals(*a->residuals, r, samples, cal, basis);
        if (a->out) save_calibration(cal, *a->out);
        std::int64_t stored_id = 0;
        if (a->db)
          stored_id = lab::store_calibration(cal, hw, *a->db, "looplab calibrate " + prov.records,
                                             a->runs.empty() ? std::nullopt : std::optional<std::int64_t>(a->runs[0]));
        if (a->json) {
          nlohmann::json j = calibration_to_json(cal);
          if (held) j["held_out"] = held_out_json(*held);
          std::cout << j.dump(2) << "\n";
          return 0;
        }
        std::printf("calibration of %s from %s: %lld op records in %lld steps (engine %s, simulator %s)\n",
                    hw.name.c_str(), prov.records.c_str(), static_cast<long long>(cal.after.ops),
                    static_cast<long long>(cal.after.steps), r.engine_commit.c_str(), build_stamp().c_str());
        std::printf("%-20s %8s %9s %10s %10s %12s\n", "kind", "records", "outliers", "mem eff", "comp eff", "overhead");
        for (int k = 0; k < kOpKindCount; ++k) {
          const KindFactors& f = cal.kinds[static_cast<std::size_t>(k)];
          if (f.samples == 0) continue;
          auto eff = [](bool fitted, double v) {
            char buf[32];
            std::snprintf(buf, sizeof buf, fitted ? "%.3f" : "(1)", v);
            return std::string(buf);
          };
          std::printf("%-20s %8lld %9lld %10s %10s %12s\n", std::string(to_string(static_cast<OpKind>(k))).c_str(),
                      static_cast<long long>(f.samples), static_cast<long long>(f.outliers),
                      eff(f.memory_fitted, f.memory_efficiency).c_str(),
                      eff(f.compute_fitted, f.compute_efficiency).c_str(),
                      f.overhead_fitted ? format_time(f.overhead_s).c_str() : "(launch)");
        }
        std::printf("(1): no record of that bound, left at 1. relative error |predicted - measured| / measured:\n");
        std::printf("on the records it was fitted on (in-sample):\n");
        print_error_row("before (uncalibrated)", cal.before);
        print_error_row("after (in-sample)", cal.after);
        if (held)
          print_held_out(*held);
        else
          std::printf("held out: not judged (the records hold one configuration; leave-configuration-out needs two)\n");
        if (a->out) std::printf("saved to %s\n", a->out->c_str());
        if (a->db) std::printf("stored in %s as calibration %lld\n", a->db->c_str(), static_cast<long long>(stored_id));
        if (!a->out && !a->db) std::printf("not saved: pass --out FILE or --db STORE\n");
        return 0;
      }};
}

const Registrar kCalibrate(register_calibrate);

}  // namespace
}  // namespace looplab::cli
