// Fixture snapshots (see fixtures.hpp).
#include "fixtures.hpp"

#include <map>

#include "engine/core/config.hpp"

namespace looplab::gui::test {

std::vector<RunSummary> ladderRuns() {
  std::vector<RunSummary> runs;
  const double measuredUs[] = {100.0, 200.0, 150.0, 101.0, 102.0};
  const std::int64_t kvUnits[] = {1, 2, 2, 1, 1};
  for (int i = 0; i < 5; ++i) {
    RunSummary r;
    r.id = i + 1;
    r.model = "plt-paper-dense-1.2b";
    r.variant = kAllVariants[i];
    r.loops = i == 0 ? 1 : 2;
    r.window = 64;
    r.batch = 4;
    r.contextLen = 4096;
    r.backend = "cuda";
    r.hardware = "h200";
    r.createdAt = "2025-11-0" + std::to_string(i + 1) + "T10:00:00Z";
    r.measuredStepS = measuredUs[i] * 1e-6;
    const double halfWidth = i == 3 ? 0.03 : 0.01;
    r.measuredCiLoS = *r.measuredStepS * (1.0 - halfWidth);
    r.measuredCiHiS = *r.measuredStepS * (1.0 + halfWidth);
    r.verdict = i == 3 ? stats::Verdict::noisy : stats::Verdict::quiet;
    if (i == 3) r.verdictReason = kNoisyReason;
    r.predictedStepS = measuredUs[i] * 0.9e-6;
    r.kvBytes = kvUnits[i] * 1'000'000;
    r.weightBytes = 2'400'000'000;
    runs.push_back(r);
  }
  RunSummary cpu;
  cpu.id = 6;
  cpu.model = "small";
  cpu.variant = Variant::plt;
  cpu.loops = 2;
  cpu.window = 16;
  cpu.batch = 1;
  cpu.contextLen = 64;
  cpu.backend = "cpu";
  cpu.hardware = "host";
  cpu.createdAt = "2025-11-07T09:00:00Z";
  cpu.complete = false;
  runs.push_back(cpu);
  return runs;
}

RunDetail tinyRunDetail() {
  ModelConfig config = load_model("tiny");
  const StepPlan plan = plan_step(config, StepShape{Phase::decode, 2, 16});
  RunDetail d;
  d.summary.id = 42;
  d.summary.model = "tiny";
  d.summary.variant = config.variant;
  d.summary.loops = config.loops;
  d.summary.window = config.window;
  d.summary.batch = 2;
  d.summary.contextLen = 16;
  d.summary.backend = "cpu";
  d.summary.hardware = "host";
  d.summary.createdAt = "2025-11-08T12:00:00Z";
  d.summary.kvBytes = 123456;
  d.summary.weightBytes = 654321;
  d.configJson = config_to_json(config).dump();
  double t = 0.0;
  double measuredSum = 0.0;
  double predictedSum = 0.0;
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    const OpDesc& desc = plan.ops[i];
    OpRecord op;
    op.index = static_cast<std::int32_t>(i);
    op.name = op_name(desc);
    op.kind = desc.kind;
    op.layer = desc.layer;
    op.loopLo = desc.loop_lo;
    op.loopHi = desc.loop_hi;
    const double us = static_cast<double>(i + 1);
    op.measuredS = us * 1e-6;
    op.measuredMeanS = us * 1e-6;
    op.predictedS = us * 1.1e-6;
    op.flops = 1000.0 * us;
    op.bytes = 100.0 * us;
    op.bound = desc.kind == OpKind::argmax ? Bound::launch : i % 2 == 0 ? Bound::memory : Bound::compute;
    measuredSum += *op.measuredS;
    predictedSum += *op.predictedS;
    d.ops.push_back(op);
    d.measuredOps.push_back(Span{op.index, op.name, t, *op.measuredS, 0});
    t += *op.measuredS;
  }
  const double stepS = measuredSum + kTinyUnattributedS;
  d.summary.measuredStepS = stepS;
  d.summary.measuredCiLoS = stepS * 0.995;
  d.summary.measuredCiHiS = stepS * 1.005;
  d.summary.predictedStepS = predictedSum;
  d.summary.verdict = stats::Verdict::quiet;
  // The kind table, kinds in plan order of first appearance.
  auto stat = [](double s) {
    MeasuredStat m;
    m.samples = 64;
    m.medianS = s;
    m.ciLoS = s * 0.995;
    m.ciHiS = s * 1.005;
    m.p10S = s * 0.99;
    m.p90S = s * 1.01;
    m.meanS = s;
    m.verdict = stats::Verdict::quiet;
    return m;
  };
  std::vector<OpKind> order;
  std::map<OpKind, std::pair<double, double>> sums;  // measured, predicted
  for (const OpRecord& op : d.ops) {
    if (!sums.count(op.kind)) order.push_back(op.kind);
    sums[op.kind].first += *op.measuredS;
    sums[op.kind].second += *op.predictedS;
  }
  for (OpKind k : order) {
    d.kinds.push_back(KindMeasurement{Phase::decode, std::string(to_string(k)), stat(sums[k].first), sums[k].second});
  }
  d.kinds.push_back(KindMeasurement{Phase::decode, "unattributed", stat(kTinyUnattributedS), std::nullopt});
  d.kinds.push_back(KindMeasurement{Phase::decode, "step", stat(stepS), predictedSum});
  d.decode.medianS = stepS;
  d.decode.ciLoS = stepS * 0.995;
  d.decode.ciHiS = stepS * 1.005;
  d.decode.samples = 64;
  d.decode.verdict = stats::Verdict::quiet;
  d.shownStep = ShownStep{0, 1, stepS, kTinyUnattributedS};
  for (int s = 0; s < 64; ++s) {
    // A spread of step latencies around the op sum: a visible histogram.
    d.steps.push_back(StepSample{s, Phase::decode, measuredSum * (0.9 + 0.2 * ((s * 37) % 64) / 64.0)});
  }
  d.hardware.name = "host";
  d.hardware.peakFlopsPerS = 1e11;
  d.hardware.bandwidthBytesPerS = 2e10;
  d.hardware.measuredPeakFlopsPerS = 6e10;
  d.hardware.measuredBandwidthBytesPerS = 1.5e10;
  d.hardware.source = "test fixture";
  return d;
}

}  // namespace looplab::gui::test
