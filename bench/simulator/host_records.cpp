// host_records: runs the CPU backend over the five variants and writes measured op records in the
// format `looplab calibrate` reads (simulator/host/host_records.cpp times each plan op with a
// StepObserver; each op keeps its median over --repeats generations). It stands in for the
// profiler's host tracer until `looplab run` writes records itself.
//   host_records [--model small] [--steps 24] [--repeats 5] [--out host-records.json] [--hardware host]
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "simulator/host/host_records.hpp"

namespace {

using namespace looplab;

int run(int argc, char** argv) {
  std::string model = "small", out = "host-records.json", hardware = "host";
  std::int64_t steps = 24, repeats = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--model")) model = argv[i + 1];
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--hardware")) hardware = argv[i + 1];
    else if (!std::strcmp(argv[i], "--steps")) steps = std::stoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeats")) repeats = std::stoll(argv[i + 1]);
    else throw InputError(argv[i], "unknown option (--model, --steps, --repeats, --out, --hardware)");
  }
  if (steps < 1 || repeats < 1) throw InputError("steps", "--steps and --repeats must be >= 1");
  HostRecordOptions options;
  options.models = {model};
  options.steps = steps;
  options.repeats = repeats;
  options.hardware = hardware;
  const RecordSet records =
      measure_host_records(options, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  std::ofstream f(out);
  if (!f) throw InputError("out", "cannot write '" + out + "'");
  f << records_to_json(records).dump() << "\n";
  std::fprintf(stderr, "wrote %zu steps to %s\n", records.steps.size(), out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const InputError& e) {
    std::fprintf(stderr, "host_records: error: %s\n", e.what());
    return 2;
  }
}
