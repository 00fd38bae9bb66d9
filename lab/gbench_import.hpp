// Google Benchmark results in the store: the JSON a benchmark program writes with
// --benchmark_format=json (or --benchmark_out=FILE) becomes one run per benchmark instance, each
// repetition a step, so `gate compare` and `gate history` work on them as on measured steps.
// The run's backend is "gbench", its model the benchmark's run name, its step time the real time
// per iteration (to the nanosecond); aggregates (mean, median, stddev) are recomputed, not stored.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace looplab::lab {

struct GbenchImport {
  std::vector<store::RunId> runs;  // one per benchmark instance, in the file's order
  std::vector<std::string> names;  // their run names
  std::int64_t repetitions = 0;    // steps stored over all runs
  std::int64_t skipped = 0;        // entries skipped: aggregates and errored benchmarks
};

// A file's benchmark instances, parsed and checked.
struct GbenchInstance {
  std::string run_name;
  std::int64_t threads = 1;
  std::vector<double> ns;  // real time per iteration, one per repetition
};
struct GbenchFile {
  std::string executable, host;
  std::vector<GbenchInstance> instances;
  std::int64_t skipped = 0;
};
// Throws InputError naming the key ("benchmarks[3].real_time") on a malformed file: check it
// before opening a store, so that a bad file creates nothing.
GbenchFile parse_gbench(const nlohmann::json& j, const std::string& where);
GbenchImport store_gbench(store::Store& s, const GbenchFile& f, const std::string& label, const std::string& commit);
// Both.
GbenchImport import_gbench(store::Store& s, const nlohmann::json& j, const std::string& where, const std::string& label,
                           const std::string& commit);

}  // namespace looplab::lab
