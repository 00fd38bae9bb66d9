// The History view's data: per workload (runs that did the same work), the complete runs' decode
// step medians oldest first with their intervals, commits and verdicts, and the change points an
// E-divisive means detector finds in them (lab/changepoint.hpp) -- what `looplab gate history`
// prints, from the runs browser's snapshot.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gui/models/snapshots.hpp"
#include "lab/changepoint.hpp"

namespace looplab::gui {

struct HistoryPoint {
  std::int64_t runId = 0;
  std::string createdAt, commit, label;
  double medianS = 0;
  std::optional<double> ciLoS, ciHiS;
  std::optional<stats::Verdict> verdict;
};

struct HistorySeries {
  std::string workKey;
  std::string name;  // "small plt L=2 B=4 cpu"
  std::vector<HistoryPoint> points;
  std::vector<stats::ChangePoint> changes;  // indices into points
};

// Series with at least one point, the one with the most runs first. `label` empty: every label.
std::vector<HistorySeries> buildHistory(const std::vector<RunSummary>& runs, const std::string& label,
                                        const stats::ChangePointOptions& detector = {});
// The labels the runs carry, sorted.
std::vector<std::string> historyLabels(const std::vector<RunSummary>& runs);

}  // namespace looplab::gui
