// host_records: runs the CPU backend over the five variants and writes measured op records in the
// format `looplab calibrate` reads (simulator/host/host_records.cpp times each plan op with a
// StepObserver; each op keeps its median over --repeats generations, taken round-robin over the
// configurations). It stands in for the profiler's host tracer until `looplab run` writes records.
//   host_records [--model small] [--steps 24] [--repeats 5] [--out host-records.json] [--hardware host]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "simulator/host/host_records.hpp"

namespace {

using namespace looplab;

constexpr const char* kUsage =
    "usage: host_records [--model small] [--steps 24] [--repeats 5] [--out host-records.json] [--hardware host]\n"
    "Times every plan op of the CPU backend over the five variants (L = 2, batch 1 and 4, prompts 16\n"
    "and 96), the repeats round-robin over the configurations, each op's median kept; writes the\n"
    "records `looplab calibrate` reads. Run it on one thread (OMP_NUM_THREADS=1) on a quiet machine.\n";

int run(int argc, char** argv) {
  std::string model = "small", out = "host-records.json", hardware = "host";
  std::int64_t steps = 24, repeats = 5;
  for (int i = 1; i < argc; i += 2) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= argc) throw InputError(argv[i], "needs a value");
    if (!std::strcmp(argv[i], "--model")) model = argv[i + 1];
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--hardware")) hardware = argv[i + 1];
    else if (!std::strcmp(argv[i], "--steps")) steps = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeats")) repeats = std::atoll(argv[i + 1]);
    else throw InputError(argv[i], "unknown option (--model, --steps, --repeats, --out, --hardware, --help)");
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
