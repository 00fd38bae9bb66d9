// OpTableModel: display and sort values of the per-op table (see op_table_model.hpp).
#include "gui/models/op_table_model.hpp"

#include "gui/models/format.hpp"
#include "gui/models/roles.hpp"

namespace looplab::gui {

OpTableModel::OpTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpTableModel::setOps(std::vector<OpRecord> ops) {
  beginResetModel();
  m_ops = std::move(ops);
  endResetModel();
}

int OpTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_ops.size());
}

int OpTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QString loopText(std::int32_t lo, std::int32_t hi) {
  return lo == hi ? QString::number(lo)
                  : QString::number(lo) + QLatin1Char('-') + QString::number(hi);
}

namespace {
QString kindText(OpKind k) {
  const std::string_view s = to_string(k);
  return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

QVariant optionalNumber(const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); }
}  // namespace

QVariant OpTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const OpRecord& op = m_ops[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  if (role == Qt::DisplayRole) {
    switch (column) {
      case NameColumn:
        return QString::fromStdString(op.name);
      case KindColumn:
        return kindText(op.kind);
      case LayerColumn:
        return op.layer >= 0 ? QVariant(op.layer) : QVariant(QStringLiteral("\u2014"));
      case LoopColumn:
        return loopText(op.loopLo, op.loopHi);
      case MeasuredColumn:
        return formatOptionalDuration(op.measuredS);
      case PredictedColumn:
        return formatOptionalDuration(op.predictedS);
      case ErrorColumn:
        return formatOptionalPercent(op.errorPct());
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
    case Qt::ToolTipRole:
      return QString::fromStdString(op.name) + QStringLiteral(": ") +
             QString::fromLatin1(boundName(op.bound)) + QStringLiteral("-bound, ") +
             formatCount(op.flops) + QStringLiteral("FLOP, ") + formatBytes(op.bytes);
    default:
      return {};
  }
}

QVariant OpTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount ||
      role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  static const char* const kNames[ColumnCount] = {"Op",       "Kind",      "Layer", "Loop",
                                                  "Measured", "Predicted", "Error", "Bound",
                                                  "FLOPs",    "Bytes",     "FLOP/B"};
  return QString::fromLatin1(kNames[section]);
}

}  // namespace looplab::gui
