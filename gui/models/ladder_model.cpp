// ladderFromRuns and LadderModel (see ladder_model.hpp).
#include "gui/models/ladder_model.hpp"

#include <algorithm>
#include <bit>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "engine/core/error.hpp"
#include "gui/models/format.hpp"
#include "gui/models/roles.hpp"

namespace looplab::gui {

std::array<LadderEntry, 5> ladderFromRuns(const std::vector<RunSummary>& runs) {
  std::array<LadderEntry, 5> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i].variant = kAllVariants[i];
  for (const RunSummary& r : runs) {
    const auto i = static_cast<std::size_t>(r.variant);
    if (i >= out.size()) continue;
    LadderEntry& e = out[i];
    if (e.runId && *e.runId > r.id) continue;
    e.runId = r.id;
    e.measuredS = r.measuredStepS;
    e.measuredHalfWidthPct = r.measuredHalfWidthPct();
    e.verdict = r.verdict;
    e.verdictReason = r.verdictReason;
    e.predictedS = r.predictedStepS;
    e.kvBytes = r.kvBytes;
  }
  return out;
}

LadderGroup pickLadderGroup(const std::vector<RunSummary>& runs) {
  struct Key {
    std::string model, hardware;
    std::int64_t batch, context;
    bool operator<(const Key& o) const {
      return std::tie(model, hardware, batch, context) < std::tie(o.model, o.hardware, o.batch, o.context);
    }
  };
  struct Tally {
    unsigned variants = 0;  // bit i: variant i present
    std::int64_t newest = 0;
  };
  std::map<Key, Tally> groups;
  for (const RunSummary& r : runs) {
    Tally& t = groups[Key{r.model, r.hardware, r.batch, r.contextLen}];
    t.variants |= 1u << static_cast<unsigned>(r.variant);
    t.newest = std::max(t.newest, r.id);
  }
  const Key* best = nullptr;
  int bestCount = -1;
  std::int64_t bestNewest = 0;
  for (const auto& [key, tally] : groups) {
    const int count = std::popcount(tally.variants);
    if (count > bestCount || (count == bestCount && tally.newest > bestNewest)) {
      best = &key;
      bestCount = count;
      bestNewest = tally.newest;
    }
  }
  LadderGroup g;
  if (best == nullptr) return g;
  g.model = best->model;
  g.hardware = best->hardware;
  g.batch = best->batch;
  g.contextLen = best->context;
  for (const RunSummary& r : runs) {
    if (r.model == g.model && r.hardware == g.hardware && r.batch == g.batch && r.contextLen == g.contextLen) {
      g.runs.push_back(r);
    }
  }
  return g;
}

std::optional<double> relativeTo(const std::optional<double>& value, const std::optional<double>& vanilla) {
  if (!value || !vanilla || *vanilla == 0.0) return std::nullopt;
  return *value / *vanilla;
}

PaperLadder loadPaperLadder(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("paper", "cannot open " + path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("paper", path + ": " + e.what());
  }
  PaperLadder p;
  if (!j.contains("table2_batch4") || !j["table2_batch4"].is_object()) {
    throw InputError("table2_batch4", path + ": missing");
  }
  const auto& table = j["table2_batch4"];
  const std::string vanillaName(to_string(Variant::vanilla));
  auto number = [&](const std::string& variant, const char* key) -> std::optional<double> {
    if (!table.contains(variant)) return std::nullopt;
    const auto& row = table[variant];
    if (!row.contains(key)) return std::nullopt;
    if (!row[key].is_number()) throw InputError("table2_batch4." + variant + "." + key, "not a number");
    return row[key].get<double>();
  };
  const auto vLatency = number(vanillaName, "latency_ms");
  const auto vKv = number(vanillaName, "kv");
  for (std::size_t i = 0; i < 5; ++i) {
    const std::string name(to_string(kAllVariants[i]));
    p.latencyRatio[i] = relativeTo(number(name, "latency_ms"), vLatency);
    p.kvRatio[i] = relativeTo(number(name, "kv"), vKv);
  }
  if (j.contains("source") && j["source"].is_string()) p.source = j["source"].get<std::string>();
  return p;
}

LadderModel::LadderModel(QObject* parent) : QAbstractTableModel(parent) {
  for (std::size_t i = 0; i < m_entries.size(); ++i) m_entries[i].variant = kAllVariants[i];
}

void LadderModel::setRuns(const std::vector<RunSummary>& runs) {
  beginResetModel();
  m_entries = ladderFromRuns(runs);
  endResetModel();
}

int LadderModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int LadderModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

void LadderModel::setPaper(PaperLadder paper) {
  m_paper = std::move(paper);
  if (!m_entries.empty()) {
    emit dataChanged(index(0, PaperLatencyRatioColumn), index(rowCount() - 1, PaperKvRatioColumn));
  }
}

std::optional<double> LadderModel::value(const LadderEntry& e, int column) const {
  const LadderEntry& vanilla = m_entries[0];
  auto kv = [](const LadderEntry& x) {
    return x.kvBytes ? std::optional<double>(static_cast<double>(*x.kvBytes)) : std::nullopt;
  };
  switch (column) {
    case RunColumn:
      return e.runId ? std::optional<double>(static_cast<double>(*e.runId)) : std::nullopt;
    case MeasuredColumn:
      return e.measuredS;
    case PredictedColumn:
      return e.predictedS;
    case MeasuredRatioColumn:
      return relativeTo(e.measuredS, vanilla.measuredS);
    case PredictedRatioColumn:
      return relativeTo(e.predictedS, vanilla.predictedS);
    case KvColumn:
      return kv(e);
    case KvRatioColumn:
      return relativeTo(kv(e), kv(vanilla));
    case PaperLatencyRatioColumn:
      return m_paper.latencyRatio[static_cast<std::size_t>(e.variant)];
    case PaperKvRatioColumn:
      return m_paper.kvRatio[static_cast<std::size_t>(e.variant)];
    default:
      return std::nullopt;
  }
}

OptionalVerdict LadderModel::measuredRatioVerdict(int row) const {
  if (row < 0 || row >= static_cast<int>(m_entries.size())) return std::nullopt;
  return combinedVerdict(m_entries[static_cast<std::size_t>(row)].verdict, m_entries[0].verdict);
}

QVariant LadderModel::toolTip(const LadderEntry& e, int row, int column) const {
  auto runText = [](const LadderEntry& x) {
    return QStringLiteral("run %1 (%2): %3")
        .arg(x.runId ? QString::number(*x.runId) : QStringLiteral("?"),
             QString::fromLatin1(to_string(x.variant).data(), static_cast<qsizetype>(to_string(x.variant).size())),
             verdictExplanation(x.verdict, x.verdictReason));
  };
  if (!e.runId) return {};
  if (column == MeasuredColumn) {
    QString text = runText(e);
    if (e.measuredHalfWidthPct)
      text += QStringLiteral("\nmedian decode step, 95% interval ") + formatHalfWidth(*e.measuredHalfWidthPct);
    return text;
  }
  if (column == MeasuredRatioColumn && value(e, column)) {
    const LadderEntry& vanilla = m_entries[0];
    QString text =
        QStringLiteral("measured %1 / vanilla's: %2")
            .arg(QString::fromLatin1(to_string(e.variant).data(), static_cast<qsizetype>(to_string(e.variant).size())),
                 verdictText(measuredRatioVerdict(row)));
    text += QStringLiteral("\n") + runText(e);
    if (row != 0) text += QStringLiteral("\n") + runText(vanilla);
    return text;
  }
  return {};
}

QVariant LadderModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const LadderEntry& e = m_entries[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  if (column == VariantColumn) {
    const std::string_view v = to_string(e.variant);
    if (role == Qt::DisplayRole) return QString::fromLatin1(v.data(), static_cast<qsizetype>(v.size()));
    if (role == SortRole || role == VariantRole) return static_cast<int>(e.variant);
    return {};
  }
  const std::optional<double> v = value(e, column);
  switch (role) {
    case Qt::DisplayRole:
      if (!v) return QStringLiteral("\u2014");
      switch (column) {
        case RunColumn:
          return static_cast<qint64>(*v);
        case MeasuredColumn:
        case PredictedColumn:
          return formatDuration(*v);
        case KvColumn:
          return formatBytes(*v);
        case MeasuredRatioColumn:  // two measurements: never a bare number unless both are quiet
          return markedByVerdict(QString::number(*v, 'f', 2) + QStringLiteral("\u00d7"),
                                 measuredRatioVerdict(index.row()));
        default:
          return QString::number(*v, 'f', 2) + QStringLiteral("\u00d7");
      }
    case SortRole:
      return v ? QVariant(*v) : QVariant();
    case Qt::TextAlignmentRole:
      return int(Qt::AlignRight | Qt::AlignVCenter);
    case VariantRole:
      return static_cast<int>(e.variant);
    case RunIdRole:
      return e.runId ? QVariant(static_cast<qint64>(*e.runId)) : QVariant();
    case Qt::ToolTipRole:
      return toolTip(e, index.row(), column);
    case VerdictRole: {
      if (!v) return {};
      const OptionalVerdict verdict = column == MeasuredRatioColumn ? measuredRatioVerdict(index.row())
                                      : column == MeasuredColumn    ? e.verdict
                                                                    : stats::Verdict::quiet;
      return isQuiet(verdict) ? QVariant() : QVariant(verdictRank(verdict));
    }
    default:
      return {};
  }
}

QVariant LadderModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Horizontal && role == Qt::ToolTipRole &&
      (section == PaperLatencyRatioColumn || section == PaperKvRatioColumn)) {
    return QString::fromStdString(m_paper.source);
  }
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  static const char* const kNames[ColumnCount] = {"Variant",
                                                  "Run",
                                                  "Measured",
                                                  "Predicted",
                                                  "Measured\n\u00d7 vanilla",
                                                  "Predicted\n\u00d7 vanilla",
                                                  "KV bytes",
                                                  "KV\n\u00d7 vanilla",
                                                  "Paper, batch 4\nlatency \u00d7 vanilla",
                                                  "Paper, batch 4\nKV \u00d7 vanilla"};
  return QString::fromUtf8(kNames[section]);
}

}  // namespace looplab::gui
