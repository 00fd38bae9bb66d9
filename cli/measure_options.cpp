// add_measure_options() and the repeat progress line (measure_options.hpp).
#include "cli/measure_options.hpp"

#include <cstdio>

namespace looplab::cli {

void add_measure_options(CLI::App& sub, lab::MeasureRequest& req, MeasureOptions& opts) {
  sub.add_option("--repeat", req.repeats, "measured repetitions of prefill + decode steps, at least")
      ->capture_default_str();
  sub.add_option("--min-time", req.min_time_s, "measure for at least this many seconds")->capture_default_str();
  sub.add_option("--max-time", req.max_time_s,
                 "keep repeating until the step medians are known to --target-ci, for at most this many seconds "
                 "(0: exactly --repeat repeats)")
      ->capture_default_str();
  sub.add_option("--target-ci", opts.target_ci_pct,
                 "wanted half-width of the 95% interval of the decode and prefill step medians, in percent")
      ->capture_default_str();
  sub.add_option("--warmup", req.warmup, "repetitions run first and not stored")->capture_default_str();
  sub.add_option("--pin", req.pin, "run on these CPUs only (e.g. 0-1 or 2,3)");
  sub.add_option("--threads", req.threads,
                 "CPU backend threads: available (the allowed CPUs other processes leave free), all, or a count;"
                 " OMP_NUM_THREADS wins")
      ->capture_default_str();
}

lab::RepeatProgress repeat_progress(bool tty) {
  if (!tty) return {};
  return [](std::int64_t repeat, double elapsed_s, double half_width) {
    std::fprintf(stderr, "\rlooplab: repeat %lld, %.1f s, step medians known to +-%.1f%%   ", (long long)repeat,
                 elapsed_s, 100 * half_width);
  };
}

}  // namespace looplab::cli
