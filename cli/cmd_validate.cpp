// `looplab validate`: the simulator against published measurements (data/validation/), point by
// point and summarised by GPU, engine, batch band and phase. The headline figures are
// leave-one-source-out: every fitted number is fitted without the source it is judged on.
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"
#include "simulator/format.hpp"
#include "simulator/model_fit.hpp"
#include "simulator/validation.hpp"

namespace looplab::cli {

namespace {

struct ValidateArgs {
  std::string set;
  std::string fit = "loso";
  bool json = false, quiet = false, write_fit = false;
};

std::string batch_band(std::int64_t b) {
  if (b == 1) return "batch 1";
  if (b <= 16) return "batch 2-16";
  if (b <= 64) return "batch 17-64";
  return "batch 65-256";
}

const char* phase_name(Phase p) { return p == Phase::decode ? "decode" : "prefill"; }

// Error figures per (dimension, value, phase): "all", "gpu", "engine", "batch", "model".
using Groups = std::map<std::string, std::map<std::string, std::vector<double>>>;

Groups group_errors(const ValidationSet& set, const ValidationReport& rep) {
  Groups g;
  for (const PointResult& r : rep.results) {
    const ValidationPoint& p = set.points[r.point];
    const std::string ph = phase_name(p.phase);
    g["phase"][ph].push_back(r.error);
    g["gpu"][p.hardware + " " + ph].push_back(r.error);
    g["engine"][p.engine + " " + ph].push_back(r.error);
    g["model"][p.model + " " + ph].push_back(r.error);
    if (p.phase == Phase::decode) g["batch"][batch_band(p.batch)].push_back(r.error);
  }
  return g;
}

nlohmann::json stats_json(const ErrorStats& s) {
  return {{"n", s.n}, {"median_abs", s.median_abs}, {"p90_abs", s.p90_abs}, {"mean", s.mean}};
}

nlohmann::json figures_json(const ValidationSet& set, const ValidationReport& rep) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [dim, values] : group_errors(set, rep))
    for (const auto& [name, errs] : values) out[dim][name] = stats_json(error_stats(errs));
  return out;
}

std::string pct(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", 100 * x);
  return b;
}
std::string apct(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * x);
  return b;
}

void print_points(const ValidationSet& set, const ValidationReport& rep) {
  std::printf("%-52s %-14s %-13s %-12s %5s %6s %-7s %11s %11s %8s\n", "point", "gpu", "engine", "model", "batch", "ctx",
              "phase", "measured", "predicted", "error");
  for (const PointResult& r : rep.results) {
    const ValidationPoint& p = set.points[r.point];
    std::printf("%-52s %-14s %-13s %-12s %5lld %6lld %-7s %11s %11s %8s%s\n", p.id.substr(0, 52).c_str(),
                p.hardware.c_str(), p.engine.c_str(), p.model.c_str(), static_cast<long long>(p.batch),
                static_cast<long long>(p.context), phase_name(p.phase), format_time(p.seconds).c_str(),
                format_time(r.predicted_s).c_str(), pct(r.error).c_str(), p.doubts.empty() ? "" : "  (doubtful)");
  }
}

void print_summary(const ValidationSet& set, const ValidationReport& rep) {
  std::printf("\n%-34s %4s %14s %12s %12s\n", "group", "n", "median |err|", "p90 |err|", "mean err");
  const Groups g = group_errors(set, rep);
  for (const char* dim : {"phase", "gpu", "engine", "batch", "model"}) {
    auto it = g.find(dim);
    if (it == g.end()) continue;
    for (const auto& [name, errs] : it->second) {
      const ErrorStats s = error_stats(errs);
      std::printf("%-34s %4lld %14s %12s %12s\n", (std::string(dim) + ": " + name).c_str(), static_cast<long long>(s.n),
                  apct(s.median_abs).c_str(), apct(s.p90_abs).c_str(), pct(s.mean).c_str());
    }
  }
}

void print_fit(const ModelFit& f) {
  std::printf("\nfitted on every point (what predictions use once written with --write-fit):\n");
  std::printf("  kernel ramp %.2f us, compute/memory overlap %.2f, GEMM tile exponent %.2f\n",
              f.efficiency.ramp_s * 1e6, f.efficiency.overlap, f.efficiency.tile_alpha);
  for (const auto& [name, e] : f.engines)
    std::printf("  %-14s host/kernel %6.2f us  step %7.3f ms  per sequence %6.2f us%s%s\n", name.c_str(),
                e.host_per_kernel_s * 1e6, e.step_overhead_s * 1e3, e.step_overhead_per_seq_s * 1e6,
                e.gemm_sm_bandwidth_bytes_per_s > 0 || e.gemm_sm_flops > 0
                    ? ("  GEMM caps per SM " + std::to_string(e.gemm_sm_bandwidth_bytes_per_s / 1e9).substr(0, 4) +
                       " GB/s, " + std::to_string(e.gemm_sm_flops / 1e12).substr(0, 4) + " TFLOP/s")
                          .c_str()
                    : "",
                e.from_data ? "" : "  (prior: under two sources)");
}

std::string today() {
  const std::time_t t = std::time(nullptr);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%d", std::gmtime(&t));
  return b;
}

// The targets the model is held to (decode and prefill, quoted leave-one-source-out).
struct Target {
  const char* phase;
  const char* metric;
  double limit;
};
constexpr Target kTargets[] = {{"decode", "median_abs", 0.10},
                               {"decode", "p90_abs", 0.20},
                               {"decode", "abs_mean", 0.05},
                               {"prefill", "median_abs", 0.15}};

nlohmann::json targets_json(const ValidationSet& set, const ValidationReport& rep) {
  std::map<std::string, std::vector<double>> by_phase;
  for (const PointResult& r : rep.results) by_phase[phase_name(set.points[r.point].phase)].push_back(r.error);
  nlohmann::json out = nlohmann::json::array();
  for (const Target& t : kTargets) {
    const ErrorStats s = error_stats(by_phase[t.phase]);
    const std::string m = t.metric;
    const double v = m == "median_abs" ? s.median_abs : (m == "p90_abs" ? s.p90_abs : std::fabs(s.mean));
    out.push_back({{"phase", t.phase}, {"metric", m}, {"limit", t.limit}, {"value", v}, {"met", v <= t.limit}});
  }
  return out;
}

void print_targets(const ValidationSet& set, const ValidationReport& rep) {
  std::printf("\ntargets (%s):\n", std::string(to_string(rep.mode)).c_str());
  for (const auto& t : targets_json(set, rep)) {
    const std::string m = t.at("metric").get<std::string>();
    const char* name = m == "median_abs" ? "median |error|" : (m == "p90_abs" ? "p90 |error|" : "|mean error|");
    std::printf("  %-8s %-15s <= %4.0f%%   %5.1f%%   %s\n", t.at("phase").get<std::string>().c_str(), name,
                100 * t.at("limit").get<double>(), 100 * t.at("value").get<double>(),
                t.at("met").get<bool>() ? "met" : "NOT MET");
  }
}

int run_validate(const ValidateArgs& a) {
  FitMode mode;
  if (a.fit == "loso")
    mode = FitMode::leave_one_out;
  else if (a.fit == "in-sample")
    mode = FitMode::in_sample;
  else if (a.fit == "priors")
    mode = FitMode::priors;
  else
    throw InputError("fit", "'" + a.fit + "' is not one of loso, in-sample, priors");
  if (a.write_fit && mode != FitMode::leave_one_out)
    throw InputError("write-fit", "needs --fit loso: the fit file records the cross-validated figures");
  if (a.write_fit) check_output_path(default_fit_path(), "write-fit");  // before the fitting, not after
  const std::string path = a.set.empty() ? default_validation_path() : a.set;
  const ValidationSet set = load_validation_set(path);
  std::map<std::string, int> groups;
  for (const ValidationPoint& p : set.points) groups[p.group]++;
  if (!a.json && !a.quiet)
    std::fprintf(stderr, "validating %zu points from %zu sources (fit: %s)...\n", set.points.size(), groups.size(),
                 std::string(to_string(mode)).c_str());
  const ValidationReport rep = run_validation(set, mode);

  if (a.write_fit) {
    ModelFit out = rep.fit_all;
    out.provenance = std::to_string(set.points.size()) + " points from " + std::to_string(groups.size()) +
                     " sources (" + std::filesystem::path(path).filename().string() + "), " + today();
    out.figures = nlohmann::json::object();
    out.figures["leave-one-source-out"] = figures_json(set, rep);
    out.figures["in-sample"] = figures_json(set, run_validation(set, FitMode::in_sample));
    out.figures["priors"] = figures_json(set, run_validation(set, FitMode::priors));
    const std::string fit_path = default_fit_path();
    write_file_atomically(fit_path, model_fit_to_json(out).dump(1) + "\n", "write-fit");
    if (!a.json) std::fprintf(stderr, "wrote %s\n", fit_path.c_str());
  }

  if (a.json) {
    nlohmann::json pts = nlohmann::json::array();
    for (const PointResult& r : rep.results) {
      const ValidationPoint& p = set.points[r.point];
      pts.push_back({{"id", p.id},
                     {"source", p.source},
                     {"group", p.group},
                     {"hardware", p.hardware},
                     {"engine", p.engine},
                     {"model", p.model},
                     {"phase", phase_name(p.phase)},
                     {"batch", p.batch},
                     {"context", p.context},
                     {"measured_s", p.seconds},
                     {"predicted_s", r.predicted_s},
                     {"error", r.error},
                     {"doubtful", !p.doubts.empty()}});
    }
    nlohmann::json fit = model_fit_to_json(rep.fit_all);
    fit.erase("about");
    fit.erase("figures");
    fit.erase("provenance");
    std::cout << nlohmann::json{{"fit", std::string(to_string(mode))},
                                {"set", path},
                                {"points", pts},
                                {"figures", figures_json(set, rep)},
                                {"targets", targets_json(set, rep)},
                                {"fitted_on_all", fit}}
                     .dump(2)
              << "\n";
    return 0;
  }
  if (!a.quiet) print_points(set, rep);
  print_summary(set, rep);
  print_targets(set, rep);
  print_fit(rep.fit_all);
  std::printf("\nfit: %s. Errors are (predicted - measured) / measured.%s\n", std::string(to_string(mode)).c_str(),
              mode == FitMode::leave_one_out
                  ? " Each source's points were predicted by a model fitted without that source."
                  : (mode == FitMode::in_sample ? " IN SAMPLE: the figures flatter the model; quote --fit loso."
                                                : " Nothing fitted: the profiles' priors and default terms."));
  return 0;
}

Registered register_validate(CLI::App& root) {
  auto* sub = root.add_subcommand("validate",
                                  "predict every published measurement in the validation set and report the errors");
  auto a = std::make_shared<ValidateArgs>();
  sub->add_option("--set", a->set, "validation set JSON (default: data/validation/published.json)");
  sub->add_option("--fit", a->fit,
                  "loso: fit the free terms leaving each source out (the quoted figures) | in-sample | priors")
      ->capture_default_str();
  sub->add_flag("--write-fit", a->write_fit,
                "write the terms fitted on every point, with the figures, to data/validation/fit.json");
  sub->add_flag("--quiet", a->quiet, "summary only, no per-point table");
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run_validate(*a); }};
}

const Registrar kValidate(register_validate);

}  // namespace
}  // namespace looplab::cli
