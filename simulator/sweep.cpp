// The sweep runner. One DecodeStepCoster per (config, hardware) shape class; contexts vary
// innermost, so the ops outside the stack are re-planned once per batch.
#include "simulator/sweep.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "engine/core/checked.hpp"
#include "engine/core/error.hpp"
#include "simulator/pareto.hpp"
#include "simulator/step_coster.hpp"

namespace looplab {

namespace {

std::int64_t product(std::initializer_list<std::size_t> sizes, const char* what) {
  std::int64_t acc = 1;
  for (std::size_t s : sizes) {
    auto r = checked_mul(acc, static_cast<std::int64_t>(s));
    if (!r) throw InputError(what, "the grid size overflows 64 bits");
    acc = *r;
  }
  return acc;
}

// The model with every combination of the spec's shape axes applied, named after them
// ("llama-3.2-1b[layers=24,hidden=2048]") so each shape is its own model in the output.
// The ModelConfig field a shape axis sets (one of shape_axis_fields(), checked by the spec parser).
std::int64_t& shape_field(ModelConfig& m, const std::string& field) {
  if (field == "layers") return m.layers;
  if (field == "hidden") return m.hidden;
  if (field == "heads") return m.heads;
  if (field == "kv_heads") return m.kv_heads;
  if (field == "head_dim") return m.head_dim;
  if (field == "ffn") return m.ffn;
  return m.vocab;
}

std::vector<ModelConfig> shaped(const ModelConfig& base, const std::vector<ShapeAxis>& axes) {
  std::vector<std::pair<ModelConfig, std::string>> out{{base, ""}};  // each with its tag so far
  for (const ShapeAxis& a : axes) {
    std::vector<std::pair<ModelConfig, std::string>> next;
    for (const auto& [c, tag] : out)
      for (std::int64_t v : a.values) {
        ModelConfig m = c;
        shape_field(m, a.field) = v;
        next.emplace_back(std::move(m), tag + (tag.empty() ? "" : ",") + a.field + "=" + std::to_string(v));
      }
    out = std::move(next);
  }
  std::vector<ModelConfig> configs;
  for (auto& [m, tag] : out) {
    if (!tag.empty()) m.name += "[" + tag + "]";
    configs.push_back(std::move(m));
  }
  return configs;
}

std::size_t shape_count(const std::vector<ShapeAxis>& axes) {
  std::size_t n = 1;
  for (const ShapeAxis& a : axes) n *= a.values.size();
  return n;
}

bool meets(const SweepRow& r, const SweepConstraints& c) {
  if (c.fits_memory && r.verdict != MemoryVerdict::fits) return false;
  if (c.max_decode_step_s && r.decode_step_s > *c.max_decode_step_s) return false;
  if (c.min_decode_tokens_per_s && r.decode_tokens_per_s < *c.min_decode_tokens_per_s) return false;
  if (c.max_prefill_s && r.prefill_s > *c.max_prefill_s) return false;
  // a sweep that generates nothing has no generation to judge: such a constraint cannot be met
  if (c.max_generate_s && (r.generate == 0 || r.generate_s > *c.max_generate_s)) return false;
  if (c.min_generate_tokens_per_s && (r.generate == 0 || r.generate_tokens_per_s < *c.min_generate_tokens_per_s))
    return false;
  if (c.max_kv_bytes && static_cast<double>(r.kv_bytes) > *c.max_kv_bytes) return false;
  if (c.max_memory_bytes && static_cast<double>(r.memory_total_bytes) > *c.max_memory_bytes) return false;
  return true;
}

}  // namespace

double objective_value(const SweepRow& r, const std::string& metric) {
  if (metric == "decode_step_s") return r.decode_step_s;
  if (metric == "decode_tokens_per_s") return r.decode_tokens_per_s;
  if (metric == "generate_s") return r.generate_s;
  if (metric == "generate_tokens_per_s") return r.generate_tokens_per_s;
  if (metric == "prefill_s") return r.prefill_s;
  if (metric == "kv_bytes") return static_cast<double>(r.kv_bytes);
  if (metric == "memory_total_bytes") return static_cast<double>(r.memory_total_bytes);
  if (metric == "decode_flops_per_token") return r.decode_flops_per_token;
  throw InputError("objective", "'" + metric + "' is not an objective column");
}

ResolvedSweep resolve_sweep(const SweepSpec& spec) {
  ResolvedSweep r;
  r.spec = spec;
  for (std::size_t i = 0; i < spec.hardware.size(); ++i) {
    try {
      r.hardware.push_back(load_hardware(spec.hardware[i]));
    } catch (const InputError& e) {
      throw InputError("hardware[" + std::to_string(i) + "]", std::string(e.what()).substr(e.field().size() + 2));
    }
  }
  for (std::size_t mi = 0; mi < spec.models.size(); ++mi) {
    ModelConfig base;
    try {
      base = load_model(spec.models[mi]);
    } catch (const InputError& e) {
      throw InputError("models[" + std::to_string(mi) + "]", std::string(e.what()).substr(e.field().size() + 2));
    }
    const std::vector<std::int64_t> loops = spec.loops.empty() ? std::vector<std::int64_t>{base.loops} : spec.loops;
    const std::vector<std::int64_t> windows =
        spec.windows.empty() ? std::vector<std::int64_t>{base.window} : spec.windows;
    for (const ModelConfig& shape : shaped(base, spec.shapes))
      for (DType dt : spec.dtypes.empty() ? std::vector<DType>{base.dtype} : spec.dtypes)
        for (Variant v : spec.variants)
          for (std::int64_t L : loops)
            for (std::int64_t w : windows) {
              ModelConfig c = shape;
              c.dtype = dt;
              c.variant = v;
              c.loops = v == Variant::vanilla ? 1 : L;
              c.window = v == Variant::plt ? w : base.window;
              try {
                validate(c);
              } catch (const InputError& e) {
                throw InputError(e.field(), std::string(e.what()).substr(e.field().size() + 2) + " (model " + c.name +
                                                ", variant " + std::string(to_string(v)) + ")");
              }
              if (std::find(r.configs.begin(), r.configs.end(), c) == r.configs.end()) r.configs.push_back(c);
            }
  }
  if (spec.calibration) r.calibration = load_calibration(*spec.calibration);
  r.grid_points = product(
      {spec.models.size(), shape_count(spec.shapes), std::max<std::size_t>(spec.dtypes.size(), 1), spec.variants.size(),
       std::max<std::size_t>(spec.loops.size(), 1), std::max<std::size_t>(spec.windows.size(), 1), spec.hardware.size(),
       spec.batches.size(), spec.contexts.size()},
      "spec");
  r.points = product({r.configs.size(), r.hardware.size(), spec.batches.size(), spec.contexts.size()}, "spec");
  return r;
}

void check_point_limit(std::int64_t points, std::optional<std::int64_t> max_points) {
  if (max_points) {
    if (points > *max_points)
      throw InputError("max-points", "the grid has " + std::to_string(points) + " points, above --max-points " +
                                         std::to_string(*max_points));
    return;
  }
  if (points > kSweepPointLimit)
    throw InputError("max-points", "the grid has " + std::to_string(points) + " points, above the limit of " +
                                       std::to_string(kSweepPointLimit) + "; pass --max-points " +
                                       std::to_string(points) + " to run it");
}

std::int64_t mark_pareto(std::vector<SweepRow>& rows) {
  std::map<std::tuple<std::string, std::int64_t, std::int64_t>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].pareto = false;
    if (rows[i].feasible) groups[{rows[i].hardware, rows[i].batch, rows[i].context}].push_back(i);
  }
  std::int64_t on = 0;
  std::vector<Objectives> pts;
  for (const auto& [key, idx] : groups) {
    pts.clear();
    for (std::size_t i : idx)
      pts.push_back({rows[i].decode_step_s, static_cast<double>(rows[i].kv_bytes), -rows[i].decode_flops_per_token});
    const std::vector<bool> front = pareto_front(pts);
    for (std::size_t j = 0; j < idx.size(); ++j)
      if (front[j]) {
        rows[idx[j]].pareto = true;
        ++on;
      }
  }
  return on;
}

SweepResult run_sweep(const ResolvedSweep& s, const SweepProgress& progress) {
  SweepResult out;
  out.rows.reserve(static_cast<std::size_t>(s.points));
  std::int64_t done = 0;
  for (const HardwareSpec& hw : s.hardware) {
    const Calibration* cal = s.calibration && s.calibration->provenance.hardware == hw.name ? &*s.calibration : nullptr;
    const Ceiling ceiling = cal ? cal->ceiling : s.spec.cost.ceiling;
    for (const ModelConfig& c : s.configs) {
      const CostParams params = make_cost_params(c, hw, s.spec.cost, cal);
      DecodeStepCoster coster(c, params);
      const std::int64_t bpe = hw.bytes_per_element(c.dtype);
      const std::int64_t weight_bytes = c.parameter_count() * bpe;
      for (std::int64_t B : s.spec.batches)
        for (std::int64_t ctx : s.spec.contexts) {
          SweepRow row;
          row.hardware = hw.name;
          row.model = c.name;
          row.variant = c.variant;
          row.loops = c.effective_loops();
          row.window = c.variant == Variant::plt ? c.window : 0;
          row.batch = B;
          row.context = ctx;
          row.prompt = s.spec.prompt > 0 ? s.spec.prompt : ctx;
          row.generate = s.spec.generate;
          row.dtype = c.dtype;
          row.calibrated = cal != nullptr;

          const CostTotals& d = coster.cost(B, ctx);
          row.decode_step_s = d.time_s;
          row.decode_tokens_per_s = static_cast<double>(B) / d.time_s;
          row.decode_flops_per_token = d.flops / static_cast<double>(B);
          row.decode_bytes = d.bytes();
          row.decode_weight_bytes = d.weight_bytes;
          row.decode_kv_read_bytes = d.kv_read_bytes;
          row.decode_bound = d.dominant_bound();
          const std::int64_t decode_peak = coster.activation_peak_bytes();

          const StepPrediction pre = predict_step(c, {Phase::prefill, B, row.prompt}, params, OpDetail::totals_only);
          row.prefill_s = pre.total.time_s;
          std::int64_t capacity = std::max(ctx, row.prompt);
          if (row.generate > 0) {
            row.generate_s =
                row.prefill_s + coster.time_of_contexts_s(B, row.prompt + 1, row.prompt + row.generate - 1);
            row.generate_tokens_per_s = static_cast<double>(B * row.generate) / row.generate_s;
            capacity = std::max(capacity, row.prompt + row.generate - 1);
          }
          const MemoryPrediction m =
              predict_memory(c, hw, ceiling, B, capacity, std::max(decode_peak, pre.activation_peak_bytes));
          row.kv_bytes = m.kv_bytes;
          row.weight_bytes = weight_bytes;
          row.activation_peak_bytes = m.activation_peak_bytes;
          row.memory_total_bytes = m.total_bytes;
          row.device_bytes = m.device_bytes;
          row.verdict = m.verdict;
          if (m.verdict == MemoryVerdict::out_of_memory) ++out.oom_rows;
          row.feasible = meets(row, s.spec.constraints);
          if (!row.feasible) ++out.infeasible_rows;
          out.rows.push_back(std::move(row));
          ++done;
          if (progress && (done % 256 == 0 || done == s.points)) progress(done, s.points);
        }
    }
  }
  out.pareto_rows = mark_pareto(out.rows);
  if (const SweepObjective& o = s.spec.objective; !o.metric.empty()) {
    for (std::size_t i = 0; i < out.rows.size(); ++i) {
      if (!out.rows[i].feasible) continue;
      const double v = objective_value(out.rows[i], o.metric);
      if (!out.best) {
        out.best = i;
        continue;
      }
      const double b = objective_value(out.rows[*out.best], o.metric);
      if (o.maximize ? v > b : v < b) out.best = i;  // the first of equals: the spec's order decides
    }
    if (out.best) out.rows[*out.best].best = true;
  }
  return out;
}

}  // namespace looplab
