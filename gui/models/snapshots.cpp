// Derived values of the snapshot structs (see snapshots.hpp).
#include "gui/models/snapshots.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace looplab::gui {

const char* boundName(Bound b) {
  switch (b) {
    case Bound::memory:
      return "memory";
    case Bound::compute:
      return "compute";
    case Bound::launch:
      return "launch";
    case Bound::unknown:
      break;
  }
  return "unknown";
}

namespace {
std::optional<double> errorPercent(const std::optional<double>& measured, const std::optional<double>& predicted) {
  if (!measured || !predicted || !(*measured > 0.0)) return std::nullopt;
  return (*predicted - *measured) / *measured * 100.0;
}
}  // namespace

std::optional<double> RunSummary::errorPct() const { return errorPercent(measuredStepS, predictedStepS); }

std::optional<double> OpRecord::errorPct() const { return errorPercent(measuredS, predictedS); }

namespace {
std::optional<double> halfWidth(const std::optional<double>& median, const std::optional<double>& lo,
                                const std::optional<double>& hi) {
  if (!median || !lo || !hi || !(*median > 0.0)) return std::nullopt;
  return (*hi - *lo) / 2.0 / *median * 100.0;
}
}  // namespace

std::optional<double> RunSummary::measuredHalfWidthPct() const {
  return halfWidth(measuredStepS, measuredCiLoS, measuredCiHiS);
}

std::optional<double> PhaseFigures::halfWidthPct() const { return halfWidth(medianS, ciLoS, ciHiS); }

std::optional<double> MachineFigures::otherCpus() const {
  if (!othersCpuS || !windowS || !(*windowS > 0.0)) return std::nullopt;
  return *othersCpuS / *windowS;
}

double MeasuredStat::halfWidthPct() const { return medianS > 0.0 ? (ciHiS - ciLoS) / 2.0 / medianS * 100.0 : 0.0; }

std::vector<KindMeasurement> RunDetail::decodeKinds() const {
  std::vector<KindMeasurement> out;
  for (const KindMeasurement& k : kinds) {
    if (k.phase == Phase::decode) out.push_back(k);
  }
  return out;
}

int SweepTable::columnIndex(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string SweepTable::cellText(std::size_t row, std::size_t column) const {
  if (column >= columns.size()) return {};
  const SweepColumn& c = columns[column];
  if (!c.numeric) return row < c.texts.size() ? c.texts[row] : std::string();
  if (row >= c.values.size() || std::isnan(c.values[row])) return {};
  // Shortest text that reads back to the same double.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", c.values[row]);
  for (int precision = 6; precision < 17; ++precision) {
    char shortBuf[32];
    std::snprintf(shortBuf, sizeof shortBuf, "%.*g", precision, c.values[row]);
    if (std::strtod(shortBuf, nullptr) == c.values[row]) return shortBuf;
  }
  return buf;
}

}  // namespace looplab::gui
