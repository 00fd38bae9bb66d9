// The calibration target on real measurements, held out the honest way: op records of the CPU
// backend (every plan op of the five variants of the `small` preset at batch 1 and 4, prompts 16
// and 96: 20 configurations, each op's median over interleaved repeats) and a host spec measured
// in-process, both on one OpenMP thread. Each configuration's steps are predicted by a fit on the
// other 19 (leave-configuration-out); the median decode-step error must be at most 10% and at
// most half the uncalibrated one. It measures time, so it is labelled slow, runs alone, and is
// not part of CI (scripts/test-slow); the machine's noise is printed beside the figure.
//
// LOOPLAB_HOST_RECORDS=FILE (and LOOPLAB_HOST_SPEC=FILE) check records measured elsewhere
// (`host_records`, `looplab calibrate-host --out`) instead of measuring here.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdio>
#include <cstdlib>

#include "lab/held_out.hpp"
#include "lab/host_records.hpp"
#include "lab/host_spec.hpp"
#include "simulator/records.hpp"

using namespace looplab;

TEST(CalibrationMeasured, LeaveConfigurationOutDecodeErrorAtMost10Percent) {
  const char* records_file = std::getenv("LOOPLAB_HOST_RECORDS");
  const char* spec_file = std::getenv("LOOPLAB_HOST_SPEC");
  RecordSet r;
  HardwareSpec hw;
  HostRecordNoise noise;
  if (records_file && *records_file) {
    r = load_records(records_file);
    hw = load_hardware(spec_file && *spec_file ? spec_file : r.hardware);
  } else {
    omp_set_num_threads(1);  // one thread: a descheduled second thread would stall the barrier
    hw = measure_host_spec();
    HostRecordOptions o;  // small, five variants, L = 2, batch 1 and 4, prompts 16 and 96
    o.repeats = 7;
    o.hardware = hw.name;
    r = measure_host_records(o, {}, &noise);
  }
  const lab::HeldOutReport h = lab::leave_configuration_out(r, hw, Ceiling::measured);
  ASSERT_EQ(h.configurations, 20);
  std::printf(
      "leave-configuration-out over %lld configurations: decode step median %.1f%% p90 %.1f%% "
      "(uncalibrated %.1f%%, in-sample %.1f%%); prefill median %.1f%% p90 %.1f%% (uncalibrated %.1f%%)\n",
      static_cast<long long>(h.configurations), 100 * h.decode.median, 100 * h.decode.p90,
      100 * h.decode_uncalibrated.median, 100 * h.decode_in_sample.median, 100 * h.prefill.median, 100 * h.prefill.p90,
      100 * h.prefill_uncalibrated.median);
  std::printf("noise: steps moved %.1f%% between repeats; other processes %.2f CPU-s over %.0f s; %s\n",
              100 * noise.step_spread, noise.machine.others_cpu_s.value_or(0), noise.machine.window_s.value_or(0),
              noise.busy.empty() ? "quiet" : noise.busy.c_str());
  EXPECT_LE(h.decode.median, 0.10) << "p90 " << h.decode.p90;
  // The calibration must be doing the work: the uncalibrated roofline is far off on a CPU.
  EXPECT_LT(h.decode.median, h.decode_uncalibrated.median / 2);
}
