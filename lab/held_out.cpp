// leave_configuration_out(): one fit per configuration left out, pooled step errors by phase.
#include "lab/held_out.hpp"

#include <cmath>
#include <map>

#include "engine/core/error.hpp"
#include "lab/calibration_store.hpp"
#include "lab/stats.hpp"
#include "simulator/calibrate.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/predict.hpp"

namespace looplab::lab {

namespace {

using Kinds = std::array<KindFactors, kOpKindCount>;

StepErrors errors_of(std::vector<double> e) {
  StepErrors s;
  s.steps = static_cast<std::int64_t>(e.size());
  s.median = stats::quantile(e, 0.5);
  s.p90 = stats::quantile(std::move(e), 0.9);
  return s;
}

// Per record (step) of `steps`: |predicted - measured| / measured, with the factors given.
void step_errors(std::span<const OpSample> samples, const Kinds& kinds, const FitBasis& basis,
                 std::map<std::int64_t, std::pair<double, double>>& sums) {
  for (const OpSample& s : samples) {
    auto& pm = sums[s.step];
    pm.first += sample_time_s(s, kinds[static_cast<std::size_t>(s.kind)], basis);
    pm.second += s.measured_s;
  }
}

std::string label_of(const StepRecord& r) {
  return r.config.name + " " + std::string(to_string(r.config.variant)) +
         " L=" + std::to_string(r.config.effective_loops()) + " batch " + std::to_string(r.shape.batch) +
         (r.shape.phase == Phase::prefill ? " prompt " + std::to_string(r.shape.context_len) : std::string());
}

}  // namespace

std::vector<std::int64_t> configuration_of_records(const RecordSet& records) {
  std::vector<std::int64_t> out;
  std::int64_t id = -1;
  std::string last_config;
  std::int64_t last_batch = -1;
  for (const StepRecord& r : records.steps) {
    const std::string config = config_to_json(r.config).dump();
    if (id < 0 || r.shape.phase == Phase::prefill || config != last_config || r.shape.batch != last_batch) ++id;
    last_config = config;
    last_batch = r.shape.batch;
    out.push_back(id);
  }
  return out;
}

HeldOutReport leave_configuration_out(const RecordSet& records, const HardwareSpec& hw, Ceiling ceiling) {
  const std::vector<std::int64_t> config_of = configuration_of_records(records);
  const std::int64_t n = config_of.empty() ? 0 : config_of.back() + 1;
  if (n < 2) throw InputError("records", "leave-configuration-out needs records of at least two configurations");
  const std::vector<OpSample> all = samples_from_records(records, hw, ceiling);
  const FitBasis basis = fit_basis(hw, ceiling, records.launch);

  HeldOutReport rep;
  rep.configurations = n;
  std::map<std::int64_t, std::pair<double, double>> held, bare, in_sample;
  for (std::int64_t g = 0; g < n; ++g) {
    std::vector<OpSample> fit, check;
    for (const OpSample& s : all) (config_of[static_cast<std::size_t>(s.step)] == g ? check : fit).push_back(s);
    const Calibration cal =
        fit_calibration(fit, basis, {hw.name, records.engine_commit, "", "held out"}, ceiling, records.launch);
    step_errors(check, cal.kinds, basis, held);
    step_errors(check, Kinds{}, basis, bare);
  }
  const Calibration everything =
      fit_calibration(all, basis, {hw.name, records.engine_commit, "", "in sample"}, ceiling, records.launch);
  step_errors(all, everything.kinds, basis, in_sample);

  // Pool by phase, and per configuration.
  std::vector<double> dec, pre, dec0, pre0, dec_in;
  std::map<std::int64_t, std::pair<std::vector<double>, std::vector<double>>> per;  // config -> (decode, prefill)
  auto err = [](const std::pair<double, double>& pm) { return std::abs(pm.first - pm.second) / pm.second; };
  for (const auto& [step, pm] : held) {
    const StepRecord& r = records.steps[static_cast<std::size_t>(step)];
    const bool decode = r.shape.phase == Phase::decode;
    (decode ? dec : pre).push_back(err(pm));
    (decode ? dec0 : pre0).push_back(err(bare.at(step)));
    if (decode) dec_in.push_back(err(in_sample.at(step)));
    auto& p = per[config_of[static_cast<std::size_t>(step)]];
    (decode ? p.first : p.second).push_back(err(pm));
  }
  rep.decode = errors_of(dec);
  rep.prefill = errors_of(pre);
  rep.decode_uncalibrated = errors_of(dec0);
  rep.prefill_uncalibrated = errors_of(pre0);
  rep.decode_in_sample = errors_of(dec_in);
  for (auto& [g, e] : per) {
    std::size_t first = 0;
    while (config_of[first] != g) ++first;
    rep.per_configuration.push_back({label_of(records.steps[first]), errors_of(e.first), errors_of(e.second)});
  }
  return rep;
}

std::vector<RunHeldOut> predict_each_from_the_others(store::Store& store, const std::vector<store::RunId>& runs) {
  std::vector<RunHeldOut> out(runs.size());
  if (runs.size() < 2) return out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::vector<store::RunId> others;
    for (std::size_t j = 0; j < runs.size(); ++j)
      if (j != i) others.push_back(runs[j]);
    HardwareSpec hw;
    const RecordSet fit = records_from_runs(store, others, hw, "the store");
    const FitBasis basis = fit_basis(hw, Ceiling::measured, fit.launch);
    const Calibration cal =
        fit_calibration(samples_from_records(fit, hw, Ceiling::measured), basis,
                        {hw.name, fit.engine_commit, "", "the other runs"}, Ceiling::measured, fit.launch);
    HardwareSpec own_hw;
    const RecordSet own = records_from_runs(store, {runs[i]}, own_hw, "the store");
    double decode = 0, prefill = 0;
    int decode_steps = 0;
    bool any_prefill = false;
    for (const StepRecord& r : own.steps) {
      const CostParams params = make_cost_params(r.config, hw, {fit.launch, Ceiling::measured}, &cal);
      const double t = predict_step(r.config, r.shape, params, OpDetail::totals_only).total.time_s;
      if (r.shape.phase == Phase::prefill) {
        prefill += t;
        any_prefill = true;
      } else {
        decode += t;
        ++decode_steps;
      }
    }
    if (any_prefill) out[i].prefill_s = prefill;
    if (decode_steps > 0) out[i].decode_s = decode / decode_steps;
  }
  return out;
}

}  // namespace looplab::lab
