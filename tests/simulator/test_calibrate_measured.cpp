// The calibration target on real measurements: op records of the CPU backend (every plan op of
// the five variants of the `small` preset timed, each op's median over interleaved repeats) and
// a host spec measured the way `looplab calibrate-host` does, both on one OpenMP thread. The fit
// sees the even steps; the calibrated host prediction of the odd steps must have a median step
// error of at most 10%. Takes about half a minute; it runs alone (RUN_SERIAL) because other
// processes on the cores would be measured too.
//
// LOOPLAB_HOST_RECORDS=FILE (and LOOPLAB_HOST_SPEC=FILE) check records measured elsewhere
// (`host_records`, `looplab calibrate-host --out`) instead of measuring here.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdio>
#include <cstdlib>

#include "simulator/calibrate.hpp"
#include "simulator/host/host_records.hpp"
#include "simulator/host/host_spec.hpp"
#include "simulator/records.hpp"

using namespace looplab;

TEST(CalibrationMeasured, HostMedianStepErrorAtMost10Percent) {
  const char* records_file = std::getenv("LOOPLAB_HOST_RECORDS");
  const char* spec_file = std::getenv("LOOPLAB_HOST_SPEC");
  RecordSet r;
  HardwareSpec hw;
  if (records_file && *records_file) {
    r = load_records(records_file);
    hw = load_hardware(spec_file && *spec_file ? spec_file : r.hardware);
  } else {
    omp_set_num_threads(1);  // one thread: a descheduled second thread would stall the barrier
    hw = measure_host_spec();
    HostRecordOptions o;  // small, five variants, L = 2, batch 1 and 4, prompts 16 and 96
    o.repeats = 7;
    o.hardware = hw.name;
    r = measure_host_records(o);
  }
  RecordSet fit_set = r, check_set = r;
  fit_set.steps.clear();
  check_set.steps.clear();
  for (std::size_t i = 0; i < r.steps.size(); ++i) (i % 2 ? check_set : fit_set).steps.push_back(r.steps[i]);
  ASSERT_GE(check_set.steps.size(), 100u);
  const FitBasis basis = fit_basis(hw, Ceiling::measured, r.launch);
  const Calibration cal = fit_calibration(samples_from_records(fit_set, hw, Ceiling::measured), basis,
                                          {hw.name, r.engine_commit, "test", "measured"}, Ceiling::measured, r.launch);
  const ErrorSummary before =
      evaluate(samples_from_records(check_set, hw, Ceiling::measured), std::array<KindFactors, kOpKindCount>{}, basis);
  const ErrorSummary e = evaluate(samples_from_records(check_set, hw, Ceiling::measured), cal.kinds, basis);
  std::printf("held-out steps: %lld ops, op median %.1f%% p90 %.1f%%; %lld steps, step median %.1f%% p90 %.1f%% "
              "(uncalibrated: step median %.1f%%)\n",
              static_cast<long long>(e.ops), 100 * e.op_median, 100 * e.op_p90, static_cast<long long>(e.steps),
              100 * e.step_median, 100 * e.step_p90, 100 * before.step_median);
  EXPECT_LE(e.step_median, 0.10) << "op median " << e.op_median << ", step p90 " << e.step_p90;
  // The calibration must be doing the work: the uncalibrated roofline is far off on a CPU.
  EXPECT_LT(e.step_median, before.step_median / 2);
}
