// The measurement options `looplab run` and `looplab demo` share: repetition policy (--repeat,
// --min-time, --max-time, --target-ci), warm-up and CPU pinning, and the progress line.
#pragma once
#include <CLI/CLI.hpp>

#include "lab/measure.hpp"

namespace looplab::cli {

struct MeasureOptions {
  double target_ci_pct = 2.0;  // the CLI takes percent; the request holds a fraction
  void apply(lab::MeasureRequest& req) const { req.target_ci = target_ci_pct / 100.0; }
};

void add_measure_options(CLI::App& sub, lab::MeasureRequest& req, MeasureOptions& opts);

// "\rlooplab: repeat 12, 3.4 s, interval +-1.8%" on a terminal; nothing otherwise.
lab::RepeatProgress repeat_progress(bool tty);

}  // namespace looplab::cli
