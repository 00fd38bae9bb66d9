// aggregateByKind, kindTable and OpKindModel (see op_kind_model.hpp).
#include "gui/models/op_kind_model.hpp"

#include <algorithm>
#include <array>

#include "gui/models/format.hpp"
#include "gui/models/roles.hpp"

namespace looplab::gui {

namespace {
QString kindName(OpKind k) {
  const std::string_view s = to_string(k);
  return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}
}  // namespace

QString OpKindRow::name() const {
  switch (type) {
    case RowType::unattributed:
      return QStringLiteral("unattributed");
    case RowType::step:
      return QStringLiteral("step");
    case RowType::engine:
      return QStringLiteral("engine (outside ops)");
    case RowType::kind:
      break;
  }
  return kindName(kind);
}

std::optional<double> OpKindRow::measuredS() const {
  return measured && measured->samples > 0 ? std::optional<double>(measured->medianS) : std::nullopt;
}

std::optional<double> OpKindRow::errorPct() const {
  const auto m = measuredS();
  if (!m || !predictedS || !(*m > 0.0)) return std::nullopt;
  return (*predictedS - *m) / *m * 100.0;
}

std::vector<OpKindRow> aggregateByKind(const std::vector<OpRecord>& ops) {
  std::vector<OpKindRow> rows;
  std::array<int, kOpKindCount> rowOfKind{};
  rowOfKind.fill(-1);
  // Predicted seconds per bound, per row, to pick the dominant bound.
  std::vector<std::array<double, 4>> boundTime;
  std::vector<bool> allPredicted;
  for (const OpRecord& op : ops) {
    const auto k = static_cast<std::size_t>(op.kind);
    if (k >= rowOfKind.size()) continue;
    if (rowOfKind[k] < 0) {
      rowOfKind[k] = static_cast<int>(rows.size());
      OpKindRow r;
      r.kind = op.kind;
      r.predictedS = 0.0;
      rows.push_back(r);
      boundTime.push_back({0.0, 0.0, 0.0, 0.0});
      allPredicted.push_back(true);
    }
    const auto i = static_cast<std::size_t>(rowOfKind[k]);
    OpKindRow& r = rows[i];
    ++r.count;
    r.flops += op.flops;
    r.bytes += op.bytes;
    if (op.predictedS) {
      *r.predictedS += *op.predictedS;
      boundTime[i][static_cast<std::size_t>(op.bound)] += *op.predictedS;
    } else {
      allPredicted[i] = false;
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!allPredicted[i]) rows[i].predictedS.reset();
    std::size_t best = 0;
    for (std::size_t b = 1; b < 4; ++b) {
      if (boundTime[i][b] > boundTime[i][best]) best = b;
    }
    rows[i].bound = boundTime[i][best] > 0.0 ? static_cast<Bound>(best) : Bound::unknown;
  }
  return rows;
}

std::vector<OpKindRow> kindTable(const std::vector<OpRecord>& ops, const std::vector<KindMeasurement>& measured) {
  std::vector<OpKindRow> rows = aggregateByKind(ops);
  std::vector<OpKindRow> summary;
  for (const KindMeasurement& m : measured) {
    if (m.kind == "unattributed" || m.kind == "step") {
      OpKindRow r;
      r.type = m.kind == "step" ? RowType::step : RowType::unattributed;
      r.measured = m.measured;
      r.predictedS = m.predictedS;
      summary.push_back(r);
      continue;
    }
    auto it = rows.end();
    for (auto r = rows.begin(); r != rows.end(); ++r) {
      if (to_string(r->kind) == m.kind) it = r;
    }
    if (it == rows.end()) {
      // A kind the op list lacks (or this build does not know): still part of the step.
      OpKindRow r;
      bool known = false;
      for (int k = 0; k < kOpKindCount && !known; ++k) {
        if (to_string(static_cast<OpKind>(k)) == m.kind) {
          r.kind = static_cast<OpKind>(k);
          known = true;
        }
      }
      if (!known) continue;
      rows.push_back(r);
      it = rows.end() - 1;
    }
    it->measured = m.measured;
    // The CLI's prediction: the kind's per-step sum, mean over the steps.
    if (m.predictedS) it->predictedS = m.predictedS;
  }
  rows.insert(rows.end(), summary.begin(), summary.end());
  return rows;
}

std::vector<OpKindRow> predictionTable(const std::vector<OpRecord>& ops, double stepS) {
  std::vector<OpKindRow> rows = aggregateByKind(ops);
  double opsS = 0.0;
  for (const OpKindRow& r : rows) opsS += r.predictedS.value_or(0.0);
  // Rounding leaves a few ulps between the ops' sum and the step: not an engine row.
  if (stepS - opsS > 1e-12 * std::max(1.0, stepS)) {
    OpKindRow engine;
    engine.type = RowType::engine;
    engine.predictedS = stepS - opsS;
    engine.bound = Bound::launch;
    rows.push_back(engine);
  }
  OpKindRow step;
  step.type = RowType::step;
  step.predictedS = stepS;
  rows.push_back(step);
  return rows;
}

QString measuredToolTip(const MeasuredStat& m) {
  return QStringLiteral(
             "median of %1 samples (every repeat's steps), 95% interval %2, p10 %3, "
             "p90 %4, mean %5, %6 outliers: %7")
      .arg(m.samples)
      .arg(formatInterval(m.ciLoS, m.ciHiS), formatDuration(m.p10S), formatDuration(m.p90S), formatDuration(m.meanS))
      .arg(m.outliers)
      .arg(verdictText(m.verdict));
}

OpKindModel::OpKindModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpKindModel::reset(std::vector<OpKindRow> rows, OptionalVerdict runVerdict, bool measured) {
  beginResetModel();
  m_rows = std::move(rows);
  m_runVerdict = runVerdict;
  m_measured = measured;
  m_stepMeanS = 0.0;
  m_predictedStepS = 0.0;
  std::optional<double> predictedStep;
  for (const OpKindRow& r : m_rows) {
    if (r.type == RowType::step && r.measured) m_stepMeanS = r.measured->meanS;
    if (r.type == RowType::step && r.predictedS) predictedStep = r.predictedS;
    if (r.type == RowType::kind && r.predictedS) m_predictedStepS += *r.predictedS;
  }
  if (!measured && predictedStep) m_predictedStepS = *predictedStep;
  endResetModel();
}

void OpKindModel::setOps(const std::vector<OpRecord>& ops) { reset(aggregateByKind(ops), std::nullopt, false); }

void OpKindModel::setPrediction(const std::vector<OpRecord>& ops, double stepS) {
  reset(predictionTable(ops, stepS), std::nullopt, false);
}

void OpKindModel::setMeasured(const std::vector<OpRecord>& ops, const std::vector<KindMeasurement>& measured,
                              OptionalVerdict runVerdict) {
  reset(kindTable(ops, measured), runVerdict, true);
}

std::vector<OpKindRow> OpKindModel::summaryRows() const {
  std::vector<OpKindRow> out;
  for (const OpKindRow& r : m_rows) {
    if (r.type != RowType::kind) out.push_back(r);
  }
  return out;
}

OptionalVerdict OpKindModel::errorVerdict(const OpKindRow& row) const {
  if (!m_measured) return stats::Verdict::quiet;  // nothing measured: nothing to mark
  return combinedVerdict(row.measured ? OptionalVerdict(row.measured->verdict) : std::nullopt, m_runVerdict);
}

int OpKindModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int OpKindModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant OpKindModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const OpKindRow& r = m_rows[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  // Plain numbers with flags: GCC's maybe-uninitialized misfires on chains of optional<double>.
  const bool hasMean = r.measured && r.measured->samples > 0;
  const double meanS = hasMean ? r.measured->meanS : 0.0;
  // Measured: the mean's share of the step's mean; a prediction: the predicted time's share of
  // the predicted step (the kinds' predicted sum).
  const bool predictedShare = !m_measured && r.predictedS && m_predictedStepS > 0.0;
  const bool hasShare = (hasMean && m_stepMeanS > 0.0) || predictedShare;
  const double sharePct = predictedShare ? r.predictedS.value_or(0.0) / m_predictedStepS * 100.0
                          : hasShare     ? meanS / m_stepMeanS * 100.0
                                         : 0.0;
  const double halfWidthPct = hasMean ? r.measured->halfWidthPct() : 0.0;
  auto number = [](bool has, double v) { return has ? QVariant(v) : QVariant(); };
  const bool summary = r.type != RowType::kind;
  if (role == Qt::DisplayRole) {
    switch (column) {
      case KindColumn:
        return r.name();
      case CountColumn:
        return summary ? QVariant(QStringLiteral("\u2014")) : QVariant(r.count);
      case MeasuredColumn:
        return formatOptionalDuration(r.measuredS());
      case IntervalColumn:
        return hasMean ? formatHalfWidth(halfWidthPct) : QStringLiteral("\u2014");
      case MeanColumn:
        return hasMean ? formatDuration(meanS) : QStringLiteral("\u2014");
      case ShareColumn:
        return hasShare ? QString::number(sharePct, 'f', 1) + QStringLiteral(" %") : QStringLiteral("\u2014");
      case PredictedColumn:
        return formatOptionalDuration(r.predictedS);
      case ErrorColumn:
        return r.errorPct() ? markedByVerdict(formatPercent(*r.errorPct()), errorVerdict(r)) : QStringLiteral("\u2014");
      case BoundColumn:
        return summary ? QString() : QString::fromLatin1(boundName(r.bound));
      default:
        return {};
    }
  }
  auto optionalNumber = [](const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); };
  switch (role) {
    case SortRole:
      switch (column) {
        case KindColumn:
          // Summary rows after the kinds, the step last.
          return !summary                  ? static_cast<int>(r.kind)
                 : r.type == RowType::step ? kOpKindCount + 8
                                           : kOpKindCount + static_cast<int>(r.type);
        case CountColumn:
          return r.count;
        case MeasuredColumn:
          return optionalNumber(r.measuredS());
        case IntervalColumn:
          return number(hasMean, halfWidthPct);
        case MeanColumn:
          return number(hasMean, meanS);
        case ShareColumn:
          return number(hasShare, sharePct);
        case PredictedColumn:
          return optionalNumber(r.predictedS);
        case ErrorColumn:
          return optionalNumber(r.errorPct());
        case BoundColumn:
          return static_cast<int>(r.bound);
        default:
          return {};
      }
    case Qt::TextAlignmentRole:
      return column == KindColumn || column == BoundColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                                           : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole:
      if (r.type == RowType::unattributed && column == KindColumn)
        return QStringLiteral(
            "each step's wall time minus the measured time of its ops: "
            "barriers, scheduling and launch gaps, the engine's own work");
      if (r.type == RowType::step && column == KindColumn)
        return m_measured ? QStringLiteral("the step's wall time; the means above add up to its mean")
                          : QStringLiteral("the predicted decode step; the rows above add up to it");
      if (r.type == RowType::engine && column == KindColumn)
        return QStringLiteral(
            "the simulator's per-step engine time outside the ops: step and per-sequence overhead, "
            "host time beyond the device's");
      if (r.measured && (column == MeasuredColumn || column == IntervalColumn || column == MeanColumn))
        return measuredToolTip(*r.measured);
      if (column == ErrorColumn && r.errorPct()) {
        return QStringLiteral("(predicted - measured median) / measured median; ") +
               verdictExplanation(errorVerdict(r), std::string());
      }
      return {};
    case BoundRole:  // the summary rows are no op's: untinted
      if (summary) return {};
      return static_cast<int>(r.bound);
    case VerdictRole: {
      const OptionalVerdict v = column == ErrorColumn ? errorVerdict(r)
                                : r.measured && (column == MeasuredColumn || column == IntervalColumn)
                                    ? OptionalVerdict(r.measured->verdict)
                                    : OptionalVerdict(stats::Verdict::quiet);
      if (isQuiet(v) || (column == ErrorColumn && !r.errorPct())) return {};
      return verdictRank(v);
    }
    case SummaryRowRole:
      return summary;
    default:
      return {};
  }
}

QVariant OpKindModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case MeasuredColumn:
        return QStringLiteral(
            "median over every (repeat, decode step) of the kind's ops summed "
            "per step (store/summary.hpp, as `looplab runs show`)");
      case IntervalColumn:
        return QStringLiteral("half the 95% bootstrap interval of the median, relative to it");
      case MeanColumn:
        return QStringLiteral(
            "mean of the same samples: the kinds and unattributed add up to "
            "the step; medians need not");
      case ShareColumn:
        return QStringLiteral(
            "mean relative to the step's mean (a prediction alone: predicted time relative to the "
            "predicted step)");
      case ErrorColumn:
        return QStringLiteral("(predicted - measured median) / measured median");
      default:
        return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  static const char* const kNames[ColumnCount] = {"Kind",  "Ops",       "Measured", "\u00b1 95%", "Mean",
                                                  "Share", "Predicted", "Error",    "Bound"};
  return QString::fromUtf8(kNames[section]);
}

}  // namespace looplab::gui
