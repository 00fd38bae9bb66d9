// The calibration fit. Each kind is fitted alone; a variable is fitted only when records
// determine it (a kind never compute-bound keeps compute efficiency 1 and says so).
#include "simulator/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/core/error.hpp"
#include "lab/stats.hpp"

namespace looplab {

void append_step_samples(const StepPlan& plan, const CostParams& params, std::span<const double> measured_s,
                         std::int64_t step, std::vector<OpSample>& out) {
  if (measured_s.size() != plan.ops.size())
    throw InputError("op_time_s", "has " + std::to_string(measured_s.size()) + " entries, the plan has " +
                                      std::to_string(plan.ops.size()) + " ops");
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    if (!(measured_s[i] > 0) || !std::isfinite(measured_s[i]))
      throw InputError("op_time_s", "entry " + std::to_string(i) + " must be a positive time in seconds");
    const OpCost c = cost_op(plan.ops[i], params);
    out.push_back({plan.ops[i].kind, c.flops, c.bytes(), c.compute_s, c.memory_s, measured_s[i], step});
  }
}

FitBasis fit_basis(const HardwareSpec& hw, Ceiling ceiling, LaunchMode launch) {
  return {hw.launch_overhead(launch).value(ceiling)};
}

double sample_time_s(const OpSample& s, const KindFactors& f, const FitBasis& b) {
  const double compute = s.roof_compute_s / f.compute_efficiency;
  const double memory = s.roof_memory_s / f.memory_efficiency;
  return std::max(compute, memory) + (f.overhead_fitted ? f.overhead_s : b.launch_s);
}

namespace {

using stats::quantile;

// Variables of one kind's model: x_m = 1/memory efficiency, x_c = 1/compute efficiency, o.
enum Var : std::uint8_t { kXm = 0, kXc = 1, kO = 2 };

// Weighted least squares over the free variables (others fixed at x). Fails when the system is
// singular, or when a free efficiency is not determined by the records: its relative standard
// error above 10% (e.g. a memory term far below the noise of a launch-bound op).
bool solve_subset(const std::vector<std::array<double, 3>>& cols, const std::vector<double>& t,
                  const std::array<bool, 3>& free, std::array<double, 3>& x) {
  std::array<int, 3> idx{};
  int n = 0;
  for (int v = 0; v < 3; ++v)
    if (free[v]) idx[n++] = v;
  if (n == 0) return false;
  // Normal equations [A | I] reduced to [I | A^-1] (Gauss-Jordan), rhs alongside.
  double A[3][6] = {}, rhs[3] = {};
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double w = 1.0 / t[i];  // relative error: divide each equation by the measured time
    double r = t[i];
    for (int v = 0; v < 3; ++v)
      if (!free[v]) r -= cols[i][v] * x[v];
    for (int a = 0; a < n; ++a) {
      const double ca = cols[i][idx[a]] * w;
      rhs[a] += ca * r * w;
      for (int b = 0; b < n; ++b) A[a][b] += ca * cols[i][idx[b]] * w;
    }
  }
  for (int a = 0; a < n; ++a) A[a][n + a] = 1.0;
  double scale = 0;
  for (int a = 0; a < n; ++a) scale = std::max(scale, std::abs(A[a][a]));
  if (scale == 0) return false;
  for (int col = 0; col < n; ++col) {
    int piv = col;
    for (int r = col + 1; r < n; ++r)
      if (std::abs(A[r][col]) > std::abs(A[piv][col])) piv = r;
    if (std::abs(A[piv][col]) < 1e-12 * scale) return false;
    std::swap(A[piv], A[col]);
    std::swap(rhs[piv], rhs[col]);
    const double p = A[col][col];
    for (int c = 0; c < 2 * n; ++c) A[col][c] /= p;
    rhs[col] /= p;
    for (int r = 0; r < n; ++r) {
      if (r == col) continue;
      const double f = A[r][col];
      for (int c = 0; c < 2 * n; ++c) A[r][c] -= f * A[col][c];
      rhs[r] -= f * rhs[col];
    }
  }
  std::array<double, 3> y = x;
  for (int a = 0; a < n; ++a) y[idx[a]] = rhs[a];
  // Residual variance of the relative errors, then each efficiency's standard error.
  const auto dof = static_cast<double>(t.size()) - n;
  if (dof > 0) {
    double ss = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      double pred = 0;
      for (int v = 0; v < 3; ++v) pred += cols[i][v] * y[v];
      ss += (pred - t[i]) * (pred - t[i]) / (t[i] * t[i]);
    }
    const double s2 = ss / dof;
    for (int a = 0; a < n; ++a) {
      if (idx[a] == kO) continue;
      const double se = std::sqrt(std::max(0.0, s2 * A[a][n + a]));
      if (!(se <= 0.1 * std::abs(y[idx[a]]))) return false;
    }
  }
  x = y;
  return true;
}

// One alternating fit from a starting point x: its first assignment of records to bounds is the
// one x implies (x_m = 0: all compute-bound, x_c = 0: all memory-bound).
KindFactors fit_kind_from(const std::vector<OpSample>& s, std::array<double, 3> x) {
  KindFactors f;
  std::vector<char> mem(s.size(), 2);  // 2: unassigned
  std::vector<std::array<double, 3>> cols(s.size());
  std::vector<double> t(s.size());
  std::array<bool, 3> used{};
  for (int iter = 0; iter < 100; ++iter) {
    bool changed = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double m = s[i].roof_memory_s, c = s[i].roof_compute_s;
      const char is_mem = m * x[kXm] >= c * x[kXc] ? 1 : 0;
      changed |= is_mem != mem[i];
      mem[i] = is_mem;
      cols[i] = {is_mem ? m : 0.0, is_mem ? 0.0 : c, 1.0};
      t[i] = s[i].measured_s;
    }
    if (!changed) break;
    std::array<bool, 3> has{};
    for (const auto& col : cols)
      for (int v = 0; v < 3; ++v) has[v] = has[v] || col[v] != 0;
    // Candidate sets of free variables, most complete first; the first that solves with
    // positive efficiencies and a non-negative overhead wins. Without it, the overhead is 0.
    const std::array<std::array<bool, 3>, 7> candidates = {{{true, true, true},
                                                            {true, false, true},
                                                            {false, true, true},
                                                            {true, true, false},
                                                            {false, false, true},
                                                            {true, false, false},
                                                            {false, true, false}}};
    bool solved = false;
    for (auto cand : candidates) {
      for (int v = 0; v < 3; ++v) cand[v] = cand[v] && has[v];
      if (!cand[0] && !cand[1] && !cand[2]) continue;
      std::array<double, 3> y = x;
      if (!cand[kO] && (cand[kXm] || cand[kXc])) y[kO] = 0;  // overhead pinned at its bound
      if (!solve_subset(cols, t, cand, y)) continue;
      if ((cand[kXm] && !(y[kXm] > 0)) || (cand[kXc] && !(y[kXc] > 0)) || (cand[kO] && y[kO] < 0)) continue;
      x = y;
      used = cand;
      solved = true;
      break;
    }
    if (!solved) break;
  }
  f.memory_fitted = used[kXm];
  f.compute_fitted = used[kXc];
  f.overhead_fitted = used[kXm] || used[kXc] || used[kO];
  if (f.memory_fitted) f.memory_efficiency = 1.0 / x[kXm];
  if (f.compute_fitted) f.compute_efficiency = 1.0 / x[kXc];
  if (f.overhead_fitted) f.overhead_s = x[kO];
  // A start that put every record on one bound leaves the other factor at 0: that efficiency
  // gets the least value that keeps every record on the bound the fit gave it (the default 1
  // could bind where the fit assumed it does not). E.g. CPU decode GEMMs whose weights sit in
  // the cache follow their FLOPs, and DRAM bandwidth never limits them.
  // least(a, b, xb): the smallest efficiency on roof time a with a / eff <= b * xb for every record.
  auto least = [&s](double OpSample::*a, double OpSample::*b, double xb) {
    double v = 0;
    for (const OpSample& o : s)
      if (o.*b > 0) v = std::max(v, o.*a / (o.*b * xb));
    return v;
  };
  if (x[kXm] == 0 && used[kXc]) {
    if (const double v = least(&OpSample::roof_memory_s, &OpSample::roof_compute_s, x[kXc]); v > 0) {
      f.memory_efficiency = v;
      f.memory_fitted = true;
    }
  }
  if (x[kXc] == 0 && used[kXm]) {
    if (const double v = least(&OpSample::roof_compute_s, &OpSample::roof_memory_s, x[kXm]); v > 0) {
      f.compute_efficiency = v;
      f.compute_fitted = true;
    }
  }
  return f;
}

// The alternating fit finds a local optimum that depends on the first assignment: from the
// ceilings' ratio, a kind whose time follows its FLOPs (CPU attention: a dot product per query
// and key) can be taken as memory-bound with a low efficiency, and then mispredicts the variants
// that read fewer bytes for the same FLOPs. So it starts three times (the ceilings' assignment,
// all compute-bound, all memory-bound) and keeps the fit with the least relative squared error.
// Another start must beat the ceilings' by more than 10% of it: where FLOPs and bytes grow
// together (norms, elementwise ops) every start explains the records equally well, and the
// ceilings' assignment is the physically expected one.
KindFactors fit_kind_ls(const std::vector<OpSample>& s, const FitBasis& b) {
  const std::array<std::array<double, 3>, 3> starts = {
      {{1.0, 1.0, b.launch_s}, {0.0, 1.0, b.launch_s}, {1.0, 0.0, b.launch_s}}};
  KindFactors best;
  double best_sse = 0;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const KindFactors f = fit_kind_from(s, starts[i]);
    double sse = 0;
    for (const OpSample& o : s) {
      const double r = (sample_time_s(o, f, b) - o.measured_s) / o.measured_s;
      sse += r * r;
    }
    if (i == 0 || sse < best_sse * 0.9) {
      best = f;
      best_sse = sse;
    }
  }
  return best;
}

// Timing noise is one-sided and heavy-tailed (preemption, interrupts, a descheduled thread at a
// barrier add milliseconds to a microsecond op), so the fit is repeated on the inliers: records
// whose relative residual lies within 3 robust standard deviations (1.4826 x MAD) of the median,
// never tighter than 0.1%.
KindFactors fit_kind(const std::vector<OpSample>& all, const FitBasis& b) {
  std::vector<char> inlier(all.size(), 1);
  std::vector<OpSample> used;
  std::vector<double> r(all.size());
  KindFactors f;
  for (int round = 0; round < 8; ++round) {
    used.clear();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (inlier[i]) used.push_back(all[i]);
    f = fit_kind_ls(used, b);
    for (std::size_t i = 0; i < all.size(); ++i)
      r[i] = (sample_time_s(all[i], f, b) - all[i].measured_s) / all[i].measured_s;
    const double med = quantile(r, 0.5);
    std::vector<double> dev(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) dev[i] = std::abs(r[i] - med);
    const double limit = std::max(3 * 1.4826 * quantile(dev, 0.5), 1e-3);
    bool changed = false;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const char in = dev[i] <= limit ? 1 : 0;
      changed |= in != inlier[i];
      inlier[i] = in;
    }
    if (!changed) break;
  }
  f.samples = static_cast<std::int64_t>(all.size());
  f.outliers = f.samples - static_cast<std::int64_t>(used.size());
  return f;
}

}  // namespace

ErrorSummary evaluate(std::span<const OpSample> samples, const std::array<KindFactors, kOpKindCount>& kinds,
                      const FitBasis& b) {
  ErrorSummary e;
  std::vector<double> op_err;
  op_err.reserve(samples.size());
  std::map<std::int64_t, std::pair<double, double>> steps;  // step -> (predicted, measured)
  for (const OpSample& s : samples) {
    const double p = sample_time_s(s, kinds[static_cast<std::size_t>(s.kind)], b);
    op_err.push_back(std::abs(p - s.measured_s) / s.measured_s);
    auto& st = steps[s.step];
    st.first += p;
    st.second += s.measured_s;
  }
  std::vector<double> step_err;
  for (const auto& [id, pm] : steps) step_err.push_back(std::abs(pm.first - pm.second) / pm.second);
  e.ops = static_cast<std::int64_t>(op_err.size());
  e.steps = static_cast<std::int64_t>(step_err.size());
  e.op_median = quantile(op_err, 0.5);
  e.op_p90 = quantile(op_err, 0.9);
  e.step_median = quantile(step_err, 0.5);
  e.step_p90 = quantile(step_err, 0.9);
  return e;
}

Calibration fit_calibration(std::span<const OpSample> samples, const FitBasis& basis,
                            const CalibrationProvenance& provenance, Ceiling ceiling, LaunchMode launch) {
  if (samples.empty()) throw InputError("records", "no op records to fit");
  Calibration cal;
  cal.provenance = provenance;
  cal.ceiling = ceiling;
  cal.launch = launch;
  std::array<std::vector<OpSample>, kOpKindCount> by_kind;
  for (const OpSample& s : samples) by_kind[static_cast<std::size_t>(s.kind)].push_back(s);
  for (std::size_t k = 0; k < by_kind.size(); ++k)
    if (!by_kind[k].empty()) cal.kinds[k] = fit_kind(by_kind[k], basis);
  cal.before = evaluate(samples, std::array<KindFactors, kOpKindCount>{}, basis);
  cal.after = evaluate(samples, cal.kinds, basis);
  return cal;
}

}  // namespace looplab
