// Store records -> GUI snapshots (see store_convert.hpp).
#include "gui/data/store_convert.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/core/kv.hpp"
#include "gui/models/verdict.hpp"
#include "store/summary.hpp"

namespace looplab::gui {

const ModelConfig* ConfigCache::get(const std::string& json) {
  auto it = m_configs.find(json);
  if (it == m_configs.end()) {
    std::optional<ModelConfig> parsed;
    try {
      parsed = parse_config_text(json, "run config");
    } catch (const std::exception&) {
      parsed.reset();  // an unreadable config leaves the derived columns empty
    }
    it = m_configs.emplace(json, std::move(parsed)).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::int64_t runElementBytes(const std::string& backend, const ModelConfig& config) {
  return backend == "cpu" ? 4 : bytes_per_element(config.dtype);
}

std::optional<OpKind> parseOpKind(const std::string& name) {
  for (int k = 0; k < kOpKindCount; ++k) {
    if (to_string(static_cast<OpKind>(k)) == name) return static_cast<OpKind>(k);
  }
  return std::nullopt;
}

Bound parseBound(const std::string& name) {
  if (name == "memory") return Bound::memory;
  if (name == "compute") return Bound::compute;
  if (name == "launch") return Bound::launch;
  return Bound::unknown;
}

RunSummary summaryFromStore(const store::RunInfo& info, ConfigCache& configs) {
  RunSummary s;
  s.id = info.id;
  s.model = info.model;
  s.variant = parse_variant(info.variant).value_or(Variant::vanilla);
  s.loops = info.loops;
  s.batch = info.batch;
  s.contextLen = info.prompt_len;
  s.backend = info.backend;
  s.hardware = info.hardware;
  s.createdAt = info.created_at;
  s.label = info.label;
  s.commit = info.engine_commit;
  s.workKey = info.config_json + "|" + std::to_string(info.batch) + "|" + std::to_string(info.prompt_len) + "|" +
              std::to_string(info.decode_steps) + "|" + info.backend;
  s.complete = info.complete;
  s.measuredStepS = info.stats.decode.median_s;
  s.measuredCiLoS = info.stats.decode.ci_lo_s;
  s.measuredCiHiS = info.stats.decode.ci_hi_s;
  s.predictedStepS = info.stats.predicted_decode_s;
  s.verdict = verdictFromText(info.stats.verdict);
  s.verdictReason = info.stats.verdict_reason;
  if (const ModelConfig* c = configs.get(info.config_json)) {
    s.window = c->window;
    const std::int64_t elementBytes = runElementBytes(info.backend, *c);
    // The KV cache the run held by its last decode step: prompt plus generated tokens.
    s.kvTokens = info.prompt_len + info.decode_steps;
    try {
      s.kvBytes = kv_bytes_formula(*c, info.batch, std::max<std::int64_t>(1, s.kvTokens), elementBytes);
    } catch (const std::exception&) {
      s.kvBytes.reset();
    }
    s.weightBytes = c->parameter_count() * elementBytes;
  }
  return s;
}

namespace {
std::optional<double> specValue(const nlohmann::json& number, const char* which) {
  if (!number.is_object() || !number.contains(which)) return std::nullopt;
  const auto& v = number[which];
  if (!v.is_object() || !v.contains("value") || !v["value"].is_number()) return std::nullopt;
  return v["value"].get<double>();
}

std::string specSource(const nlohmann::json& number, const char* which) {
  if (!number.is_object() || !number.contains(which) || !number[which].is_object()) return {};
  const auto& v = number[which];
  return v.contains("source") && v["source"].is_string() ? v["source"].get<std::string>() : std::string();
}
}  // namespace

HardwareCeilings ceilingsFromSpecJson(const std::string& name, const std::string& specJson, DType dtype) {
  HardwareCeilings h;
  h.name = name;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(specJson);
  } catch (const std::exception&) {
    return h;  // no spec stored: the roofline shows no ceilings
  }
  if (!j.is_object()) return h;
  // The host computes in fp32 whatever the config says.
  const bool host = j.value("kind", std::string("gpu")) == "host";
  const char* precision = host || dtype == DType::f32 ? "f32" : "bf16";
  const nlohmann::json bw = j.value("mem_bw_bytes_per_s", nlohmann::json::object());
  nlohmann::json flops = nlohmann::json::object();
  if (j.contains("peak_flops") && j["peak_flops"].is_object() && j["peak_flops"].contains(precision)) {
    flops = j["peak_flops"][precision];
  }
  const auto bwData = specValue(bw, "datasheet");
  const auto bwMeasured = specValue(bw, "measured");
  const auto flopsData = specValue(flops, "datasheet");
  const auto flopsMeasured = specValue(flops, "measured");
  // Datasheet ceilings first; a spec with only measured numbers (a calibrated host) uses them.
  h.bandwidthBytesPerS = bwData.value_or(bwMeasured.value_or(0.0));
  h.peakFlopsPerS = flopsData.value_or(flopsMeasured.value_or(0.0));
  if (bwData && bwMeasured) h.measuredBandwidthBytesPerS = bwMeasured;
  if (flopsData && flopsMeasured) h.measuredPeakFlopsPerS = flopsMeasured;
  h.mainLabel = bwData && flopsData ? "datasheet" : !bwData && !flopsData ? "measured" : "datasheet + measured";
  std::string bwSource = specSource(bw, bwData ? "datasheet" : "measured");
  std::string flopsSource = specSource(flops, flopsData ? "datasheet" : "measured");
  h.source = bwSource.empty() && flopsSource.empty()
                 ? std::string()
                 : "bandwidth " + bwSource + "; " + precision + " peak " + flopsSource;
  return h;
}

namespace {
PhaseFigures phaseFigures(const store::PhaseStats& p) {
  PhaseFigures f;
  f.medianS = p.median_s;
  f.ciLoS = p.ci_lo_s;
  f.ciHiS = p.ci_hi_s;
  f.p10S = p.p10_s;
  f.p90S = p.p90_s;
  f.unattributedS = p.unattributed_s;
  f.samples = p.samples;
  f.outliers = p.outliers;
  f.verdict = verdictFromText(p.verdict);
  return f;
}

MachineFigures machineFigures(const store::MachineState& m) {
  MachineFigures f;
  f.loadBefore = m.load_before;
  f.loadAfter = m.load_after;
  f.othersCpuS = m.others_cpu_s;
  f.stealFraction = m.steal_fraction;
  f.windowS = m.window_s;
  f.cpusOnline = m.cpus_online;
  f.affinity = m.affinity;
  f.pinning = m.pinning;
  f.governor = m.governor;
  f.threadPolicy = m.thread_policy;
  return f;
}

MeasuredStat measuredStat(const store::KindRow& r) {
  MeasuredStat m;
  m.samples = r.measured.samples;
  m.medianS = r.measured.median;
  m.ciLoS = r.measured.ci.lo;
  m.ciHiS = r.measured.ci.hi;
  m.p10S = r.measured.p10;
  m.p90S = r.measured.p90;
  m.meanS = r.measured_mean_s;
  m.outliers = r.measured.outliers;
  m.verdict = r.measured.verdict;
  return m;
}

using StepKey = std::pair<std::int64_t, std::int64_t>;  // (repeat, step)
}  // namespace

RunDetail detailFromStore(const store::RunInfo& info, const store::RunRows& rows, ConfigCache& configs) {
  RunDetail d;
  d.summary = summaryFromStore(info, configs);
  d.configJson = info.config_json;
  const ModelConfig* config = configs.get(info.config_json);
  d.hardware = ceilingsFromSpecJson(info.hardware, info.hardware_json, config ? config->dtype : DType::bf16);
  d.hardwareJson = info.hardware_json;
  d.prefill = phaseFigures(info.stats.prefill);
  d.decode = phaseFigures(info.stats.decode);
  d.machine = machineFigures(info.machine);
  d.threads = info.threads;
  d.repeats = info.repeats;
  d.decodeSteps = info.decode_steps;
  d.stopReason = info.policy.stop_reason;

  // The measured-vs-predicted table exactly as the CLI prints it (store/summary.hpp).
  for (const store::KindRow& k : store::kind_table(rows)) {
    d.kinds.push_back(
        KindMeasurement{k.phase == "prefill" ? Phase::prefill : Phase::decode, k.kind, measuredStat(k), k.predicted_s});
  }

  // Step latencies, and the decode step nearest the median: the one the timeline shows.
  std::vector<double> decode;
  std::map<StepKey, bool> decodeKeys;  // every (repeat, step) of the decode phase
  std::map<std::int64_t, bool> decodeStepIndex;
  for (const store::StepRow& s : rows.steps) {
    const double latency = static_cast<double>(s.end_ns - s.start_ns) * 1e-9;
    const Phase phase = s.phase == "prefill" ? Phase::prefill : Phase::decode;
    d.steps.push_back(StepSample{s.step_index, phase, latency});
    if (phase == Phase::decode) {
      decode.push_back(latency);
      decodeKeys[{s.repeat_index, s.step_index}] = true;
      decodeStepIndex[s.step_index] = true;
    }
  }
  const store::StepRow* representative = nullptr;
  if (!decode.empty()) {
    const double median = stats::median(decode);
    double best = 0.0;
    for (const store::StepRow& s : rows.steps) {
      if (s.phase != "decode") continue;
      const double gap = std::abs(static_cast<double>(s.end_ns - s.start_ns) * 1e-9 - median);
      if (representative == nullptr || gap < best) {
        representative = &s;
        best = gap;
      }
    }
  }
  // Decode ops: by the steps' phases; a store without step rows falls back on step 0 = prefill.
  auto isDecode = [&](std::int64_t step) {
    return decodeStepIndex.empty() ? step != 0 : decodeStepIndex.count(step) > 0;
  };

  // Per plan op over the decode steps: its measured time in each (repeat, step), 0 where it did
  // not run (as store::kind_table counts kinds), so op means + unattributed = the step's mean.
  struct OpAcc {
    store::OpRow first;
    std::map<StepKey, double> measured;
    double predictedSum = 0.0, flopsSum = 0.0, bytesSum = 0.0;
    int predictions = 0;
    std::map<std::string, double> boundTime;
    bool seen = false;
  };
  std::map<std::int64_t, OpAcc> acc;
  for (const store::OpRow& o : rows.ops) {
    if (!isDecode(o.step_index)) continue;
    OpAcc& a = acc[o.op_index];
    if (!a.seen) {
      a.first = o;
      a.seen = true;
    }
    a.measured[{o.repeat_index, o.step_index}] += static_cast<double>(o.measured_ns()) * 1e-9;
  }
  std::map<std::int64_t, store::PredictionRow> firstPrediction;
  for (const store::PredictionRow& p : rows.predictions) {
    if (!isDecode(p.step_index)) continue;
    OpAcc& a = acc[p.op_index];
    a.predictedSum += p.time_s;
    a.flopsSum += p.flops;
    a.bytesSum += p.bytes;
    a.boundTime[p.bound] += p.time_s;
    ++a.predictions;
    firstPrediction.emplace(p.op_index, p);
  }
  for (auto& [index, a] : acc) {
    OpRecord op;
    op.index = static_cast<std::int32_t>(index);
    const store::PredictionRow* p = firstPrediction.count(index) ? &firstPrediction[index] : nullptr;
    op.name = a.seen ? a.first.name : (p ? p->name : std::string());
    const std::string kind = a.seen ? a.first.kind : (p ? p->kind : std::string());
    op.kind = parseOpKind(kind).value_or(OpKind::argmax);
    if (a.seen) {
      op.layer = static_cast<std::int32_t>(a.first.layer);
      op.loopLo = static_cast<std::int32_t>(a.first.loop_lo);
      op.loopHi = static_cast<std::int32_t>(a.first.loop_hi);
      std::vector<double> samples;
      if (decodeKeys.empty()) {
        for (const auto& [key, t] : a.measured) samples.push_back(t);
      } else {
        samples.reserve(decodeKeys.size());
        for (const auto& [key, unused] : decodeKeys) {
          const auto it = a.measured.find(key);
          samples.push_back(it != a.measured.end() ? it->second : 0.0);
        }
      }
      double sum = 0.0;
      for (double t : samples) sum += t;
      op.measuredMeanS = sum / static_cast<double>(samples.size());
      op.measuredS = stats::median(std::move(samples));
    }
    if (a.predictions > 0) {
      op.predictedS = a.predictedSum / a.predictions;
      op.flops = a.flopsSum / a.predictions;
      op.bytes = a.bytesSum / a.predictions;
      const auto dominant = std::max_element(a.boundTime.begin(), a.boundTime.end(),
                                             [](const auto& x, const auto& y) { return x.second < y.second; });
      op.bound = parseBound(dominant->first);
    }
    d.ops.push_back(std::move(op));
  }

  if (representative != nullptr) {
    const std::int64_t origin = representative->start_ns;
    d.shownStep = ShownStep{representative->repeat_index, representative->step_index,
                            static_cast<double>(representative->end_ns - origin) * 1e-9,
                            static_cast<double>(representative->unattributed_ns) * 1e-9};
    for (const store::OpRow& o : rows.ops) {
      if (o.repeat_index != representative->repeat_index || o.step_index != representative->step_index) continue;
      d.measuredOps.push_back(Span{static_cast<std::int32_t>(o.op_index), o.name,
                                   static_cast<double>(o.start_ns - origin) * 1e-9,
                                   static_cast<double>(o.host_ns()) * 1e-9, 0});
    }
    for (const store::KernelRow& k : rows.kernels) {
      if (k.repeat_index != representative->repeat_index || k.step_index != representative->step_index) continue;
      d.kernels.push_back(Span{k.op_index ? static_cast<std::int32_t>(*k.op_index) : -1,
                               k.short_name.empty() ? k.name : k.short_name,
                               static_cast<double>(k.start - origin) * 1e-9,
                               static_cast<double>(k.end - k.start) * 1e-9, static_cast<std::int32_t>(k.stream_id)});
    }
  }
  return d;
}

}  // namespace looplab::gui
