// The fuzz suite's cases: for every input kind looplab reads (model JSON, hardware spec, sweep
// spec, calibration, calibration records, safetensors weights, store files, command lines) a
// valid base input and, per case, one seeded mutation of it with the command that reads it.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace looplab::fuzz {

struct CaseFile {
  std::string name;  // inside the case's folder
  std::string bytes;
};

struct Case {
  std::string kind;               // "model", "hardware", ..., "args"
  std::string mutation;           // what was done to the base input
  std::vector<std::string> args;  // the command line; "{dir}" stands for the case's folder
  std::vector<CaseFile> files;    // written into the case's folder before the command runs
};

// Valid inputs every case starts from, made once (from data/ and in-process).
struct Bases {
  nlohmann::json model, hardware, sweep, calibration, records, engine, validation;
  nlohmann::json suite, gbench;  // a gate suite of one tiny workload; Google Benchmark JSON
  std::string safetensors;       // a tiny model's weights
  std::string store;             // a store file with one complete run
  std::string foreign_db;        // another program's SQLite database
  std::string foreign_wal;       // the write-ahead log of another database
};
// Builds the bases in `scratch` (a folder it may write). Throws on failure.
Bases make_bases(const std::string& scratch);

std::vector<std::string> kinds();
// The case `index` of kind `kind` for `seed`: the same triple always gives the same case.
Case make_case(const Bases& b, const std::string& kind, std::uint64_t seed, std::uint64_t index);

}  // namespace looplab::fuzz
