// Workloads, filters, categories and axis units of the sweep explorer (see sweep_explore.hpp).
#include "gui/models/sweep_explore.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "gui/models/format.hpp"

namespace looplab::gui {

namespace {

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

const SweepColumn* findColumn(const SweepTable& table, const std::string& name) {
  const int c = table.columnIndex(name);
  return c < 0 ? nullptr : &table.columns[static_cast<std::size_t>(c)];
}

// The SI prefix that brings maxAbs into [1, 1000): {scale, prefix}.
std::pair<double, QString> siPrefix(double maxAbs, int maxPower) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P"};
  int power = 0;
  double scale = 1.0;
  while (power < maxPower && std::isfinite(maxAbs) && maxAbs * scale >= 1000.0) {
    scale /= 1000.0;
    ++power;
  }
  return {scale, QString::fromLatin1(kPrefixes[power])};
}

}  // namespace

const std::vector<std::string>& workloadColumns() {
  static const std::vector<std::string> kColumns = {"hardware", "batch", "context"};
  return kColumns;
}

const std::vector<std::string>& categoryColumns() {
  static const std::vector<std::string> kColumns = {"hardware", "model", "variant", "batch"};
  return kColumns;
}

SweepGroups workloadGroups(const SweepTable& table) {
  SweepGroups out;
  std::vector<std::size_t> used;
  for (const std::string& name : workloadColumns()) {
    const int c = table.columnIndex(name);
    if (c >= 0) {
      out.columns.push_back(name);
      used.push_back(static_cast<std::size_t>(c));
    }
  }
  out.group.assign(table.rows, 0);
  if (used.empty()) {
    if (table.rows > 0) out.names.emplace_back("all points");
    return out;
  }
  std::map<std::string, int> index;
  for (std::size_t r = 0; r < table.rows; ++r) {
    std::string key;
    std::string name;
    for (std::size_t i = 0; i < used.size(); ++i) {
      const std::string cell = table.cellText(r, used[i]);
      key += cell;
      key += '\x1f';
      if (i > 0) name += ", ";
      // "h200, batch 4, context 4096": the hardware by name, the numbers by what they are.
      name += out.columns[i] == "hardware" ? cell : out.columns[i] + " " + cell;
    }
    const auto [it, inserted] = index.emplace(key, static_cast<int>(out.names.size()));
    if (inserted) out.names.push_back(name);
    out.group[r] = it->second;
  }
  return out;
}

std::vector<bool> filterRows(const SweepTable& table, const SweepFilter& filter) {
  std::vector<bool> shown(table.rows, true);
  const std::pair<const char*, const std::string*> wanted[] = {
      {"hardware", &filter.hardware}, {"model", &filter.model}, {"variant", &filter.variant}, {"batch", &filter.batch}};
  for (const auto& [name, value] : wanted) {
    const int c = table.columnIndex(name);
    if (value->empty() || c < 0) continue;
    for (std::size_t r = 0; r < table.rows; ++r) {
      if (shown[r] && table.cellText(r, static_cast<std::size_t>(c)) != *value) shown[r] = false;
    }
  }
  return shown;
}

std::vector<std::string> distinctValues(const SweepTable& table, const std::string& column) {
  const SweepColumn* col = findColumn(table, column);
  if (col == nullptr) return {};
  const auto c = static_cast<std::size_t>(table.columnIndex(column));
  std::vector<std::string> out;
  if (col->numeric) {
    std::vector<double> values;
    for (double v : col->values) {
      if (!std::isnan(v)) values.push_back(v);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    // The table's own text for each value, so filters compare like with like.
    for (double v : values) {
      for (std::size_t r = 0; r < table.rows; ++r) {
        if (col->values[r] == v) {
          out.push_back(table.cellText(r, c));
          break;
        }
      }
    }
    const bool anyMissing = std::any_of(col->values.begin(), col->values.end(), [](double v) { return std::isnan(v); });
    if (anyMissing) out.emplace_back();
    return out;
  }
  for (const std::string& t : col->texts) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

std::vector<int> categoryOf(const SweepTable& table, const std::string& column) {
  std::vector<int> out(table.rows, 0);
  const int c = table.columnIndex(column);
  if (c < 0) return out;
  const std::vector<std::string> values = distinctValues(table, column);
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < values.size(); ++i) index.emplace(values[i], static_cast<int>(i));
  for (std::size_t r = 0; r < table.rows; ++r) out[r] = index[table.cellText(r, static_cast<std::size_t>(c))];
  return out;
}

std::vector<int> frontGroups(const SweepTable& table, const SweepGroups& groups, const std::vector<bool>& shown) {
  std::vector<int> out(table.rows, -1);
  const SweepColumn* feasible = findColumn(table, "feasible");
  const bool useFeasible = feasible != nullptr && feasible->numeric;
  for (std::size_t r = 0; r < table.rows; ++r) {
    if (r >= shown.size() || !shown[r] || r >= groups.group.size()) continue;
    if (useFeasible && !(feasible->values[r] > 0.0)) continue;
    out[r] = groups.group[r];
  }
  return out;
}

QString AxisUnit::title() const {
  return unit.isEmpty() ? label : label + QStringLiteral(" (") + unit + QLatin1Char(')');
}

AxisUnit axisUnitFor(const std::string& column, double maxAbs) {
  const double m = std::abs(maxAbs);
  static const std::map<std::string, const char*> kLabels = {
      {"decode_step_s", "decode step"},
      {"prefill_s", "prefill"},
      {"generate_s", "generate (prefill + decode)"},
      {"decode_tokens_per_s", "decode throughput"},
      {"generate_tokens_per_s", "generate throughput"},
      {"kv_bytes", "KV cache"},
      {"weight_bytes", "weights"},
      {"activation_peak_bytes", "activation peak"},
      {"memory_total_bytes", "memory total"},
      {"device_bytes", "device memory"},
      {"decode_bytes", "decode bytes moved"},
      {"decode_weight_bytes", "decode weight reads"},
      {"decode_kv_read_bytes", "decode KV reads"},
      {"decode_flops_per_token", "compute per token"},
      {"batch", "batch"},
      {"loops", "loops"},
      {"context", "context"},
      {"prompt", "prompt"},
      {"generate", "generated"},
      {"window", "window"},
  };
  const auto known = kLabels.find(column);
  AxisUnit out;
  if (known == kLabels.end()) {
    out.label = QString::fromStdString(column);
    return out;
  }
  out.label = QString::fromLatin1(known->second);
  if (column == "decode_flops_per_token") {
    const auto [scale, prefix] = siPrefix(m, 5);
    out.scale = scale;
    out.unit = prefix + QStringLiteral("FLOP/token");
  } else if (endsWith(column, "_tokens_per_s")) {
    // tokens/s up to 100,000, then k or M tokens/s: tick labels stay short.
    out.scale = m >= 1e8 ? 1e-6 : m >= 1e5 ? 1e-3 : 1.0;
    out.unit = (m >= 1e8   ? QStringLiteral("M ")
                : m >= 1e5 ? QStringLiteral("k ")
                           : QString()) +
               QStringLiteral("tokens/s");
  } else if (endsWith(column, "_s")) {
    const TimeUnit t = timeUnitFor(m > 0.0 ? m : 1.0);
    out.scale = t.scale;
    out.unit = t.name;
  } else if (endsWith(column, "_bytes")) {
    const auto [scale, prefix] = siPrefix(m, 4);
    out.scale = scale;
    out.unit = prefix + QStringLiteral("B");
  } else if (column == "context" || column == "prompt" || column == "generate" || column == "window") {
    out.unit = QStringLiteral("tokens");
  }
  return out;
}

}  // namespace looplab::gui
