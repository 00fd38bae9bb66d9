// `looplab sweep SPEC.json | -`: predicts every point of a grid (models x shapes x dtypes x
// variants x loops x windows x batches x contexts x hardware), writes CSV or JSON with a
// feasibility, Pareto and best flag per point, and summarises the fronts. Progress on stderr.
// With --db the sweep is also kept in the store.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/build_stamp.hpp"
#include "engine/core/error.hpp"
#include "simulator/sweep.hpp"
#include "simulator/sweep_output.hpp"
#include "store/store.hpp"

namespace looplab::cli {

namespace {

struct SweepArgs {
  std::string spec;
  std::optional<std::string> out;
  std::optional<std::int64_t> max_points;
  std::optional<std::string> db;
  bool json = false;
  bool no_progress = false;
  bool quiet = false;
  std::string summary = "short";  // short | all | none
};

// A bar redrawn in place on a terminal, a line per quarter otherwise; at most ten redraws a second.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}
  void update(std::int64_t done, std::int64_t total) {
    if (!enabled_ || total <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (tty_) {
      if (done != total && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      const int width = 40;
      const auto filled = static_cast<int>(width * done / total);
      std::fprintf(
          stderr, "\rsweep [%s%s] %3lld%% %lld/%lld", std::string(static_cast<std::size_t>(filled), '#').c_str(),
          std::string(static_cast<std::size_t>(width - filled), ' ').c_str(),
          static_cast<long long>(100 * done / total), static_cast<long long>(done), static_cast<long long>(total));
      if (done == total) std::fprintf(stderr, "\n");
    } else {
      const std::int64_t quarter = 4 * done / total;
      if (quarter <= printed_quarter_) return;
      printed_quarter_ = quarter;
      std::fprintf(stderr, "sweep: %lld/%lld points\n", static_cast<long long>(done), static_cast<long long>(total));
    }
  }

 private:
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point last_{};
  std::int64_t printed_quarter_ = 0;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Workloads listed by the short summary; the rest are one line (every front is in the output).
constexpr std::size_t kShortSummaryWorkloads = 6;

// The store's columns of each point: config, predicted decode step, KV bytes, compute, front.
std::vector<store::SweepPointRow> store_points(const SweepResult& r) {
  std::vector<store::SweepPointRow> out;
  out.reserve(r.rows.size());
  for (const SweepRow& w : r.rows) {
    store::SweepPointRow p;
    p.hardware = w.hardware;
    p.model = w.model;
    p.variant = std::string(to_string(w.variant));
    p.loops = w.loops;
    p.window = w.window;
    p.batch = w.batch;
    p.context_len = w.context;
    p.dtype = std::string(to_string(w.dtype));
    p.calibrated = w.calibrated;
    p.decode_step_s = w.decode_step_s;
    p.decode_flops_per_token = w.decode_flops_per_token;
    p.kv_bytes = w.kv_bytes;
    p.weight_bytes = w.weight_bytes;
    p.memory_total_bytes = w.memory_total_bytes;
    p.fits = w.verdict == MemoryVerdict::fits;
    p.pareto = w.pareto;
    p.feasible = w.feasible;
    p.best = w.best;
    out.push_back(std::move(p));
  }
  return out;
}

Registered register_sweep(CLI::App& root) {
  auto* sub = root.add_subcommand("sweep", "predict a grid of configurations and find the Pareto front");
  auto a = std::make_shared<SweepArgs>();
  sub->add_option("spec", a->spec, "sweep spec JSON (see studies/sweeps/), or - to read it from standard input")
      ->required();
  sub->add_option("--out", a->out, "write the CSV (or JSON with --json) to FILE instead of stdout");
  sub->add_option("--max-points", a->max_points, "allow a grid this large (needed above 100000 points)");
  sub->add_option("--db", a->db, "also write the sweep and its points to this results store");
  sub->add_flag("--json", a->json, "JSON instead of CSV");
  sub->add_flag("--no-progress", a->no_progress, "no progress output on stderr");
  sub->add_flag("--quiet,-q", a->quiet, "no progress and no summary: only the output (and errors)");
  sub->add_option("--summary", a->summary, "the Pareto summary: short (a few workloads), all (every workload), none")
      ->check(CLI::IsMember({"short", "all", "none"}))
      ->capture_default_str();
  return {sub, [a] {
            const SweepSpec spec = load_sweep_spec(a->spec);
            const std::string spec_name = !spec.name.empty() ? spec.name : a->spec == "-" ? "stdin" : a->spec;
            const ResolvedSweep s = resolve_sweep(spec);
            if (a->max_points && *a->max_points < 1) throw InputError("max-points", "must be >= 1");
            check_point_limit(s.points, a->max_points);
            // Open (create, migrate) the store before the sweep runs, so a bad --db costs nothing.
            std::unique_ptr<store::Store> db;
            if (a->db) db = store::open_store(*a->db, store::OpenMode::read_write);
            std::optional<AtomicFile> file;  // all or nothing: no truncated --out on a full disk
            if (a->out) file.emplace(*a->out);
            std::ostream& out = file ? file->stream() : std::cout;

            ProgressBar bar(!a->no_progress && !a->quiet);
            const auto t0 = std::chrono::steady_clock::now();
            const SweepResult r = run_sweep(s, [&](std::int64_t done, std::int64_t total) { bar.update(done, total); });
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

            if (a->json)
              out << sweep_to_json(s, r).dump(2) << "\n";
            else
              write_sweep_csv(out, r);
            if (file) file->commit();
            std::int64_t sweep_id = 0;
            if (db) {
              store::SweepInfo info;
              info.name = spec_name;
              info.engine_commit = build_stamp();
              // the spec as understood (stdin cannot be read twice, and a file may change)
              info.spec_json = a->spec == "-" ? sweep_spec_to_json(spec).dump(2) : read_text(a->spec);
              sweep_id = db->add_sweep(info, store_points(r));
            }
            if (a->quiet) return 0;
            // The summary goes where it does not mix with machine output.
            std::ostringstream summary;
            summary << "sweep '" << spec_name << "': " << s.points << " points (" << s.grid_points
                    << " in the grid as written, duplicates run once), " << r.oom_rows << " out of memory, "
                    << r.infeasible_rows << " breaking a constraint, " << r.pareto_rows << " on a Pareto front; "
                    << elapsed << " s, " << (elapsed > 0 ? static_cast<double>(s.points) / elapsed : 0.0)
                    << " points/s\n";
            if (db) summary << "stored as sweep " << sweep_id << " in " << *a->db << "\n";
            summary << best_point_line(s, r);
            if (a->summary != "none")
              write_pareto_summary(summary, r, 8, a->summary == "all" ? 0 : kShortSummaryWorkloads);
            (a->out ? std::cout : std::cerr) << summary.str();
            return 0;
          }};
}

const Registrar kSweep(register_sweep);

}  // namespace
}  // namespace looplab::cli
