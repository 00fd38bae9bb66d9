// Calibration: the fit recovers known per-kind factors from synthetic noisy records, reports
// error before and after, and round-trips through its file. The measured host check is in
// test_calibrate_measured.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "engine/core/error.hpp"
#include "simulator/calibrate.hpp"
#include "simulator/records.hpp"
#include "test_support.hpp"

using namespace looplab;
using namespace looplab::test;

namespace {

// The "true" factors the synthetic records are made from, different for every kind.
KindFactors truth(OpKind k) {
  const double i = static_cast<double>(k);
  KindFactors f;
  f.memory_efficiency = 0.55 + 0.02 * i;
  f.compute_efficiency = 0.40 + 0.025 * i;
  f.overhead_s = 2e-6 + 0.1e-6 * i;
  f.overhead_fitted = true;
  return f;
}

struct Synthetic {
  std::vector<OpSample> samples;
  RecordSet records;
};

// Steps of two models over decode and prefill shapes on the H200 spec; each op's time is the
// model under truth() times (1 + 3% gaussian noise).
Synthetic make_synthetic(double noise, std::uint64_t seed) {
  const HardwareSpec hw = load_hardware("h200");
  const FitBasis basis = fit_basis(hw, Ceiling::measured, LaunchMode::graph);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  Synthetic out;
  out.records.hardware = "h200";
  out.records.engine_commit = "synthetic";
  std::int64_t step = 0;
  auto add = [&](const ModelConfig& c, const StepShape& s) {
    const StepPlan plan = plan_step(c, s);
    // The fit's own functional form on the plain roofline: this checks the fitting, not the model.
    const CostParams params = make_cost_params(c, hw, roofline(LaunchMode::graph, Ceiling::measured));
    std::vector<OpSample> clean;
    std::vector<double> placeholder(plan.ops.size(), 1.0);  // replaced below
    append_step_samples(plan, params, placeholder, step, clean);
    StepRecord rec{c, s, {}};
    for (OpSample smp : clean) {
      smp.measured_s = sample_time_s(smp, truth(smp.kind), basis) * (1.0 + noise * gauss(rng));
      rec.op_time_s.push_back(smp.measured_s);
      out.samples.push_back(smp);
    }
    out.records.steps.push_back(std::move(rec));
    ++step;
  };
  for (Variant v : {Variant::vanilla, Variant::plt}) {
    ModelConfig big = load_model("plt-paper-dense-1.2b");
    big.variant = v;
    big.loops = 2;
    ModelConfig small = load_model("tiny");
    small.variant = v;
    for (std::int64_t B : {1, 8, 64})
      for (std::int64_t n : {256, 2048, 16384}) add(big, {Phase::decode, B, n});
    for (std::int64_t B : {1, 4})
      for (std::int64_t P : {32, 512, 2048}) add(big, {Phase::prefill, B, P});
    for (std::int64_t B : {1, 4}) add(small, {Phase::decode, B, 40});
  }
  return out;
}

double rel(double a, double b) { return std::abs(a - b) / std::abs(b); }

}  // namespace

TEST(Calibration, RecoversKnownFactorsFromNoisyRecords) {
  const Synthetic syn = make_synthetic(0.03, 42);
  const FitBasis basis = fit_basis(load_hardware("h200"), Ceiling::measured, LaunchMode::graph);
  const Calibration cal =
      fit_calibration(syn.samples, basis, {"h200", "synthetic", "now", "test"}, Ceiling::measured, LaunchMode::graph);
  int compute_fitted = 0, memory_fitted = 0;
  for (int k = 0; k < kOpKindCount; ++k) {
    const auto kind = static_cast<OpKind>(k);
    const KindFactors& f = cal[kind];
    SCOPED_TRACE(std::string(to_string(kind)));
    if (f.samples == 0) continue;  // reinject: not in these plans
    ASSERT_TRUE(f.overhead_fitted);
    EXPECT_LE(std::abs(f.overhead_s - truth(kind).overhead_s), 0.05 * truth(kind).overhead_s);
    if (f.memory_fitted) {
      ++memory_fitted;
      EXPECT_LE(rel(f.memory_efficiency, truth(kind).memory_efficiency), 0.05);
    }
    if (f.compute_fitted) {
      ++compute_fitted;
      EXPECT_LE(rel(f.compute_efficiency, truth(kind).compute_efficiency), 0.05);
    }
  }
  // Big prefill GEMMs and attention are compute-bound, so their compute efficiency is fitted.
  for (OpKind k : {OpKind::qkv_proj, OpKind::gate_up_proj, OpKind::down_proj_residual, OpKind::attn_global})
    EXPECT_TRUE(cal[k].compute_fitted) << to_string(k);
  for (OpKind k : {OpKind::qkv_proj, OpKind::attn_global, OpKind::lm_head, OpKind::mlp_norm})
    EXPECT_TRUE(cal[k].memory_fitted) << to_string(k);
  EXPECT_GE(memory_fitted, 10);
  EXPECT_GE(compute_fitted, 4);
  // Error report: the uncalibrated roofline is far off (efficiencies 0.4-1), the fit is at noise level.
  EXPECT_GT(cal.before.op_median, 0.2);
  EXPECT_LT(cal.after.op_median, 0.04);
  EXPECT_LT(cal.after.op_p90, 0.08);
  EXPECT_LT(cal.after.step_median, 0.02);
  EXPECT_EQ(cal.after.steps, static_cast<std::int64_t>(syn.records.steps.size()));
}

TEST(Calibration, ExactRecordsAreFittedExactly) {
  const Synthetic syn = make_synthetic(0.0, 1);
  const FitBasis basis = fit_basis(load_hardware("h200"), Ceiling::measured, LaunchMode::graph);
  const Calibration cal =
      fit_calibration(syn.samples, basis, {"h200", "synthetic", "now", "test"}, Ceiling::measured, LaunchMode::graph);
  EXPECT_LT(cal.after.op_p90, 1e-6);
  EXPECT_LE(rel(cal[OpKind::gate_up_proj].compute_efficiency, truth(OpKind::gate_up_proj).compute_efficiency), 1e-6);
  EXPECT_LE(rel(cal[OpKind::attn_global].memory_efficiency, truth(OpKind::attn_global).memory_efficiency), 1e-6);
}

TEST(Calibration, RecordsFileRoundTripGivesTheSameSamples) {
  const Synthetic syn = make_synthetic(0.03, 7);
  const RecordSet back = records_from_json(records_to_json(syn.records), "test");
  const std::vector<OpSample> s = samples_from_records(back, load_hardware("h200"), Ceiling::measured);
  ASSERT_EQ(s.size(), syn.samples.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].kind, syn.samples[i].kind);
    EXPECT_EQ(s[i].flops, syn.samples[i].flops);
    EXPECT_EQ(s[i].bytes, syn.samples[i].bytes);
    EXPECT_EQ(s[i].measured_s, syn.samples[i].measured_s);
  }
}

TEST(Calibration, FileRoundTripKeepsFactorsAndProvenance) {
  const Synthetic syn = make_synthetic(0.03, 3);
  const FitBasis basis = fit_basis(load_hardware("h200"), Ceiling::measured, LaunchMode::graph);
  const Calibration cal = fit_calibration(syn.samples, basis, {"h200", "abc123", "2025-11-02T10:00:00Z", "rec.json"},
                                          Ceiling::measured, LaunchMode::graph);
  const auto path = std::filesystem::temp_directory_path() / "looplab_test_calibration.json";
  save_calibration(cal, path.string());
  const Calibration back = load_calibration(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(back, cal);
  EXPECT_EQ(back.provenance.engine_commit, "abc123");
}

TEST(Calibration, BadRecordsNameTheKey) {
  Synthetic syn = make_synthetic(0.0, 1);
  syn.records.steps[0].op_time_s.pop_back();
  try {
    samples_from_records(syn.records, load_hardware("h200"), Ceiling::measured);
    FAIL() << "short op_time_s accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "steps[0].op_time_s");
  }
  nlohmann::json j = records_to_json(syn.records);
  j["runs"][0]["steps"][0]["contxt"] = 5;
  try {
    records_from_json(j, "test");
    FAIL() << "typo accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "runs[0].steps[0].contxt");
  }
  try {
    load_calibration("no-such-calibration.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "calibration");
  }
}

// CPU attention follows its FLOPs (a dot product per query and key): two groups of records
// with the same FLOPs and half the bytes (clp vs clp_share: own caches vs one shared cache)
// take the same time. From the ceilings' ratio the records look memory-bound (bytes/bandwidth
// is 3x or 1.5x FLOPs/peak); one memory efficiency cannot fit both groups, so the fit must
// also start from "all compute-bound" and keep that, the better optimum.
TEST(Calibration, FindsTheComputeBoundFitWhenTheCeilingsSayMemory) {
  std::vector<OpSample> samples;
  for (int i = 0; i < 40; ++i) {
    OpSample s;
    s.kind = OpKind::attn_global;
    s.roof_compute_s = (1 + i % 10) * 1e-6;
    s.roof_memory_s = s.roof_compute_s * (i < 20 ? 3.0 : 1.5);
    s.flops = s.roof_compute_s * 1e12;
    s.bytes = s.roof_memory_s * 1e11;
    s.measured_s = s.roof_compute_s / 0.2 + 1e-6;  // compute efficiency 0.2, 1 us per op
    s.step = i;
    samples.push_back(s);
  }
  const FitBasis basis{0.0};
  const Calibration cal =
      fit_calibration(samples, basis, {"h200", "synthetic", "now", "test"}, Ceiling::measured, LaunchMode::graph);
  const KindFactors& f = cal[OpKind::attn_global];
  ASSERT_TRUE(f.compute_fitted);
  EXPECT_NEAR(f.compute_efficiency, 0.2, 1e-6);
  EXPECT_NEAR(f.overhead_s, 1e-6, 1e-12);
  // Memory efficiency: the least that keeps every record compute-bound, 3 / 5 = 0.6.
  EXPECT_NEAR(f.memory_efficiency, 0.6, 1e-9);
  EXPECT_LT(cal.after.op_median, 1e-9);
  EXPECT_LT(cal.after.step_p90, 1e-9);
  // The memory-bound reading (the single start this fit used to make) is 20% off or worse.
  KindFactors memory_only;
  memory_only.memory_efficiency = 3.0 / 5.0 * 1.5;  // between the groups' two needs
  memory_only.memory_fitted = true;
  std::array<KindFactors, kOpKindCount> kinds{};
  kinds[static_cast<std::size_t>(OpKind::attn_global)] = memory_only;
  EXPECT_GT(evaluate(samples, kinds, basis).op_p90, 0.2);
}
