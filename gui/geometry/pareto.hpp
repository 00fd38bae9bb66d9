// The Pareto front of a two-axis scatter (sweep explorer): the points no other point beats on
// both axes, each axis minimised or maximised.
#pragma once
#include <cstdint>
#include <vector>

namespace looplab::gui {

enum class Goal : std::uint8_t { minimize, maximize };

// front[i] is true when no point j is at least as good on both axes and strictly better on
// one. Points with a NaN coordinate are never on the front and dominate nothing. Exact
// duplicates of a front point are on the front too.
std::vector<bool> paretoFront(const std::vector<double>& xs, const std::vector<double>& ys, Goal xGoal, Goal yGoal);

// Indices of the front points ordered by x ascending (the order to draw the front line in).
std::vector<std::size_t> paretoLine(const std::vector<double>& xs, const std::vector<bool>& front);

// One front per group: point i competes only with the points of its group (group[i] >= 0); a
// point with a negative group (filtered out, breaks a constraint) is never on a front and
// dominates nothing. `looplab sweep` marks its fronts per workload this way
// (simulator/sweep.cpp, mark_pareto).
std::vector<bool> paretoFrontPerGroup(const std::vector<double>& xs, const std::vector<double>& ys,
                                      const std::vector<int>& group, Goal xGoal, Goal yGoal);

}  // namespace looplab::gui
