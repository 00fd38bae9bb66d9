// `looplab import gbench FILE.json --db FILE --label L`: Google Benchmark results (the project's
// bench/ programs or any other) into the results store, one run per benchmark instance with its
// repetitions, so `looplab gate compare` and `gate history` work on them.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "engine/core/error.hpp"
#include "lab/gbench_import.hpp"
#include "simulator/json_fields.hpp"
#include "store/store.hpp"

namespace looplab::cli {
namespace {

struct ImportArgs {
  std::string file, db = "looplab.db", label, commit;
  bool json = false;
};

int run_import(const ImportArgs& a) {
  if (a.label.empty()) throw InputError("label", "give the label to store the runs under");
  // parsed and checked before the store is opened: a bad file writes nothing
  const lab::GbenchFile f =
      lab::parse_gbench(jsonf::parse_file(a.file, "file"), std::filesystem::path(a.file).filename().string());
  if (a.commit.size() > 200) throw InputError("commit", "must be at most 200 characters");
  auto s = store::open_store(a.db, store::OpenMode::read_write);
  const lab::GbenchImport r = lab::store_gbench(*s, f, a.label, a.commit);
  if (a.json) {
    std::cout << nlohmann::json{{"db", a.db},
                                {"label", a.label},
                                {"runs", r.runs},
                                {"benchmarks", r.names},
                                {"repetitions", r.repetitions},
                                {"skipped", r.skipped}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::printf(
      "imported %zu benchmark(s), %lld repetition(s), into %s as label '%s' (runs %lld..%lld); %lld "
      "aggregate or failed entries skipped\n",
      r.runs.size(), (long long)r.repetitions, a.db.c_str(), a.label.c_str(), (long long)r.runs.front(),
      (long long)r.runs.back(), (long long)r.skipped);
  return 0;
}

Registered register_import(CLI::App& root) {
  auto* sub = root.add_subcommand("import", "bring results made elsewhere into the store");
  sub->require_subcommand(1);
  auto a = std::make_shared<ImportArgs>();
  auto* g = sub->add_subcommand("gbench",
                                "Google Benchmark JSON (--benchmark_format=json): one run per benchmark, its "
                                "repetitions as steps, comparable with `looplab gate compare`");
  g->add_option("file", a->file, "the benchmark program's JSON output")->required();
  g->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
  g->add_option("--label", a->label, "label of the runs")->required();
  g->add_option("--commit", a->commit, "commit the benchmarks were built from");
  g->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run_import(*a); }};
}

const Registrar kImport(register_import);

}  // namespace
}  // namespace looplab::cli
