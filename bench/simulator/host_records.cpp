// host_records: runs the CPU backend over the five variants and writes measured op records in the
// format `looplab calibrate` reads (lab/host_records.cpp times each plan op with a StepObserver;
// each op keeps its median over --repeats generations, taken round-robin over the
// configurations), and says how noisy the machine was meanwhile. `looplab calibrate FILE` then
// reports the leave-configuration-out error.
//   host_records [--model small] [--steps 24] [--repeats 5] [--out host-records.json] [--hardware host]
#include "lab/host_records.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"

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
    if (!std::strcmp(argv[i], "--model"))
      model = argv[i + 1];
    else if (!std::strcmp(argv[i], "--out"))
      out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--hardware"))
      hardware = argv[i + 1];
    else if (!std::strcmp(argv[i], "--steps"))
      steps = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeats"))
      repeats = std::atoll(argv[i + 1]);
    else
      throw InputError(argv[i], "unknown option (--model, --steps, --repeats, --out, --hardware, --help)");
  }
  if (steps < 1 || repeats < 1) throw InputError("steps", "--steps and --repeats must be >= 1");
  HostRecordOptions options;
  options.models = {model};
  options.steps = steps;
  options.repeats = repeats;
  options.hardware = hardware;
  HostRecordNoise noise;
  const RecordSet records = measure_host_records(
      options, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }, &noise);
  write_file_atomically(out, records_to_json(records).dump() + "\n");
  std::fprintf(stderr, "wrote %zu steps to %s\n", records.steps.size(), out.c_str());
  const auto& m = noise.machine;
  std::fprintf(stderr,
               "noise: a step's total moved %.1f%% between repeats (median over steps, 1.4826 MAD); other "
               "processes used %.2f CPUs over %.0f s; %s\n",
               100 * noise.step_spread, m.others_cpu_s.value_or(0) / std::max(1e-9, m.window_s.value_or(0)),
               m.window_s.value_or(0), noise.busy.empty() ? "the machine was quiet" : noise.busy.c_str());
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
