// paretoFront: one sort and one sweep, O(n log n), so a 100,000-point sweep stays interactive.
#include "gui/geometry/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace looplab::gui {

std::vector<bool> paretoFront(const std::vector<double>& xs, const std::vector<double>& ys, Goal xGoal, Goal yGoal) {
  const std::size_t n = std::min(xs.size(), ys.size());
  std::vector<bool> front(xs.size(), false);
  // Turn both axes into "smaller is better".
  const double sx = xGoal == Goal::minimize ? 1.0 : -1.0;
  const double sy = yGoal == Goal::minimize ? 1.0 : -1.0;
  std::vector<std::size_t> order;
  order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(xs[i]) && !std::isnan(ys[i])) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (sx * xs[a] != sx * xs[b]) return sx * xs[a] < sx * xs[b];
    return sy * ys[a] < sy * ys[b];
  });
  // Sweep by x (best first): a point is on the front when its y beats every y seen so far, or
  // equals the best one at the same x (an exact duplicate of a front point).
  bool any = false;
  double bestY = 0.0;
  double bestX = 0.0;
  for (std::size_t i : order) {
    const double x = sx * xs[i];
    const double y = sy * ys[i];
    if (!any || y < bestY || (y == bestY && x == bestX)) {
      front[i] = true;
      if (!any || y < bestY) bestX = x;
      bestY = y;
      any = true;
    }
  }
  return front;
}

std::vector<bool> paretoFrontPerGroup(const std::vector<double>& xs, const std::vector<double>& ys,
                                      const std::vector<int>& group, Goal xGoal, Goal yGoal) {
  const std::size_t n = std::min({xs.size(), ys.size(), group.size()});
  std::vector<bool> front(xs.size(), false);
  // Rows of each group, then each group's front on its own coordinates.
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] >= 0) members[group[i]].push_back(i);
  }
  std::vector<double> gx;
  std::vector<double> gy;
  for (const auto& [g, rows] : members) {
    gx.clear();
    gy.clear();
    for (std::size_t i : rows) {
      gx.push_back(xs[i]);
      gy.push_back(ys[i]);
    }
    const std::vector<bool> f = paretoFront(gx, gy, xGoal, yGoal);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      if (f[j]) front[rows[j]] = true;
    }
  }
  return front;
}

std::vector<std::size_t> paretoLine(const std::vector<double>& xs, const std::vector<bool>& front) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < front.size() && i < xs.size(); ++i) {
    if (front[i]) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
  return out;
}

}  // namespace looplab::gui
