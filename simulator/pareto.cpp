// Pareto front by lexicographic sort: a point can only be dominated by one sorted before it, so
// each point is checked against the front found so far.
#include "simulator/pareto.hpp"

#include <algorithm>
#include <numeric>

namespace looplab {

namespace {

bool dominates(const Objectives& a, const Objectives& b) {
  bool strictly = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    strictly = strictly || a[i] < b[i];
  }
  return strictly;
}

}  // namespace

std::vector<bool> pareto_front(std::span<const Objectives> points) {
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return points[a] < points[b]; });
  std::vector<bool> on(points.size(), false);
  std::vector<std::size_t> front;
  for (std::size_t i : order) {
    const bool dominated =
        std::any_of(front.begin(), front.end(), [&](std::size_t f) { return dominates(points[f], points[i]); });
    if (!dominated) {
      on[i] = true;
      front.push_back(i);
    }
  }
  return on;
}

}  // namespace looplab
