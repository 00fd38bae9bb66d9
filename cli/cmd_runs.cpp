// `looplab runs list | show ID | export ID --csv|--json | compare A B | trace ID | prune | merge`:
// browsing the results store from the command line, keeping a CI store from growing without
// bound, and merging a baseline store (the main branch's artifact) into the working one.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/run_report.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/build_stamp.hpp"
#include "engine/core/error.hpp"
#include "lab/merge.hpp"
#include "lab/prune.hpp"
#include "lab/run_trace.hpp"
#include "simulator/format.hpp"
#include "store/store.hpp"
#include "store/summary.hpp"

namespace looplab::cli {
namespace {

struct RunsArgs {
  std::string db = "looplab.db";
  bool json = false;
  store::RunId id = 0, other = 0;
  bool csv = false, export_json = false;
  std::optional<std::string> out;
  lab::PruneRules prune;
  bool dry_run = false;
  std::string from;  // merge: the store whose runs are copied
  lab::MergeOptions merge;
  // list: filters and a limit
  std::optional<std::string> label, model, variant, status;
  std::optional<std::int64_t> limit;
};

// The window a run's config gives its G-SWA (plt only; 0 otherwise).
std::int64_t window_of(const store::RunInfo& r) {
  if (r.variant != "plt") return 0;
  const nlohmann::json c = nlohmann::json::parse(r.config_json, nullptr, false);
  return c.is_object() && c.contains("window") && c["window"].is_number_integer() ? c["window"].get<std::int64_t>() : 0;
}

bool listed(const store::RunInfo& r, const RunsArgs& a) {
  return (!a.label || r.label == *a.label) && (!a.model || r.model == *a.model) &&
         (!a.variant || r.variant == *a.variant) && (!a.status || std::string(store::to_string(r.status)) == *a.status);
}

std::unique_ptr<store::Store> open_ro(const RunsArgs& a) { return store::open_store(a.db, store::OpenMode::read_only); }

store::RunInfo need_run(store::Store& s, store::RunId id, const std::string& field = "run") {
  auto r = s.get_run(id);
  if (!r) throw InputError(field, "no run " + std::to_string(id) + " in the store (see `looplab runs list`)");
  return *r;
}

int list(const RunsArgs& a) {
  if (a.limit && *a.limit < 1) throw InputError("limit", "must be >= 1");
  auto s = open_ro(a);
  const auto all = s->list_runs();
  std::vector<store::RunSummary> runs;
  for (const auto& r : all)
    if (listed(r.info, a) && (!a.limit || static_cast<std::int64_t>(runs.size()) < *a.limit)) runs.push_back(r);
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : runs) {
      nlohmann::json j = run_info_json(r.info);
      j["window"] = window_of(r.info) > 0 ? nlohmann::json(window_of(r.info)) : nlohmann::json(nullptr);
      j["op_rows"] = r.op_rows;
      j["kernel_rows"] = r.kernel_rows;
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  const char* fmt = "%5s  %-20s %-11s %-8s %-6s %-10s %-10s %2s %4s %5s %5s %9s %-5s %12s %8s %12s %8s\n";
  std::printf(fmt, "id", "created (UTC)", "status", "verdict", "label", "model", "variant", "L", "w", "batch", "prompt",
              "steps x r", "back", "decode step", "+-95%", "predicted", "error");
  for (const auto& r : runs) {
    const auto& i = r.info;
    const auto& d = i.stats.decode;
    std::string steps = std::to_string(i.decode_steps) + "x" + std::to_string(i.repeats);
    std::string ci = "-";
    if (d.median_s && d.ci_lo_s && d.ci_hi_s && *d.median_s > 0) {
      char b[32];
      std::snprintf(b, sizeof b, "%.1f%%", 100 * (*d.ci_hi_s - *d.ci_lo_s) / 2 / *d.median_s);
      ci = b;
    }
    std::printf(fmt, std::to_string(i.id).c_str(), i.created_at.substr(0, 19).c_str(),
                std::string(store::to_string(i.status)).c_str(),
                i.stats.verdict.empty() ? "-" : i.stats.verdict.c_str(), cell_text(i.label, 6).c_str(),
                cell_text(i.model, 10).c_str(), cell_text(i.variant, 10).c_str(), std::to_string(i.loops).c_str(),
                window_of(i) > 0 ? std::to_string(window_of(i)).c_str() : "-", std::to_string(i.batch).c_str(),
                std::to_string(i.prompt_len).c_str(), steps.c_str(), i.backend.c_str(),
                time_or_dash(d.median_s).c_str(), ci.c_str(), time_or_dash(i.stats.predicted_decode_s).c_str(),
                error_pct(i.stats.predicted_decode_s, d.median_s).c_str());
  }
  if (all.empty())
    std::printf("(no runs yet: `looplab run` records one)\n");
  else if (runs.size() < all.size())
    std::printf("(%zu of %zu runs shown)\n", runs.size(), all.size());
  return 0;
}

int show(const RunsArgs& a) {
  auto s = open_ro(a);
  store::RunInfo info = need_run(*s, a.id);
  store::RunRows rows = s->read_rows(a.id);
  auto table = store::kind_table(rows);
  if (a.json) {
    std::cout << nlohmann::json{{"run", run_info_json(info)},
                                {"table", kind_table_json(table)},
                                {"rows",
                                 {{"steps", rows.steps.size()},
                                  {"ops", rows.ops.size()},
                                  {"predictions", rows.predictions.size()},
                                  {"kernels", rows.kernels.size()},
                                  {"api_calls", rows.api_calls.size()}}}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::printf("%s\n", run_headline(info).c_str());
  std::printf("created %s, finished %s; host %s (pid %lld), %lld threads, seed %lld\n", info.created_at.c_str(),
              info.finished_at.empty() ? "-" : info.finished_at.c_str(), info.host.c_str(), (long long)info.pid,
              (long long)info.threads, (long long)info.seed);
  std::printf("device %s", info.device_name.c_str());
  if (!info.driver_version.empty())
    std::printf(", driver %s, CUDA %s", info.driver_version.c_str(), info.cuda_version.c_str());
  std::printf("; engine %s; prediction on the %s spec\n", info.engine_commit.c_str(), info.hardware.c_str());
  std::printf("rows: %zu steps, %zu ops, %zu predictions, %zu kernels; %lld CUPTI records dropped\n", rows.steps.size(),
              rows.ops.size(), rows.predictions.size(), rows.kernels.size(), (long long)info.dropped_records);
  if (!info.error.empty()) std::printf("note: %s\n", info.error.c_str());
  if (!info.complete) std::printf("this run is INCOMPLETE: its figures are partial\n");
  print_run_quality(info);
  print_kind_table(table);
  return 0;
}

// Rows of op measurements joined with their predictions, streamed to CSV or JSON.
int export_run(const RunsArgs& a) {
  if (a.csv && a.export_json) throw InputError("format", "give one of --csv or --json (CSV without either)");
  const bool csv = !a.export_json;
  auto s = open_ro(a);
  store::RunInfo info = need_run(*s, a.id);
  std::map<std::pair<std::int64_t, std::int64_t>, store::PredictionRow> pred;
  s->for_each_prediction(a.id, [&](const store::PredictionRow& p) { pred[{p.step_index, p.op_index}] = p; });
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> phase;
  s->for_each_step(a.id, [&](const store::StepRow& r) { phase[{r.repeat_index, r.step_index}] = r.phase; });

  std::optional<AtomicFile> file;  // all or nothing: no truncated export on a full disk
  if (a.out) file.emplace(*a.out);
  std::ostream& os = file ? file->stream() : std::cout;
  const char* cols[] = {"repeat",  "step",      "phase",       "op_index",     "name",
                        "kind",    "layer",     "loop_lo",     "loop_hi",      "rows",
                        "n",       "k",         "kv_len",      "start_ns",     "end_ns",
                        "host_ns", "device_ns", "measured_ns", "predicted_ns", "error_pct"};
  bool first = true;
  if (csv) {
    for (std::size_t i = 0; i < std::size(cols); ++i) os << (i ? "," : "") << cols[i];
    os << "\n";
  } else {
    os << "{\"run\":" << run_info_json(info).dump() << ",\"ops\":[\n";
  }
  s->for_each_op(a.id, [&](const store::OpRow& o) {
    auto p = pred.find({o.step_index, o.op_index});
    std::optional<double> pred_ns, err;
    if (p != pred.end()) {
      pred_ns = p->second.time_s * 1e9;
      if (o.measured_ns() > 0)
        err = (*pred_ns - static_cast<double>(o.measured_ns())) / static_cast<double>(o.measured_ns()) * 100;
    }
    const std::string& ph = phase[{o.repeat_index, o.step_index}];
    if (csv) {
      char pbuf[32] = "", ebuf[32] = "";
      if (pred_ns) std::snprintf(pbuf, sizeof pbuf, "%.1f", *pred_ns);
      if (err) std::snprintf(ebuf, sizeof ebuf, "%.3f", *err);
      os << o.repeat_index << ',' << o.step_index << ',' << ph << ',' << o.op_index << ',' << o.name << ',' << o.kind
         << ',' << o.layer << ',' << o.loop_lo << ',' << o.loop_hi << ',' << o.rows << ',' << o.n << ',' << o.k << ','
         << o.kv_len << ',' << o.start_ns << ',' << o.end_ns << ',' << o.host_ns() << ','
         << (o.device_ns ? std::to_string(*o.device_ns) : "") << ',' << o.measured_ns() << ',' << pbuf << ',' << ebuf
         << "\n";
    } else {
      nlohmann::json j = {{"repeat", o.repeat_index},
                          {"step", o.step_index},
                          {"phase", ph},
                          {"op_index", o.op_index},
                          {"name", o.name},
                          {"kind", o.kind},
                          {"layer", o.layer},
                          {"loop_lo", o.loop_lo},
                          {"loop_hi", o.loop_hi},
                          {"rows", o.rows},
                          {"n", o.n},
                          {"k", o.k},
                          {"kv_len", o.kv_len},
                          {"start_ns", o.start_ns},
                          {"end_ns", o.end_ns},
                          {"host_ns", o.host_ns()},
                          {"measured_ns", o.measured_ns()}};
      j["device_ns"] = o.device_ns ? nlohmann::json(*o.device_ns) : nlohmann::json();
      j["predicted_ns"] = pred_ns ? nlohmann::json(*pred_ns) : nlohmann::json();
      j["error_pct"] = err ? nlohmann::json(*err) : nlohmann::json();
      os << (first ? "" : ",\n") << j.dump();
    }
    first = false;
  });
  if (!csv) os << "\n]}\n";
  if (file) file->commit();
  return 0;
}

int compare(const RunsArgs& a) {
  auto s = open_ro(a);
  store::RunInfo ia = need_run(*s, a.id, "A"), ib = need_run(*s, a.other, "B");
  store::RunRows ra = s->read_rows(a.id), rb = s->read_rows(a.other);
  auto kinds = store::compare_by_kind(ra, rb);
  auto steps = store::compare_by_step(ra, rb);
  auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  if (a.json) {
    nlohmann::json out = {{"a", run_info_json(ia)},
                          {"b", run_info_json(ib)},
                          {"by_kind", nlohmann::json::array()},
                          {"by_step", nlohmann::json::array()}};
    for (const auto& r : kinds)
      out["by_kind"].push_back({{"phase", r.phase},
                                {"kind", r.what},
                                {"a_s", opt(r.a_s)},
                                {"b_s", opt(r.b_s)},
                                {"ratio", opt(r.ratio)},
                                {"diff_s", opt(r.diff_s)}});
    for (const auto& r : steps)
      out["by_step"].push_back({{"phase", r.phase},
                                {"step", r.what},
                                {"a_s", opt(r.a_s)},
                                {"b_s", opt(r.b_s)},
                                {"ratio", opt(r.ratio)},
                                {"diff_s", opt(r.diff_s)}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("A: %s\nB: %s\n", run_headline(ia).c_str(), run_headline(ib).c_str());
  if (!ia.complete || !ib.complete) std::printf("note: an incomplete run is part of this comparison\n");
  auto print = [&](const std::vector<store::CompareRow>& rows, const char* title) {
    std::printf("\n%-8s %-19s %12s %12s %8s %12s\n", "phase", title, "A", "B", "B/A", "B-A");
    for (const auto& r : rows) {
      std::string ratio = "-", diff = "-";
      if (r.ratio) {
        char b[32];
        std::snprintf(b, sizeof b, "%.3f", *r.ratio);
        ratio = b;
      }
      if (r.diff_s) diff = (*r.diff_s < 0 ? "-" : "+") + format_time(std::fabs(*r.diff_s));
      std::printf("%-8s %-19s %12s %12s %8s %12s\n", r.phase.c_str(), r.what.c_str(), time_or_dash(r.a_s).c_str(),
                  time_or_dash(r.b_s).c_str(), ratio.c_str(), diff.c_str());
    }
  };
  print(kinds, "op kind (median)");
  print(steps, "step (median)");
  return 0;
}

int trace(const RunsArgs& a) {
  auto s = open_ro(a);
  need_run(*s, a.id);
  std::string out = a.out ? *a.out : "run-" + std::to_string(a.id) + ".json.gz";
  lab::TraceExportStats st = lab::export_run_trace(*s, a.id, out);
  if (a.json) {
    std::cout << nlohmann::json{{"run", a.id},
                                {"file", out},
                                {"events", st.events},
                                {"flows", st.flows},
                                {"uncompressed_bytes", st.uncompressed_bytes}}
                     .dump(2)
              << "\n";
  } else {
    std::printf("wrote %s: %lld events (%lld launch flows); open it in ui.perfetto.dev\n", out.c_str(),
                (long long)st.events, (long long)st.flows);
  }
  return 0;
}

int prune(const RunsArgs& a) {
  const std::uintmax_t before = std::filesystem::exists(a.db) ? std::filesystem::file_size(a.db) : 0;
  auto s = store::open_store(a.db, a.dry_run ? store::OpenMode::read_only : store::OpenMode::read_write);
  const auto runs = s->list_runs();
  const std::vector<store::RunId> doomed = lab::runs_to_prune(runs, a.prune, utc_now_iso8601());
  std::int64_t deleted = 0;
  if (!a.dry_run && !doomed.empty()) {
    deleted = s->delete_runs(doomed);
    s->compact();
  }
  s.reset();
  const std::uintmax_t after = std::filesystem::exists(a.db) ? std::filesystem::file_size(a.db) : 0;
  const std::size_t kept = runs.size() - doomed.size();
  if (a.json) {
    std::cout << nlohmann::json{{"db", a.db},          {"dry_run", a.dry_run}, {"runs_before", runs.size()},
                                {"deleted", doomed},   {"kept", kept},         {"bytes_before", before},
                                {"bytes_after", after}}
                     .dump(2)
              << "\n";
    return 0;
  }
  if (a.dry_run) {
    std::printf("would delete %zu of %zu runs from %s (keeping %zu)\n", doomed.size(), runs.size(), a.db.c_str(), kept);
    return 0;
  }
  std::printf("deleted %lld of %zu runs from %s, kept %zu; the file went from %.1f MB to %.1f MB\n", (long long)deleted,
              runs.size(), a.db.c_str(), kept, static_cast<double>(before) / 1e6, static_cast<double>(after) / 1e6);
  return 0;
}

int merge(RunsArgs& a) {
  if (std::filesystem::exists(a.db) && std::filesystem::exists(a.from) && std::filesystem::equivalent(a.db, a.from))
    throw InputError("from", "'" + a.from + "' is the --db store itself");
  // The source is checked before the target is created or migrated: a typo leaves no new file.
  std::unique_ptr<store::Store> from;
  try {
    from = store::open_store(a.from, store::OpenMode::read_only);
  } catch (const InputError& e) {
    // open_store names its field "db"; here the file is the one given as FROM
    throw InputError("from", std::string(e.what()).substr(e.field().size() + 2));
  }
  a.merge.dry_run = a.dry_run;
  std::unique_ptr<store::Store> into;  // none on a dry run into a file that does not exist yet
  if (!a.dry_run || std::filesystem::exists(a.db))
    into = store::open_store(a.db, a.dry_run ? store::OpenMode::read_only : store::OpenMode::read_write);
  const lab::MergeResult r = lab::merge_runs(*from, into.get(), a.merge);
  if (a.json) {
    std::cout << nlohmann::json{{"from", a.from},
                                {"db", a.db},
                                {"dry_run", a.dry_run},
                                {"copied", r.copied},
                                {"new_ids", r.new_ids},
                                {"already_present", r.already_present},
                                {"not_complete", r.not_complete}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::printf("%s %zu run(s) from %s into %s; skipped %lld already there and %lld not complete\n",
              a.dry_run ? "would copy" : "copied", r.copied.size(), a.from.c_str(), a.db.c_str(),
              (long long)r.already_present, (long long)r.not_complete);
  return 0;
}

Registered register_runs(CLI::App& root) {
  auto* sub = root.add_subcommand("runs", "browse the results store: list, show, export, compare, trace, prune, merge");
  sub->require_subcommand(1);
  auto a = std::make_shared<RunsArgs>();
  auto common = [&](CLI::App* c) {
    c->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
    c->add_flag("--json", a->json, "machine-readable output");
  };
  auto* l = sub->add_subcommand("list", "every run, newest first, with its decode step measured and predicted");
  l->add_option("--label", a->label, "only runs of this label");
  l->add_option("--model", a->model, "only runs of this model");
  l->add_option("--variant", a->variant, "only runs of this variant (vanilla, looped, clp, clp_share, plt)");
  l->add_option("--status", a->status, "only runs with this status")
      ->check(CLI::IsMember({"running", "complete", "interrupted", "failed"}));
  l->add_option("--limit,-n", a->limit, "at most N runs (the newest)");
  common(l);
  auto* s = sub->add_subcommand("show", "one run: how it was made and its measured-vs-predicted table");
  s->add_option("id", a->id, "run id")->required();
  common(s);
  auto* e = sub->add_subcommand("export", "one run's op measurements with their predictions as CSV or JSON");
  e->add_option("id", a->id, "run id")->required();
  e->add_flag("--csv", a->csv, "CSV, one row per measured op (the default)");
  e->add_flag("--json", a->export_json, "JSON: the run and its ops");
  e->add_option("--out,-o", a->out, "write to FILE instead of standard output");
  e->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
  auto* c = sub->add_subcommand("compare", "two runs per op kind and per step: A, B, B/A and B-A");
  c->add_option("a", a->id, "run A")->required();
  c->add_option("b", a->other, "run B")->required();
  common(c);
  auto* t = sub->add_subcommand("trace", "write a run as a Perfetto trace (.json.gz)");
  t->add_option("id", a->id, "run id")->required();
  t->add_option("--out,-o", a->out, "trace file (default run-ID.json.gz)");
  common(t);
  auto* p = sub->add_subcommand("prune",
                                "delete old runs so a CI store does not grow without bound: a run is kept when any "
                                "rule keeps it; running runs are never deleted; the file is compacted after");
  p->add_option("--keep-last", a->prune.keep_last, "keep the newest N runs (per workload with --per-workload)");
  p->add_flag("--per-workload", a->prune.per_workload, "count --keep-last per workload (config, shapes, backend)");
  p->add_option("--keep-within", a->prune.keep_within_days, "keep runs created less than DAYS days ago");
  p->add_option("--label", a->prune.label, "only runs of this label are deleted");
  p->add_flag("--dry-run", a->dry_run, "say what would be deleted, delete nothing");
  common(p);
  auto* m = sub->add_subcommand("merge",
                                "copy the complete runs of another store (e.g. the main branch's CI artifact) into "
                                "--db, with their rows and times; runs already there are skipped");
  m->add_option("from", a->from, "the store to copy runs from (read only)")->required();
  m->add_option("--label", a->merge.labels, "only runs of this label (repeatable)");
  m->add_flag("--dry-run", a->dry_run, "say what would be copied, copy nothing");
  common(m);
  return {sub, [a, l, s, e, c, t, p, m] {
            if (m->parsed()) return merge(*a);
            if (p->parsed()) return prune(*a);
            if (l->parsed()) return list(*a);
            if (s->parsed()) return show(*a);
            if (e->parsed()) return export_run(*a);
            if (c->parsed()) return compare(*a);
            if (t->parsed()) return trace(*a);
            return 2;
          }};
}

const Registrar kRuns(register_runs);

}  // namespace
}  // namespace looplab::cli
