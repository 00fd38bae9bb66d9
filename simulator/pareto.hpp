// Pareto front of points with objectives to minimise (negate one to maximise it).
#pragma once
#include <array>
#include <span>
#include <vector>

namespace looplab {

using Objectives = std::array<double, 3>;

// on_front[i] is true when no other point is at least as good in every objective and better
// in one. Equal points are all on the front.
std::vector<bool> pareto_front(std::span<const Objectives> points);

}  // namespace looplab
