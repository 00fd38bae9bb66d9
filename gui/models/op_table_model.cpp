// OpTableModel: display and sort values of the per-op table (see op_table_model.hpp).
#include "gui/models/op_table_model.hpp"

#include "gui/models/format.hpp"
#include "gui/models/roles.hpp"

namespace looplab::gui {

OpTableModel::OpTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpTableModel::setOps(std::vector<OpRecord> ops, std::vector<OpKindRow> summary, OptionalVerdict runVerdict) {
  beginResetModel();
  m_ops = std::move(ops);
  m_summary = std::move(summary);
  m_runVerdict = runVerdict;
  endResetModel();
}

int OpTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_ops.size() + m_summary.size());
}

int OpTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString loopText(std::int32_t lo, std::int32_t hi) {
  return lo == hi ? QString::number(lo) : QString::number(lo) + QLatin1Char('-') + QString::number(hi);
}

namespace {
QString kindText(OpKind k) {
  const std::string_view s = to_string(k);
  return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

QVariant optionalNumber(const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); }

const QString kMissing = QStringLiteral("\u2014");
}  // namespace

QVariant OpTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const auto row = static_cast<std::size_t>(index.row());
  if (row >= m_ops.size()) return summaryData(m_summary[row - m_ops.size()], index.column(), role);
  return opData(m_ops[row], index.column(), role);
}

QVariant OpTableModel::opData(const OpRecord& op, int column, int role) const {
  if (role == Qt::DisplayRole) {
    switch (column) {
      case NameColumn:
        return QString::fromStdString(op.name);
      case KindColumn:
        return kindText(op.kind);
      case LayerColumn:
        return op.layer >= 0 ? QVariant(op.layer) : QVariant(kMissing);
      case LoopColumn:
        return loopText(op.loopLo, op.loopHi);
      case MeasuredColumn:
        return formatOptionalDuration(op.measuredS);
      case MeanColumn:
        return formatOptionalDuration(op.measuredMeanS);
      case PredictedColumn:
        return formatOptionalDuration(op.predictedS);
      case ErrorColumn:  // a ratio to the measurement: marked when the run is not quiet
        return op.errorPct() ? markedByVerdict(formatPercent(*op.errorPct()), m_runVerdict) : kMissing;
      case BoundColumn:
        return QString::fromLatin1(boundName(op.bound));
      case FlopsColumn:
        return formatCount(op.flops);
      case BytesColumn:
        return formatBytes(op.bytes);
      case IntensityColumn:
        return QString::number(op.intensity(), 'g', 3);
      default:
        return {};
    }
  }
  switch (role) {
    case SortRole:
      switch (column) {
        case NameColumn:
          return op.index;  // plan order
        case KindColumn:
          return kindText(op.kind);
        case LayerColumn:
          return op.layer;
        case LoopColumn:
          return op.loopLo * 1000 + op.loopHi;
        case MeasuredColumn:
          return optionalNumber(op.measuredS);
        case MeanColumn:
          return optionalNumber(op.measuredMeanS);
        case PredictedColumn:
          return optionalNumber(op.predictedS);
        case ErrorColumn:
          return optionalNumber(op.errorPct());
        case BoundColumn:
          return static_cast<int>(op.bound);
        case FlopsColumn:
          return op.flops;
        case BytesColumn:
          return op.bytes;
        case IntensityColumn:
          return op.intensity();
        default:
          return {};
      }
    case Qt::TextAlignmentRole:
      return column == NameColumn || column == KindColumn || column == BoundColumn
                 ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                 : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case BoundRole:
      return static_cast<int>(op.bound);
    case OpIndexRole:
      return op.index;
    case VerdictRole:
      if (column == ErrorColumn && op.errorPct() && !isQuiet(m_runVerdict)) return verdictRank(m_runVerdict);
      return {};
    case SummaryRowRole:
      return false;
    case Qt::ToolTipRole:
      if (column == ErrorColumn && op.errorPct()) {
        return QStringLiteral("(predicted - measured median) / measured median; the run is ") +
               verdictText(m_runVerdict);
      }
      return QString::fromStdString(op.name) + QStringLiteral(": ") + QString::fromLatin1(boundName(op.bound)) +
             QStringLiteral("-bound, ") + formatCount(op.flops) + QStringLiteral("FLOP, ") + formatBytes(op.bytes);
    default:
      return {};
  }
}

QVariant OpTableModel::summaryData(const OpKindRow& r, int column, int role) const {
  const std::optional<double> mean =
      r.measured && r.measured->samples > 0 ? std::optional<double>(r.measured->meanS) : std::nullopt;
  const OptionalVerdict errorVerdict =
      combinedVerdict(r.measured ? OptionalVerdict(r.measured->verdict) : std::nullopt, m_runVerdict);
  if (role == Qt::DisplayRole) {
    switch (column) {
      case NameColumn:
        return r.name();
      case MeasuredColumn:
        return formatOptionalDuration(r.measuredS());
      case MeanColumn:
        return formatOptionalDuration(mean);
      case PredictedColumn:
        return formatOptionalDuration(r.predictedS);
      case ErrorColumn:
        return r.errorPct() ? markedByVerdict(formatPercent(*r.errorPct()), errorVerdict) : kMissing;
      case BoundColumn:
        return QString();
      default:
        return kMissing;
    }
  }
  switch (role) {
    case SortRole:
      switch (column) {
        case NameColumn:  // after every op in plan order
          return static_cast<int>(m_ops.size()) + static_cast<int>(r.type);
        case MeasuredColumn:
          return optionalNumber(r.measuredS());
        case MeanColumn:
          return optionalNumber(mean);
        case PredictedColumn:
          return optionalNumber(r.predictedS);
        case ErrorColumn:
          return optionalNumber(r.errorPct());
        default:
          return {};
      }
    case Qt::TextAlignmentRole:
      return column == NameColumn || column == KindColumn || column == BoundColumn
                 ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                 : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole:
      if (column == NameColumn) {
        return r.type == RowType::step ? QStringLiteral(
                                             "the step's wall time; the op means and unattributed add up "
                                             "to its mean")
                                       : QStringLiteral("each step's wall time minus the measured time of its ops");
      }
      if (r.measured && (column == MeasuredColumn || column == MeanColumn)) return measuredToolTip(*r.measured);
      return {};
    case VerdictRole:
      if (column == ErrorColumn && r.errorPct() && !isQuiet(errorVerdict)) return verdictRank(errorVerdict);
      if (column == MeasuredColumn && r.measured && r.measured->verdict != stats::Verdict::quiet)
        return verdictRank(r.measured->verdict);
      return {};
    case SummaryRowRole:
      return true;
    default:
      return {};
  }
}

QVariant OpTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case MeasuredColumn:
        return QStringLiteral(
            "median over every (repeat, decode step) of the op's measured time "
            "(device time on a GPU, host span on a CPU)");
      case MeanColumn:
        return QStringLiteral(
            "mean of the same samples: the ops and unattributed add up to the "
            "step; medians need not");
      case ErrorColumn:
        return QStringLiteral("(predicted - measured median) / measured median");
      default:
        return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  static const char* const kNames[ColumnCount] = {"Op",        "Kind",  "Layer", "Loop",  "Measured", "Mean",
                                                  "Predicted", "Error", "Bound", "FLOPs", "Bytes",    "FLOP/B"};
  return QString::fromLatin1(kNames[section]);
}

}  // namespace looplab::gui
