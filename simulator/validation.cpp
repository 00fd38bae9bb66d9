// Validation against published measurements. Every point is costed once per candidate value of
// the efficiency model's fitted terms (a small grid), with the engine's own fitted numbers left
// out; the engine terms enter a step's time in closed form,
//   t = device + max(0, kernels * host_per_kernel - device) + step_overhead + per_seq * batch,
// so a fit only searches those few numbers per engine against the cached device times.
#include "simulator/validation.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "lab/stats.hpp"
#include "simulator/json_fields.hpp"
#include "simulator/predict.hpp"

namespace looplab {

using nlohmann::json;

std::string_view to_string(FitMode m) {
  switch (m) {
    case FitMode::priors:
      return "priors";
    case FitMode::in_sample:
      return "in-sample";
    case FitMode::leave_one_out:
      return "leave-one-source-out";
  }
  return "?";
}

std::string default_validation_path() { return (data_dir() / "validation" / "published.json").string(); }

namespace {

std::string optional_string(const json& p, const char* key) {
  auto it = p.find(key);
  return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

ValidationSet load_validation_set(const std::string& path) {
  const json j = jsonf::parse_file(path, "validation");
  const std::string where = std::filesystem::path(path).filename().string();
  jsonf::object(j, "validation", where);
  ValidationSet set;
  for (const json& s : jsonf::array(jsonf::require(j, "sources", "sources", where), "sources", where)) {
    jsonf::object(s, "sources[]", where);
    set.sources.push_back({jsonf::string(jsonf::require(s, "id", "sources[].id", where), "sources[].id", where),
                           optional_string(s, "title"), optional_string(s, "url"), optional_string(s, "date")});
  }
  std::set<std::string> ids;
  for (const json& p : jsonf::array(jsonf::require(j, "points", "points", where), "points", where)) {
    jsonf::object(p, "points[]", where);
    ValidationPoint v;
    v.id = jsonf::string(jsonf::require(p, "id", "points[].id", where), "points[].id", where);
    const std::string at = where + ", point " + v.id;
    auto str = [&](const char* key) {
      return jsonf::string(jsonf::require(p, key, std::string("points[].") + key, at), std::string("points[].") + key,
                           at);
    };
    auto positive_int = [&](const char* key) {
      const std::int64_t n = jsonf::integer(jsonf::require(p, key, std::string("points[].") + key, at),
                                            std::string("points[].") + key, at);
      if (n < 1) throw InputError(std::string("points[].") + key, "must be >= 1 (in " + at + ")");
      return n;
    };
    if (!ids.insert(v.id).second) throw InputError("points[].id", "'" + v.id + "' appears twice (in " + where + ")");
    v.source = str("source");
    v.group = str("group");
    const std::string phase = str("phase");
    if (phase == "decode")
      v.phase = Phase::decode;
    else if (phase == "prefill")
      v.phase = Phase::prefill;
    else
      throw InputError("points[].phase", "'" + phase + "' is not one of decode, prefill (in " + at + ")");
    v.seconds = jsonf::number(jsonf::require(p, "seconds", "points[].seconds", at), "points[].seconds", at);
    if (!(v.seconds > 0)) throw InputError("points[].seconds", "must be > 0 (in " + at + ")");
    v.hardware = str("hardware");
    v.engine = str("engine_profile");
    v.model = str("model_preset");
    v.batch = positive_int("batch");
    v.context = positive_int("context");
    v.published = optional_string(p, "published");
    v.conversion = optional_string(p, "conversion");
    v.doubts = optional_string(p, "doubts");
    set.points.push_back(std::move(v));
  }
  if (set.points.empty()) throw InputError("points", "is empty (in " + where + ")");
  return set;
}

ErrorStats error_stats(std::span<const double> errors) {
  ErrorStats s;
  s.n = static_cast<std::int64_t>(errors.size());
  if (errors.empty()) return s;
  std::vector<double> abs;
  double sum = 0;
  for (double e : errors) {
    abs.push_back(std::fabs(e));
    sum += e;
  }
  s.median_abs = stats::quantile(abs, 0.5);
  s.p90_abs = stats::quantile(abs, 0.9);
  s.mean = sum / static_cast<double>(errors.size());
  return s;
}

namespace {

// The efficiency terms a fit chooses among: the kernel ramp and the compute/memory overlap.
constexpr double kRamps[] = {0, 0.5e-6, 1e-6, 2e-6};
constexpr double kOverlaps[] = {0, 0.25, 0.5, 0.75, 1};
constexpr double kTileAlphas[] = {0, 0.25, 0.5, 0.75, 1};
// Per-SM GEMM caps an engine may fit ("gemm_sm_caps"): streaming bytes/s and FLOP/s per SM.
constexpr double kSmBandwidths[] = {0, 5e9, 6e9, 7e9, 8e9, 9e9, 10e9, 11e9, 12e9, 14e9};
constexpr double kSmFlops[] = {0, 0.8e12, 1.0e12, 1.2e12, 1.4e12, 1.7e12, 2.0e12};
constexpr double kCountingHost = 1e-12;  // host time per kernel in the cached run: counts kernels

struct Base {
  double device_s = 0;  // the step's time without the engine's host terms
  double kernels = 0;   // kernels the step launches
};

struct Caps {
  double sm_bandwidth = 0, sm_flops = 0;
};

struct Cache {
  std::vector<EfficiencyParams> grid;
  std::vector<Caps> caps;                            // candidate caps (index 0: none)
  std::vector<std::vector<std::vector<Base>>> base;  // [grid][point][caps], caps only if fitted
  std::map<std::string, EngineProfile> profiles;
  std::vector<double> weight;  // per point: 1 / points of its source group, so each source counts once
};

bool fits(const EngineProfile& e, const char* what) {
  return std::find(e.fitted.begin(), e.fitted.end(), what) != e.fitted.end();
}

Cache build_cache(const ValidationSet& set) {
  Cache c;
  for (double r : kRamps)
    for (double o : kOverlaps)
      for (double a : kTileAlphas) {
        EfficiencyParams e = prior_efficiency();
        e.ramp_s = r;
        e.overlap = o;
        e.tile_alpha = a;
        c.grid.push_back(e);
      }
  for (double b : kSmBandwidths)
    for (double f : kSmFlops) c.caps.push_back({b, f});
  std::map<std::string, ModelConfig> models;
  std::map<std::string, HardwareSpec> hws;
  for (const ValidationPoint& p : set.points) {
    if (!models.count(p.model)) {
      ModelConfig m = load_model(p.model);
      m.dtype = DType::bf16;  // fp16 and bf16 move the same bytes and share the tensor-core peak
      validate(m);
      models.emplace(p.model, m);
    }
    if (!hws.count(p.hardware)) hws.emplace(p.hardware, load_hardware(p.hardware));
    if (!c.profiles.count(p.engine)) c.profiles.emplace(p.engine, load_engine_profile(p.engine, ProfileFit::priors));
  }
  std::map<std::string, double> group_size;
  for (const ValidationPoint& p : set.points) group_size[p.group] += 1;
  for (const ValidationPoint& p : set.points) c.weight.push_back(1.0 / group_size[p.group]);
  c.base.assign(c.grid.size(), std::vector<std::vector<Base>>(set.points.size()));
  for (std::size_t g = 0; g < c.grid.size(); ++g)
    for (std::size_t i = 0; i < set.points.size(); ++i) {
      const ValidationPoint& p = set.points[i];
      EngineProfile e = c.profiles.at(p.engine);
      e.host_per_kernel_s.value = kCountingHost;
      e.step_overhead_s.value = 0;
      e.step_overhead_per_seq_s.value = 0;
      e.request_overhead_s.value = 0;
      const std::size_t n_caps = fits(e, "gemm_sm_caps") ? c.caps.size() : 1;
      for (std::size_t k = 0; k < n_caps; ++k) {
        if (n_caps > 1) {
          e.gemm_sm_bandwidth_bytes_per_s.value = c.caps[k].sm_bandwidth;
          e.gemm_sm_flops.value = c.caps[k].sm_flops;
        }
        const CostOptions opt(LaunchMode::graph, Ceiling::achievable, std::make_shared<const EngineProfile>(e));
        const CostParams params = make_cost_params(models.at(p.model), hws.at(p.hardware), opt, nullptr, c.grid[g]);
        const StepPrediction s =
            predict_step(models.at(p.model), {p.phase, p.batch, p.context}, params, OpDetail::totals_only);
        c.base[g][i].push_back({s.total.time_s - s.total.engine_s, s.total.host_s / kCountingHost});
      }
    }
  return c;
}

double step_time(const Base& b, const EngineFit& f, const ValidationPoint& p) {
  return b.device_s + std::max(0.0, b.kernels * f.host_per_kernel_s - b.device_s) + f.step_overhead_s +
         f.step_overhead_per_seq_s * static_cast<double>(p.batch) +
         (p.phase == Phase::prefill ? f.request_overhead_s : 0.0);
}

EngineFit prior(const EngineProfile& e) {
  return {e.host_per_kernel_s.value,
          e.step_overhead_s.value,
          e.step_overhead_per_seq_s.value,
          e.request_overhead_s.value,
          e.gemm_sm_bandwidth_bytes_per_s.value,
          e.gemm_sm_flops.value,
          false};
}

// The cached run matching a fit's caps: index 0 unless the engine fits them.
std::size_t cap_index(const Cache& c, const EngineProfile& e, const EngineFit& f) {
  if (!fits(e, "gemm_sm_caps")) return 0;
  for (std::size_t k = 0; k < c.caps.size(); ++k)
    if (c.caps[k].sm_bandwidth == f.gemm_sm_bandwidth_bytes_per_s && c.caps[k].sm_flops == f.gemm_sm_flops) return k;
  return 0;
}

std::vector<double> geometric(double lo, double hi, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(lo * std::pow(hi / lo, static_cast<double>(i) / (n - 1)));
  return v;
}

// Least squares on log(predicted / measured) over the engine's training points: a grid over the
// host time per kernel and the per-sequence overhead, a golden-section search over the fixed
// per-step overhead (the loss is unimodal in it).
EngineFit fit_engine(const ValidationSet& set, const Cache& cache, const std::vector<std::vector<Base>>& base,
                     std::span<const std::size_t> idx, const EngineProfile& profile, double& loss_out) {
  const std::vector<double>& weight = cache.weight;
  EngineFit best = prior(profile);
  std::size_t cap = 0;  // candidate caps in use
  auto loss = [&](const EngineFit& f) {
    double l = 0;
    for (std::size_t i : idx) {
      const double r = std::log(step_time(base[i][cap], f, set.points[i]) / set.points[i].seconds);
      l += r * r * weight[i];
    }
    return l;
  };
  if (idx.empty()) {
    loss_out = 0;
    return best;
  }
  // An engine's terms are told apart from one source's quirks (its harness, its conversion) only
  // by two sources: with fewer, the engine keeps its profile's priors.
  std::set<std::string> groups;
  for (std::size_t i : idx) groups.insert(set.points[i].group);
  if (groups.size() < 2) {
    cap = cap_index(cache, profile, best);
    loss_out = loss(best);
    return best;
  }
  // A per-sequence term is told apart from the fixed one only by batches above 1, and from one
  // source's quirks only by two sources: fit it when two source groups have such points.
  std::set<std::string> batched_groups;
  for (std::size_t i : idx)
    if (set.points[i].batch > 1) batched_groups.insert(set.points[i].group);
  std::vector<double> hs{best.host_per_kernel_s}, bs{best.step_overhead_per_seq_s};
  if (fits(profile, "host_per_kernel_s")) hs = geometric(0.5e-6, 60e-6, 16);
  if (fits(profile, "step_overhead_per_seq_s") && batched_groups.size() >= 2) {
    bs = geometric(0.5e-6, 300e-6, 12);
    bs.insert(bs.begin(), 0.0);
  }
  const bool fit_a = fits(profile, "step_overhead_s");
  bool has_prefill = false;
  for (std::size_t i : idx) has_prefill = has_prefill || set.points[i].phase == Phase::prefill;
  const bool fit_r = fits(profile, "request_overhead_s") && has_prefill;
  // Golden-section search of one overhead in [0, hi] (the loss is unimodal in each).
  auto golden = [&](EngineFit f, double EngineFit::*field, double hi) {
    double lo = 0;
    const double phi = (std::sqrt(5.0) - 1) / 2;
    for (int it = 0; it < 48; ++it) {
      const double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
      EngineFit f1 = f, f2 = f;
      f1.*field = x1;
      f2.*field = x2;
      if (loss(f1) < loss(f2))
        hi = x2;
      else
        lo = x1;
    }
    return (lo + hi) / 2;
  };
  const std::size_t n_caps = fits(profile, "gemm_sm_caps") ? cache.caps.size() : 1;
  double best_loss = INFINITY;
  for (cap = 0; cap < n_caps; ++cap)
    for (double h : hs)
      for (double b : bs) {
        EngineFit f{h,
                    best.step_overhead_s,
                    b,
                    best.request_overhead_s,
                    best.gemm_sm_bandwidth_bytes_per_s,
                    best.gemm_sm_flops,
                    true};
        if (n_caps > 1)
          f.gemm_sm_bandwidth_bytes_per_s = cache.caps[cap].sm_bandwidth, f.gemm_sm_flops = cache.caps[cap].sm_flops;
        // The fixed step overhead and (prefill points only) the request overhead, alternately.
        for (int round = 0; round < (fit_r ? 3 : 1); ++round) {
          if (fit_a) f.step_overhead_s = golden(f, &EngineFit::step_overhead_s, 30e-3);
          if (fit_r) f.request_overhead_s = golden(f, &EngineFit::request_overhead_s, 100e-3);
        }
        const double l = loss(f);
        if (l < best_loss - 1e-15) best_loss = l, best = f;
      }
  best.from_data = true;
  loss_out = best_loss;
  return best;
}

// Fits on the points in `train`; returns the fit and the grid index it chose.
ModelFit fit(const ValidationSet& set, const Cache& cache, std::span<const std::size_t> train, std::size_t& grid_out) {
  std::map<std::string, std::vector<std::size_t>> by_engine;
  for (std::size_t i : train) by_engine[set.points[i].engine].push_back(i);
  ModelFit best;
  double best_loss = INFINITY;
  for (std::size_t g = 0; g < cache.grid.size(); ++g) {
    ModelFit f;
    f.efficiency = {cache.grid[g].ramp_s, cache.grid[g].overlap, cache.grid[g].tile_alpha};
    double total = 0;
    for (const auto& [name, profile] : cache.profiles) {
      auto it = by_engine.find(name);
      double l = 0;
      f.engines[name] =
          it == by_engine.end() ? prior(profile) : fit_engine(set, cache, cache.base[g], it->second, profile, l);
      total += l;
    }
    if (total < best_loss - 1e-15) best_loss = total, best = f, grid_out = g;
  }
  return best;
}

std::size_t default_grid(const Cache& cache) {
  const EfficiencyParams d = prior_efficiency();
  for (std::size_t g = 0; g < cache.grid.size(); ++g)
    if (cache.grid[g].ramp_s == d.ramp_s && cache.grid[g].overlap == d.overlap &&
        cache.grid[g].tile_alpha == d.tile_alpha)
      return g;
  return 0;
}

}  // namespace

ValidationReport run_validation(const ValidationSet& set, FitMode mode) {
  const Cache cache = build_cache(set);
  ValidationReport rep;
  rep.mode = mode;
  rep.results.resize(set.points.size());
  auto predict_with = [&](const ModelFit& f, std::size_t g, std::size_t i) {
    const ValidationPoint& p = set.points[i];
    const EngineFit& ef = f.engines.at(p.engine);
    const double t = step_time(cache.base[g][i][cap_index(cache, cache.profiles.at(p.engine), ef)], ef, p);
    rep.results[i] = {i, t, (t - p.seconds) / p.seconds};
  };
  std::vector<std::size_t> all(set.points.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;

  if (mode == FitMode::priors) {
    const EfficiencyParams& d = cache.grid[default_grid(cache)];
    rep.fit_all.efficiency = {d.ramp_s, d.overlap, d.tile_alpha};
    for (const auto& [name, profile] : cache.profiles) rep.fit_all.engines[name] = prior(profile);
    const std::size_t g = default_grid(cache);
    for (std::size_t i : all) predict_with(rep.fit_all, g, i);
    return rep;
  }
  std::size_t g_all = 0;
  rep.fit_all = fit(set, cache, all, g_all);
  if (mode == FitMode::in_sample) {
    for (std::size_t i : all) predict_with(rep.fit_all, g_all, i);
    return rep;
  }
  std::set<std::string> groups;
  for (const ValidationPoint& p : set.points) groups.insert(p.group);
  for (const std::string& held : groups) {
    std::vector<std::size_t> train, test;
    for (std::size_t i : all) (set.points[i].group == held ? test : train).push_back(i);
    std::size_t g = 0;
    const ModelFit f = fit(set, cache, train, g);
    for (std::size_t i : test) predict_with(f, g, i);
  }
  return rep;
}

}  // namespace looplab
