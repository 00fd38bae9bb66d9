// `looplab gate`: the performance gate.
//   gate run SUITE --db FILE --label L      measure a suite's workloads and store them, tagged with
//                                           the commit; with --baseline-bin, interleave a baseline
//                                           binary's runs with this one's, pair by pair, and gate
//   gate compare --baseline B --candidate C the runs of one side against the other (labels,
//                                           commit:PREFIX, branch:NAME, or a second store for the
//                                           baseline)
// Exit 0 pass, 1 regressed, 3 inconclusive only, 2 bad input, 130 interrupted.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"
#include "lab/gate.hpp"
#include "lab/gate_history.hpp"
#include "lab/gate_power.hpp"
#include "lab/gate_report.hpp"
#include "lab/measure.hpp"
#include "lab/suite.hpp"
#include "simulator/format.hpp"

extern char** environ;

namespace looplab::cli {
namespace {

struct ReportArgs {
  lab::GateOptions options;
  bool json = false;
  std::optional<std::string> markdown, junit;
  std::optional<std::string> suite;  // thresholds and names from a suite file
};

struct CompareArgs {
  std::string db = "looplab.db";
  std::optional<std::string> baseline_db;
  std::string baseline, candidate;
  ReportArgs report;
};

struct RunArgs {
  std::string suite;
  std::string db = "looplab.db";
  std::string label;
  std::vector<std::string> workloads;  // only these (all when empty)
  std::string commit;
  std::string branch;
  std::optional<std::string> threads;  // overrides the suite's thread policy
  bool quiet = false;
  bool dry_run = false;  // check the suite and list its workloads, measure nothing
  // interleaved A/B
  std::optional<std::string> baseline_bin;
  std::string baseline_label;
  std::int64_t rounds = 8;
  ReportArgs report;
};

void check_report_paths(const ReportArgs& r) {
  if (r.markdown) check_output_path(*r.markdown, "markdown");
  if (r.junit) check_output_path(*r.junit, "junit");
}

// Prints the report (table or JSON), writes the Markdown and JUnit files, returns the exit code.
int emit(const lab::GateReport& r, const ReportArgs& a) {
  if (a.markdown) {
    AtomicFile f(*a.markdown, "markdown");
    f.write(lab::gate_report_markdown(r));
    f.commit();
  }
  if (a.junit) {
    AtomicFile f(*a.junit, "junit");
    f.write(lab::gate_report_junit(r));
    f.commit();
  }
  if (a.json) {
    std::cout << lab::gate_report_json(r).dump(2) << "\n";
    return lab::gate_exit_code(r.overall);
  }
  std::printf("%s: %s against %s (%s, alpha %.2f)\n\n", std::string(stats::to_string(r.overall)).c_str(),
              r.candidate_label.c_str(), r.baseline_label.c_str(),
              r.options.paired ? "interleaved pairs, Wilcoxon signed-rank" : "independent runs, Mann-Whitney U",
              r.options.alpha);
  std::printf("%-30s %-21s %11s %11s %8s %19s %8s %6s  %-12s %s\n", "workload", "metric", "baseline", "candidate",
              "change", "95% interval", "p", "thresh", "verdict", "samples");
  for (const auto& w : r.workloads) {
    for (const auto& m : w.metrics) {
      char p[16] = "-", t[16];
      if (!m.exact) std::snprintf(p, sizeof p, "%.2g", m.estimate.test.p);
      std::snprintf(t, sizeof t, "%.1f%%", 100 * m.threshold);
      const std::string ci = m.exact
                                 ? std::string("exact")
                                 : lab::percent_change(m.estimate.ci.lo) + ".." + lab::percent_change(m.estimate.ci.hi);
      // bytes exactly (a byte more is a change the percentage may round away)
      auto value = [&m](double v) { return m.bytes ? std::to_string(std::llround(v)) + " B" : format_time(v); };
      std::printf("%-30s %-21s %11s %11s %8s %19s %8s %6s  %-12s %lld+%lld %s\n", w.name.c_str(), m.name.c_str(),
                  value(m.baseline_median_s).c_str(), value(m.candidate_median_s).c_str(),
                  lab::percent_change(m.estimate.ratio).c_str(), ci.c_str(), p, t,
                  std::string(stats::to_string(m.verdict)).c_str(), (long long)m.estimate.n_baseline,
                  (long long)m.estimate.n_candidate, m.unit.c_str());
      if (!m.note.empty()) std::printf("%-30s   note: %s\n", "", m.note.c_str());
      for (const lab::KindChange& k : m.kinds)
        std::printf("%-30s   %-19s %11s %11s %8s  (%.0f%% of the change)\n", "", k.kind.c_str(),
                    format_time(k.baseline_s).c_str(), format_time(k.candidate_s).c_str(),
                    lab::percent_change(k.candidate_s / k.baseline_s).c_str(), 100 * k.share);
    }
    for (const auto& e : w.environment) std::printf("%-30s   environment differs: %s\n", "", e.c_str());
  }
  for (const auto& n : r.only_baseline) std::printf("only in the baseline: %s\n", n.c_str());
  for (const auto& n : r.only_candidate) std::printf("only in the candidate: %s\n", n.c_str());
  if (r.overall == stats::GateVerdict::inconclusive)
    std::printf(
        "\ninconclusive: an interval spans the threshold; measure longer (more repeats) or interleave "
        "(gate run --baseline-bin)\n");
  return lab::gate_exit_code(r.overall);
}

void apply_suite(ReportArgs& a) {
  if (a.suite) a.options.suite = lab::suite_entries(lab::load_suite(*a.suite));
}

int run_compare(CompareArgs& a) {
  apply_suite(a.report);
  const lab::RunSelector base = lab::parse_run_selector(a.baseline, "baseline");
  const lab::RunSelector cand = lab::parse_run_selector(a.candidate, "candidate");
  check_report_paths(a.report);
  auto cs = store::open_store(a.db, store::OpenMode::read_only);
  std::unique_ptr<store::Store> bs;
  if (a.baseline_db) bs = store::open_store(*a.baseline_db, store::OpenMode::read_only);
  const lab::GateReport r = lab::gate_compare(bs ? *bs : *cs, base, *cs, cand, a.report.options);
  return emit(r, a.report);
}

// The suite's workloads to run: all, or those named by --workload (each must exist).
std::vector<lab::SuiteWorkload> chosen(const lab::Suite& s, const std::vector<std::string>& names) {
  if (names.empty()) return s.workloads;
  std::vector<lab::SuiteWorkload> out;
  for (const std::string& n : names) {
    auto it = std::find_if(s.workloads.begin(), s.workloads.end(), [&](const auto& w) { return w.name == n; });
    if (it == s.workloads.end()) throw InputError("workload", "'" + n + "' is not a workload of the suite");
    out.push_back(*it);
  }
  return out;
}

// Runs the baseline binary on one workload, its output to /dev/null; throws when it fails.
// Runs one workload of the suite in a fresh process of `bin` (`gate run --workload`), storing
// under `label`. Returns the exit status; throws InputError(field) when it cannot be started.
int run_child(const std::string& bin, const std::string& field, const RunArgs& a, const std::string& label,
              const std::string& workload, const std::vector<std::string>& extra) {
  std::vector<std::string> args{bin,       "gate", "run",        a.suite,  "--db",   a.db,
                                "--label", label,  "--workload", workload, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw InputError(field, "'" + bin + "' could not be started");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error(field + ": lost its process");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// This binary's path, for running itself as the candidate side of a pair.
std::string self_executable() {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find this program's own path (/proc/self/exe): " + ec.message());
  return p.string();
}

void run_baseline(const RunArgs& a, const std::string& workload) {
  // The suite as written: --threads and --commit describe the candidate, not the baseline.
  const int status = run_child(*a.baseline_bin, "baseline-bin", a, a.baseline_label, workload, {});
  if (status == kInterruptedExit) return;  // the interrupt reached this process too
  if (status != 0)
    throw InputError("baseline-bin", "'" + *a.baseline_bin + "' failed on workload '" + workload + "' (status " +
                                         std::to_string(status) + "); it must be a looplab with `gate run --workload`");
}

// The candidate side of an interleaved pair, in a fresh process of this very binary like the
// baseline's: a process's memory placement and warm state shift its timings by a few percent,
// so both sides draw a new process for every run, and neither side's runs share one.
bool run_candidate(const RunArgs& a, const std::string& workload) {
  std::vector<std::string> extra;
  if (a.threads) extra.insert(extra.end(), {"--threads", *a.threads});
  if (!a.commit.empty()) extra.insert(extra.end(), {"--commit", a.commit});
  if (!a.branch.empty()) extra.insert(extra.end(), {"--branch", a.branch});
  const int status = run_child(self_executable(), "label", a, a.label, workload, extra);
  if (status == kInterruptedExit) return false;
  if (status != 0)
    throw std::runtime_error("the candidate's run of workload '" + workload + "' failed (status " +
                             std::to_string(status) + ")");
  return true;
}

bool label_used(store::Store& s, const std::string& label) {
  for (const auto& r : s.list_runs())
    if (r.info.label == label) return true;
  return false;
}

int run_suite(RunArgs& a) {
  if (a.label.empty()) throw InputError("label", "give the label to store the runs under");
  const lab::Suite suite = lab::load_suite(a.suite);
  std::vector<lab::SuiteWorkload> todo = chosen(suite, a.workloads);
  for (auto& w : todo) {
    w.request.label = a.label;
    w.request.commit = a.commit;
    w.request.branch = a.branch;
    if (a.threads) w.request.threads = *a.threads;
    lab::validate_request(w.request);
  }
  if (a.dry_run) {
    std::printf("suite '%s': %zu workload(s) to measure, nothing measured (--dry-run)\n", suite.name.c_str(),
                todo.size());
    for (const auto& w : todo) {
      const auto& r = w.request;
      std::printf("  %-22s %s %s L=%lld B=%lld P=%lld steps=%lld %s threads=%s; thresholds:", w.name.c_str(),
                  r.config.name.c_str(), std::string(to_string(r.config.variant)).c_str(),
                  (long long)r.config.effective_loops(), (long long)r.batch, (long long)r.prompt_len,
                  (long long)r.decode_steps, r.backend.c_str(), r.threads.c_str());
      for (const auto& [metric, t] : w.thresholds) std::printf(" %s %.1f%%", metric.c_str(), 100 * t);
      std::printf("\n");
    }
    return 0;
  }
  const bool ab = a.baseline_bin.has_value();
  if (ab) {
    if (!std::filesystem::is_regular_file(*a.baseline_bin) || access(a.baseline_bin->c_str(), X_OK) != 0)
      throw InputError("baseline-bin", "'" + *a.baseline_bin + "' is not an executable file");
    if (a.baseline_label.empty()) a.baseline_label = a.label + "-baseline";
    if (a.baseline_label == a.label) throw InputError("baseline-label", "must differ from --label");
    if (a.rounds < 2 || a.rounds > 1000) throw InputError("rounds", "must be in 2..1000");
    a.report.options.paired = true;
    a.report.options.suite = lab::suite_entries(suite);
    check_report_paths(a.report);
  } else if (a.report.markdown || a.report.junit) {
    throw InputError(a.report.markdown ? "markdown" : "junit",
                     "a report needs a comparison: add --baseline-bin, or run `looplab gate compare` on the store");
  }
  auto store = store::open_store(a.db, store::OpenMode::read_write);
  if (ab)
    for (const std::string& l : {a.label, a.baseline_label})
      if (label_used(*store, l))
        throw InputError(
            l == a.label ? "label" : "baseline-label",
            "'" + l + "' already has runs in " + a.db + ": pairs are matched by order, so use a new label");
  InterruptGuard guard;
  auto say = [&a](const std::string& line) {
    if (!a.quiet) std::fprintf(stderr, "looplab: %s\n", line.c_str());
  };
  const auto t0 = std::chrono::steady_clock::now();
  nlohmann::json runs = nlohmann::json::array();
  auto measure = [&](const lab::SuiteWorkload& w) {
    lab::MeasureResult m = lab::measure_and_store(*store, w.request, &guard.flag(), {}, {});
    if (m.info.status == store::RunStatus::interrupted) return false;
    const auto& st = m.info.stats;
    runs.push_back({{"workload", w.name}, {"run", m.info.id}, {"verdict", st.verdict}, {"repeats", m.info.repeats}});
    say(w.name + ": run " + std::to_string(m.info.id) + ", decode step " +
        (st.decode.median_s ? format_time(*st.decode.median_s) : std::string("-")) + ", prefill " +
        (st.prefill.median_s ? format_time(*st.prefill.median_s) : std::string("-")) + ", " +
        std::to_string(m.info.repeats) + " repeats, " + st.verdict);
    return true;
  };
  const std::int64_t rounds = ab ? a.rounds : 1;
  for (std::int64_t round = 0; round < rounds; ++round)
    for (const lab::SuiteWorkload& w : todo) {
      if (ab) say("round " + std::to_string(round + 1) + "/" + std::to_string(rounds) + ", " + w.name);
      // ABBA order: which side runs first alternates, so a drift within a pair cancels too
      const bool baseline_first = round % 2 == 0;
      if (ab && baseline_first) run_baseline(a, w.name);
      if (!(ab ? run_candidate(a, w.name) : measure(w)) || guard.flag().load()) {
        std::fprintf(stderr, "looplab: interrupted: the runs so far are stored under '%s'\n", a.label.c_str());
        return kInterruptedExit;
      }
      if (ab && !baseline_first) run_baseline(a, w.name);
    }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!ab) {
    if (a.report.json)
      std::cout << nlohmann::json{{"suite", suite.name},
                                  {"db", a.db},
                                  {"label", a.label},
                                  {"runs", runs},
                                  {"seconds", elapsed}}
                       .dump(2)
                << "\n";
    else if (!a.quiet)
      std::printf("measured %zu workload(s) of suite '%s' in %.1f s, stored under label '%s' in %s\n", todo.size(),
                  suite.name.c_str(), elapsed, a.label.c_str(), a.db.c_str());
    return 0;
  }
  say("interleaved " + std::to_string(rounds) + " rounds in " + std::to_string(static_cast<int>(elapsed)) + " s");
  const lab::GateReport r =
      lab::gate_compare(*store, {a.baseline_label, "", ""}, *store, {a.label, "", ""}, a.report.options);
  return emit(r, a.report);
}

struct PowerArgs {
  std::string db = "looplab.db";
  std::string label;
  std::optional<std::string> suite;
  lab::PowerOptions options;
  double target = 0.05;  // the slowdown the threshold is chosen for
  bool json = false;
};

// The rows of one workload and metric, in gate_power's order (thresholds adjacent).
std::vector<std::span<const lab::PowerResult>> power_groups(const std::vector<lab::PowerResult>& rows) {
  std::vector<std::span<const lab::PowerResult>> out;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i;
    while (j < rows.size() && rows[j].workload == rows[i].workload && rows[j].metric == rows[i].metric) ++j;
    out.emplace_back(rows.data() + i, j - i);
    i = j;
  }
  return out;
}

int run_power(const PowerArgs& a) {
  std::map<std::string, lab::SuiteEntry> suite;
  if (a.suite) suite = lab::suite_entries(lab::load_suite(*a.suite));
  if (std::find(a.options.slowdowns.begin(), a.options.slowdowns.end(), a.target) == a.options.slowdowns.end())
    throw InputError("target", "must be one of --slowdowns");
  auto s = store::open_store(a.db, store::OpenMode::read_only);
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<lab::PowerResult> rows = lab::gate_power(*s, a.label, a.options, suite);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto groups = power_groups(rows);
  if (a.json) {
    nlohmann::json out = nlohmann::json::array(), chosen = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json det = nlohmann::json::object();
      for (std::size_t k = 0; k < r.detected.size(); ++k)
        det[lab::percent_change(1 + a.options.slowdowns[k])] = r.detected[k];
      out.push_back({{"workload", r.workload},
                     {"metric", r.metric},
                     {"mode", r.mode},
                     {"runs", r.runs},
                     {"samples", r.samples},
                     {"threads", r.threads},
                     {"seconds_per_half", r.seconds_per_half},
                     {"trials", r.trials},
                     {"threshold", r.threshold},
                     {"min_p", r.min_p},
                     {"aa_regressed", r.aa_regressed},
                     {"aa_inconclusive", r.aa_inconclusive},
                     {"aa_improved", r.aa_improved},
                     {"detected", det}});
    }
    for (const auto& g : groups) {
      const auto t = lab::choose_threshold(g, a.options, a.target);
      chosen.push_back({{"workload", g.front().workload},
                        {"metric", g.front().metric},
                        {"threshold", t ? nlohmann::json(*t) : nlohmann::json()}});
    }
    std::cout << nlohmann::json{{"label", a.label},
                                {"thresholds", a.options.thresholds},
                                {"alpha", a.options.alpha},
                                {"trials", a.options.trials},
                                {"target_slowdown", a.target},
                                {"results", out},
                                {"smallest_threshold", chosen}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::string thresholds;
  for (double t : a.options.thresholds) thresholds += (thresholds.empty() ? "" : ", ") + lab::percent_change(1 + t);
  if (a.options.baseline_label.empty())
    std::printf("split-half resampling of the runs of '%s': %d trials, thresholds %s, alpha %.2f\n\n", a.label.c_str(),
                a.options.trials, thresholds.c_str(), a.options.alpha);
  else
    std::printf("interleaved pairs of '%s' and '%s', %d drawn per trial: %d trials, thresholds %s, alpha %.2f\n\n",
                a.options.baseline_label.c_str(), a.label.c_str(), a.options.pairs, a.options.trials,
                thresholds.c_str(), a.options.alpha);
  std::printf("%-26s %-12s %5s %7s %8s %7s %6s %12s %12s", "workload", "metric", "runs", "threads", "samples", "s/half",
              "thresh", "A/A regressed", "inconclusive");
  for (double x : a.options.slowdowns) std::printf("  detect %-6s", lab::percent_change(1 + x).c_str());
  std::printf("\n");
  for (const auto& r : rows) {
    std::printf("%-26s %-12s %5lld %7s %8lld %7.1f %5.1f%% %12.1f%% %11.1f%%", r.workload.c_str(), r.metric.c_str(),
                (long long)r.runs, r.threads.c_str(), (long long)r.samples, r.seconds_per_half, 100 * r.threshold,
                100 * r.aa_regressed, 100 * r.aa_inconclusive);
    for (double d : r.detected) std::printf("  %12.1f%%", 100 * d);
    std::printf("\n");
  }
  std::printf("\nsmallest threshold with A/A regressed <= 1%% and detect %s >= 95%%:\n",
              lab::percent_change(1 + a.target).c_str());
  for (const auto& g : groups) {
    const lab::PowerResult& r = g.front();
    const auto t = lab::choose_threshold(g, a.options, a.target);
    std::printf("  %-26s %-12s %s", r.workload.c_str(), r.metric.c_str(),
                t ? lab::percent_change(1 + *t).c_str() : "none of those tried");
    if (r.min_p >= a.options.alpha) {
      const bool pairs = r.mode == "pairs";
      const std::string n =
          pairs ? std::to_string(a.options.pairs) + " pairs" : std::to_string(r.runs / 2) + " runs a half";
      std::printf("  (%s cannot reach p < %.2g: the smallest p is %.3g; measure more %s)", n.c_str(), a.options.alpha,
                  r.min_p, pairs ? "pairs" : "runs");
    }
    if (r.threads.find(',') != std::string::npos || r.threads.find("->") != std::string::npos)
      std::printf("  (runs used %s threads: fix `threads` in the suite)", r.threads.c_str());
    std::printf("\n");
  }
  std::printf(
      "\n(%.1f s) A/A regressed is the false-alarm rate; detect +s%% the share of trials that call a slowdown "
      "of s%% regressed. A half is what one side of a comparison measured.\n",
      elapsed);
  return 0;
}

struct HistoryArgs {
  std::string db = "looplab.db";
  std::optional<std::string> suite;
  lab::HistoryOptions options;
  bool json = false;
};

int run_history(HistoryArgs& a) {
  std::map<std::string, lab::SuiteEntry> suite;
  if (a.suite) suite = lab::suite_entries(lab::load_suite(*a.suite));
  if (!(a.options.detector.alpha > 0 && a.options.detector.alpha < 1)) throw InputError("alpha", "must be in (0, 1)");
  if (a.options.detector.min_segment < 2 || a.options.detector.min_segment > 1000)
    throw InputError("min-segment", "must be in 2..1000");
  auto s = store::open_store(a.db, store::OpenMode::read_only);
  const std::vector<lab::WorkloadHistory> hs = lab::gate_history(*s, a.options, suite);
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& h : hs) {
      nlohmann::json pts = nlohmann::json::array(), chg = nlohmann::json::array();
      for (const auto& p : h.points)
        pts.push_back({{"run", p.run},
                       {"created_at", p.created_at},
                       {"commit", p.commit},
                       {"label", p.label},
                       {"median_s", p.median_s},
                       {"ci95_s", p.ci_lo_s && p.ci_hi_s ? nlohmann::json{*p.ci_lo_s, *p.ci_hi_s} : nlohmann::json()}});
      for (const auto& c : h.changes)
        chg.push_back({{"index", c.index},
                       {"run", c.run},
                       {"p", c.p},
                       {"before_s", c.before_s},
                       {"after_s", c.after_s},
                       {"change", c.after_s / c.before_s - 1}});
      out.push_back({{"workload", h.workload}, {"metric", h.metric}, {"points", pts}, {"change_points", chg}});
    }
    std::cout << nlohmann::json{{"db", a.db}, {"alpha", a.options.detector.alpha}, {"workloads", out}}.dump(2) << "\n";
    return 0;
  }
  for (const auto& h : hs) {
    std::printf("%s, %s: %zu runs, %zu change point(s) (E-divisive means, alpha %.3g)\n", h.workload.c_str(),
                h.metric.c_str(), h.points.size(), h.changes.size(), a.options.detector.alpha);
    std::printf("  %6s  %-19s  %-12s  %-10s %11s  %s\n", "run", "created", "commit", "label", "median", "95% interval");
    for (std::size_t i = 0; i < h.points.size(); ++i) {
      for (const auto& c : h.changes)
        if (c.index == i)
          std::printf("  ---- change point: %s (mean %s -> %s), p %.3g\n",
                      lab::percent_change(c.after_s / c.before_s).c_str(), format_time(c.before_s).c_str(),
                      format_time(c.after_s).c_str(), c.p);
      const auto& p = h.points[i];
      const std::string ci = p.ci_lo_s && p.ci_hi_s ? format_time(*p.ci_lo_s) + " .. " + format_time(*p.ci_hi_s) : "";
      std::printf("  %6lld  %-19.19s  %-12.12s  %-10.10s %11s  %s\n", (long long)p.run, p.created_at.c_str(),
                  p.commit.c_str(), p.label.c_str(), format_time(p.median_s).c_str(), ci.c_str());
    }
    std::printf("\n");
  }
  return 0;
}

void add_report_options(CLI::App* c, ReportArgs& r) {
  c->add_option("--threshold", r.options.threshold,
                "relative slowdown that counts as a regression, for metrics the suite does not set")
      ->capture_default_str();
  c->add_option("--alpha", r.options.alpha, "significance level of the test")->capture_default_str();
  c->add_option("--markdown", r.markdown, "also write the report as Markdown (a pull-request comment)");
  c->add_option("--junit", r.junit, "also write the report as JUnit XML (one test case per workload and metric)");
  c->add_flag("--json", r.json, "machine-readable output");
}

Registered register_gate(CLI::App& root) {
  auto* sub = root.add_subcommand("gate", "performance gate: measure a suite, compare a candidate with a baseline");
  sub->require_subcommand(1);
  auto ca = std::make_shared<CompareArgs>();
  auto* c = sub->add_subcommand(
      "compare",
      "the runs of one side against the other, workload by workload: ratio of medians with a bootstrap 95% "
      "interval, a rank test, a verdict, and the op kinds behind a change. Exit 0 pass, 1 regressed, 3 "
      "inconclusive, 2 bad input");
  c->add_option("--db", ca->db, "results store of the candidate (and of the baseline, without --baseline-db)")
      ->capture_default_str();
  c->add_option("--baseline-db", ca->baseline_db,
                "a second store holding the baseline (e.g. the main branch's artifact)");
  c->add_option("--baseline", ca->baseline, "baseline runs: a label, commit:PREFIX, or branch:NAME (its newest commit)")
      ->required();
  c->add_option("--candidate", ca->candidate, "candidate runs: a label, commit:PREFIX, or branch:NAME")->required();
  c->add_option("--suite", ca->report.suite, "take thresholds and workload names from this suite file");
  c->add_flag("--paired", ca->report.options.paired,
              "the runs were interleaved (gate run --baseline-bin): pair run k with run k, Wilcoxon signed-rank");
  add_report_options(c, ca->report);

  auto ra = std::make_shared<RunArgs>();
  auto* r =
      sub->add_subcommand("run",
                          "measure every workload of a suite and store the runs under a label, tagged with the "
                          "commit; with --baseline-bin, interleave a baseline binary's runs pair by pair and gate");
  r->add_option("suite", ra->suite, "suite file (JSON; studies/ci/suite.json is the project's)")->required();
  r->add_option("--db", ra->db, "results store (SQLite file)")->capture_default_str();
  r->add_option("--label", ra->label, "label of the runs (the candidate's, with --baseline-bin)")->required();
  r->add_option("--workload", ra->workloads, "only this workload of the suite (repeatable)");
  r->add_option("--commit", ra->commit, "commit to tag the runs with (default: the commit looplab was built from)");
  r->add_option("--branch", ra->branch,
                "branch to record with the runs, so `gate compare --baseline branch:NAME` finds its newest commit");
  r->add_option("--threads", ra->threads,
                "CPU thread policy for every workload: all | available | N (default: the suite's)");
  r->add_flag("--quiet", ra->quiet, "no progress lines");
  r->add_flag("--dry-run", ra->dry_run, "check the suite and list its workloads; measure nothing");
  r->add_option("--baseline-bin", ra->baseline_bin,
                "interleaved A/B: a baseline looplab binary, run alternately with this one on each workload");
  r->add_option("--baseline-label", ra->baseline_label,
                "label of the baseline binary's runs (default: LABEL-baseline)");
  r->add_option("--rounds", ra->rounds, "interleaved pairs per workload (with --baseline-bin)")->capture_default_str();
  add_report_options(r, ra->report);
  auto pa = std::make_shared<PowerArgs>();
  auto* p = sub->add_subcommand("power",
                                "the gate's false-alarm and detection rates on this machine, from a label's measured "
                                "runs split at random into halves (A/A, and with a slowdown applied to one half)");
  p->add_option("--db", pa->db, "results store (SQLite file)")->capture_default_str();
  p->add_option("--label", pa->label, "label whose runs are resampled (4 runs of a workload at least)")->required();
  p->add_option("--suite", pa->suite, "take workload names from this suite file");
  p->add_option("--trials", pa->options.trials, "random splits per workload and metric")->capture_default_str();
  p->add_option("--slowdowns", pa->options.slowdowns, "relative slowdowns to detect")
      ->delimiter(',')
      ->capture_default_str();
  p->add_option("--threshold", pa->options.thresholds,
                "the gate's threshold; several (0.01,0.02,0.05) are judged on the same trials, one row each")
      ->delimiter(',')
      ->capture_default_str();
  p->add_option("--target", pa->target,
                "the slowdown to detect (one of --slowdowns): the smallest threshold with A/A regressed <= 1% and "
                "this slowdown detected in >= 95% of trials is named")
      ->capture_default_str();
  p->add_option("--alpha", pa->options.alpha, "the gate's significance level")->capture_default_str();
  p->add_option("--seed", pa->options.seed, "seed of the splits and bootstraps")->capture_default_str();
  p->add_option("--baseline-label", pa->options.baseline_label,
                "interleaved A/A: the label paired with --label by `gate run --baseline-bin` (the same binary on "
                "both sides); trials draw --pairs of the measured pairs");
  p->add_option("--pairs", pa->options.pairs, "pairs per trial (with --baseline-label)")->capture_default_str();
  p->add_flag("--json", pa->json, "machine-readable output");
  auto ha = std::make_shared<HistoryArgs>();
  auto* h = sub->add_subcommand("history",
                                "a metric per workload over the store's runs, oldest first, with the change points "
                                "an E-divisive means detector finds (a permutation test per split)");
  h->add_option("--db", ha->db, "results store (SQLite file)")->capture_default_str();
  h->add_option("--label", ha->options.label, "only runs of this label (e.g. main)");
  h->add_option("--workload", ha->options.workload, "only this workload (its suite name with --suite)");
  h->add_option("--suite", ha->suite, "take workload names from this suite file");
  h->add_option("--metric", ha->options.metric,
                "decode step | prefill | predicted decode step | predicted prefill | time (Google Benchmark runs)")
      ->capture_default_str();
  h->add_option("--alpha", ha->options.detector.alpha, "significance of a change point (permutation test)")
      ->capture_default_str();
  h->add_option("--min-segment", ha->options.detector.min_segment, "runs on each side of a change point at least")
      ->capture_default_str();
  h->add_flag("--json", ha->json, "machine-readable output");
  return {sub, [ca, ra, pa, ha, c, r, p, h] {
            if (c->parsed()) return run_compare(*ca);
            if (r->parsed()) return run_suite(*ra);
            if (p->parsed()) return run_power(*pa);
            return h->parsed() ? run_history(*ha) : 2;
          }};
}

const Registrar kGate(register_gate);

}  // namespace
}  // namespace looplab::cli
