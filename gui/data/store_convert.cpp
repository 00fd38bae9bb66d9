// Store records -> GUI snapshots (see store_convert.hpp).
#include "gui/data/store_convert.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/core/kv.hpp"
#include "gui/geometry/histogram.hpp"

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
  s.complete = info.complete;
  s.measuredStepS = info.stats.decode_median_s;
  s.predictedStepS = info.stats.predicted_decode_s;
  if (const ModelConfig* c = configs.get(info.config_json)) {
    s.window = c->window;
    const std::int64_t elementBytes = runElementBytes(info.backend, *c);
    // The KV cache the run held by its last decode step: prompt plus generated tokens.
    s.kvTokens = info.prompt_len + info.decode_steps;
    try {
      s.kvBytes =
          kv_bytes_formula(*c, info.batch, std::max<std::int64_t>(1, s.kvTokens), elementBytes);
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
  return v.contains("source") && v["source"].is_string() ? v["source"].get<std::string>()
                                                         : std::string();
}
}  // namespace

HardwareCeilings ceilingsFromSpecJson(const std::string& name, const std::string& specJson,
                                      DType dtype) {
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
  if (j.contains("peak_flops") && j["peak_flops"].is_object() &&
      j["peak_flops"].contains(precision)) {
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
  h.mainLabel = bwData && flopsData     ? "datasheet"
                : !bwData && !flopsData ? "measured"
                                        : "datasheet + measured";
  std::string bwSource = specSource(bw, bwData ? "datasheet" : "measured");
  std::string flopsSource = specSource(flops, flopsData ? "datasheet" : "measured");
  h.source = bwSource.empty() && flopsSource.empty()
                 ? std::string()
                 : "bandwidth " + bwSource + "; " + precision + " peak " + flopsSource;
  return h;
}

RunDetail detailFromStore(const store::RunInfo& info, const StoredRows& rows,
                          ConfigCache& configs) {
  RunDetail d;
  d.summary = summaryFromStore(info, configs);
  d.configJson = info.config_json;
  const ModelConfig* config = configs.get(info.config_json);
  d.hardware =
      ceilingsFromSpecJson(info.hardware, info.hardware_json, config ? config->dtype : DType::bf16);
  d.hardwareJson = info.hardware_json;

  // Step latencies, and the decode step nearest the median: the one the timeline shows.
  std::vector<double> decode;
  for (const store::StepRow& s : rows.steps) {
    const double latency = static_cast<double>(s.end_ns - s.start_ns) * 1e-9;
    const Phase phase = s.phase == "prefill" ? Phase::prefill : Phase::decode;
    d.steps.push_back(StepSample{s.step_index, phase, latency});
    if (phase == Phase::decode) decode.push_back(latency);
  }
  const store::StepRow* representative = nullptr;
  if (!decode.empty()) {
    const double median = percentile(decode, 0.5);
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

  // Per plan op over the decode steps: measured median (over repeats and steps), predicted mean.
  struct OpAcc {
    store::OpRow first;
    std::vector<double> measured;
    double predictedSum = 0.0, flopsSum = 0.0, bytesSum = 0.0;
    int predictions = 0;
    std::map<std::string, double> boundTime;
    bool seen = false;
  };
  std::map<std::int64_t, OpAcc> acc;
  for (const store::OpRow& o : rows.ops) {
    if (o.step_index == 0) continue;  // the prefill
    OpAcc& a = acc[o.op_index];
    if (!a.seen) {
      a.first = o;
      a.seen = true;
    }
    a.measured.push_back(static_cast<double>(o.measured_ns()) * 1e-9);
  }
  std::map<std::int64_t, store::PredictionRow> firstPrediction;
  for (const store::PredictionRow& p : rows.predictions) {
    if (p.step_index == 0) continue;
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
    const store::PredictionRow* p =
        firstPrediction.count(index) ? &firstPrediction[index] : nullptr;
    op.name = a.seen ? a.first.name : (p ? p->name : std::string());
    const std::string kind = a.seen ? a.first.kind : (p ? p->kind : std::string());
    op.kind = parseOpKind(kind).value_or(OpKind::argmax);
    if (a.seen) {
      op.layer = static_cast<std::int32_t>(a.first.layer);
      op.loopLo = static_cast<std::int32_t>(a.first.loop_lo);
      op.loopHi = static_cast<std::int32_t>(a.first.loop_hi);
      op.measuredS = percentile(a.measured, 0.5);
    }
    if (a.predictions > 0) {
      op.predictedS = a.predictedSum / a.predictions;
      op.flops = a.flopsSum / a.predictions;
      op.bytes = a.bytesSum / a.predictions;
      const auto dominant =
          std::max_element(a.boundTime.begin(), a.boundTime.end(),
                           [](const auto& x, const auto& y) { return x.second < y.second; });
      op.bound = parseBound(dominant->first);
    }
    d.ops.push_back(std::move(op));
  }

  if (representative != nullptr) {
    const std::int64_t origin = representative->start_ns;
    for (const store::OpRow& o : rows.ops) {
      if (o.repeat_index != representative->repeat_index ||
          o.step_index != representative->step_index)
        continue;
      d.measuredOps.push_back(Span{static_cast<std::int32_t>(o.op_index), o.name,
                                   static_cast<double>(o.start_ns - origin) * 1e-9,
                                   static_cast<double>(o.host_ns()) * 1e-9, 0});
    }
    for (const store::KernelRow& k : rows.kernels) {
      if (k.repeat_index != representative->repeat_index ||
          k.step_index != representative->step_index)
        continue;
      d.kernels.push_back(Span{k.op_index ? static_cast<std::int32_t>(*k.op_index) : -1,
                               k.short_name.empty() ? k.name : k.short_name,
                               static_cast<double>(k.start - origin) * 1e-9,
                               static_cast<double>(k.end - k.start) * 1e-9,
                               static_cast<std::int32_t>(k.stream_id)});
    }
  }
  return d;
}

}  // namespace looplab::gui
