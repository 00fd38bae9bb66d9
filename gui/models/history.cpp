// Grouping runs into histories and finding their change points (history.hpp).
#include "gui/models/history.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace looplab::gui {

namespace {

std::string seriesName(const RunSummary& r) {
  std::string n = r.model + " " + std::string(to_string(r.variant));
  if (r.loops > 1) n += " L=" + std::to_string(r.loops);
  return n + " B=" + std::to_string(r.batch) + " P=" + std::to_string(r.contextLen) + " " + r.backend;
}

}  // namespace

std::vector<HistorySeries> buildHistory(const std::vector<RunSummary>& runs, const std::string& label,
                                        const stats::ChangePointOptions& detector) {
  std::vector<const RunSummary*> chosen;
  for (const RunSummary& r : runs)
    if (r.complete && r.measuredStepS && (label.empty() || r.label == label)) chosen.push_back(&r);
  // oldest first: by creation time, then id (ids grow with time within one store)
  std::sort(chosen.begin(), chosen.end(), [](const RunSummary* a, const RunSummary* b) {
    return a->createdAt != b->createdAt ? a->createdAt < b->createdAt : a->id < b->id;
  });
  std::vector<HistorySeries> out;
  std::map<std::string, std::size_t> index;
  for (const RunSummary* r : chosen) {
    auto [it, fresh] = index.emplace(r->workKey, out.size());
    if (fresh) out.push_back({r->workKey, seriesName(*r), {}, {}});
    out[it->second].points.push_back(
        {r->id, r->createdAt, r->commit, r->label, *r->measuredStepS, r->measuredCiLoS, r->measuredCiHiS, r->verdict});
  }
  for (HistorySeries& s : out) {
    std::vector<double> medians;
    for (const HistoryPoint& p : s.points) medians.push_back(p.medianS);
    s.changes = stats::find_change_points(medians, detector);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const HistorySeries& a, const HistorySeries& b) { return a.points.size() > b.points.size(); });
  return out;
}

std::vector<std::string> historyLabels(const std::vector<RunSummary>& runs) {
  std::set<std::string> labels;
  for (const RunSummary& r : runs) labels.insert(r.label);
  return {labels.begin(), labels.end()};
}

}  // namespace looplab::gui
