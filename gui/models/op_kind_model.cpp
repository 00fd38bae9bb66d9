// aggregateByKind and OpKindModel (see op_kind_model.hpp).
#include "gui/models/op_kind_model.hpp"

#include <array>

#include "gui/models/format.hpp"
#include "gui/models/roles.hpp"

namespace looplab::gui {

std::optional<double> OpKindRow::errorPct() const {
  if (!measuredS || !predictedS || !(*measuredS > 0.0)) return std::nullopt;
  return (*predictedS - *measuredS) / *measuredS * 100.0;
}

std::vector<OpKindRow> aggregateByKind(const std::vector<OpRecord>& ops) {
  std::vector<OpKindRow> rows;
  std::array<int, kOpKindCount> rowOfKind{};
  rowOfKind.fill(-1);
  // Predicted seconds per bound, per row, to pick the dominant bound.
  std::vector<std::array<double, 4>> boundTime;
  std::vector<bool> allMeasured;
  std::vector<bool> allPredicted;
  for (const OpRecord& op : ops) {
    const auto k = static_cast<std::size_t>(op.kind);
    if (k >= rowOfKind.size()) continue;
    if (rowOfKind[k] < 0) {
      rowOfKind[k] = static_cast<int>(rows.size());
      OpKindRow r;
      r.kind = op.kind;
      r.measuredS = 0.0;
      r.predictedS = 0.0;
      rows.push_back(r);
      boundTime.push_back({0.0, 0.0, 0.0, 0.0});
      allMeasured.push_back(true);
      allPredicted.push_back(true);
    }
    const auto i = static_cast<std::size_t>(rowOfKind[k]);
    OpKindRow& r = rows[i];
    ++r.count;
    r.flops += op.flops;
    r.bytes += op.bytes;
    if (op.measuredS)
      *r.measuredS += *op.measuredS;
    else
      allMeasured[i] = false;
    if (op.predictedS) {
      *r.predictedS += *op.predictedS;
      boundTime[i][static_cast<std::size_t>(op.bound)] += *op.predictedS;
    } else {
      allPredicted[i] = false;
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!allMeasured[i]) rows[i].measuredS.reset();
    if (!allPredicted[i]) rows[i].predictedS.reset();
    std::size_t best = 0;
    for (std::size_t b = 1; b < 4; ++b) {
      if (boundTime[i][b] > boundTime[i][best]) best = b;
    }
    rows[i].bound = boundTime[i][best] > 0.0 ? static_cast<Bound>(best) : Bound::unknown;
  }
  return rows;
}

OpKindModel::OpKindModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpKindModel::setOps(const std::vector<OpRecord>& ops) {
  beginResetModel();
  m_rows = aggregateByKind(ops);
  m_measuredTotalS = 0.0;
  for (const OpKindRow& r : m_rows) m_measuredTotalS += r.measuredS.value_or(0.0);
  endResetModel();
}

int OpKindModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int OpKindModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant OpKindModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const OpKindRow& r = m_rows[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  const std::string_view kind = to_string(r.kind);
  const std::optional<double> share =
      r.measuredS && m_measuredTotalS > 0.0
          ? std::optional<double>(*r.measuredS / m_measuredTotalS * 100.0)
          : std::nullopt;
  if (role == Qt::DisplayRole) {
    switch (column) {
      case KindColumn:
        return QString::fromLatin1(kind.data(), static_cast<qsizetype>(kind.size()));
      case CountColumn:
        return r.count;
      case MeasuredColumn:
        return formatOptionalDuration(r.measuredS);
      case PredictedColumn:
        return formatOptionalDuration(r.predictedS);
      case ErrorColumn:
        return formatOptionalPercent(r.errorPct());
      case ShareColumn:
        return share ? QString::number(*share, 'f', 1) + QStringLiteral(" %")
                     : QStringLiteral("\u2014");
      case BoundColumn:
        return QString::fromLatin1(boundName(r.bound));
      default:
        return {};
    }
  }
  auto number = [](const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); };
  switch (role) {
    case SortRole:
      switch (column) {
        case KindColumn:
          return static_cast<int>(r.kind);
        case CountColumn:
          return r.count;
        case MeasuredColumn:
          return number(r.measuredS);
        case PredictedColumn:
          return number(r.predictedS);
        case ErrorColumn:
          return number(r.errorPct());
        case ShareColumn:
          return number(share);
        case BoundColumn:
          return static_cast<int>(r.bound);
        default:
          return {};
      }
    case Qt::TextAlignmentRole:
      return column == KindColumn || column == BoundColumn
                 ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                 : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case BoundRole:
      return static_cast<int>(r.bound);
    default:
      return {};
  }
}

QVariant OpKindModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount ||
      role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  static const char* const kNames[ColumnCount] = {"Kind",  "Ops",   "Measured", "Predicted",
                                                  "Error", "Share", "Bound"};
  return QString::fromLatin1(kNames[section]);
}

}  // namespace looplab::gui
