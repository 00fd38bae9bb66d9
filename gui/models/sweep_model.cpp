// SweepModel (see sweep_model.hpp).
#include "gui/models/sweep_model.hpp"

#include <cmath>

#include "gui/models/roles.hpp"

namespace looplab::gui {

SweepModel::SweepModel(QObject* parent) : QAbstractTableModel(parent) {}

void SweepModel::setTable(SweepTable table) {
  beginResetModel();
  m_table = std::move(table);
  m_front.assign(m_table.rows, false);
  endResetModel();
}

void SweepModel::setAxes(int xColumn, int yColumn, Goal xGoal, Goal yGoal) {
  const int n = static_cast<int>(m_table.columns.size());
  if (xColumn >= 0 && yColumn >= 0 && xColumn < n && yColumn < n &&
      m_table.columns[static_cast<std::size_t>(xColumn)].numeric &&
      m_table.columns[static_cast<std::size_t>(yColumn)].numeric) {
    m_front = paretoFront(m_table.columns[static_cast<std::size_t>(xColumn)].values,
                          m_table.columns[static_cast<std::size_t>(yColumn)].values, xGoal, yGoal);
  } else {
    m_front.assign(m_table.rows, false);
  }
  if (m_table.rows > 0) {
    emit dataChanged(index(0, paretoColumn()), index(static_cast<int>(m_table.rows) - 1, paretoColumn()));
  }
}

std::vector<int> SweepModel::numericColumns() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < m_table.columns.size(); ++i) {
    if (m_table.columns[i].numeric) out.push_back(static_cast<int>(i));
  }
  return out;
}

int SweepModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_table.rows);
}

int SweepModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_table.columns.size()) + 1;
}

QVariant SweepModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const auto row = static_cast<std::size_t>(index.row());
  const bool onFront = row < m_front.size() && m_front[row];
  if (role == ParetoRole) return onFront;
  if (index.column() == paretoColumn()) {
    if (role == Qt::DisplayRole) return onFront ? QStringLiteral("yes") : QString();
    if (role == SortRole) return onFront ? 1 : 0;
    return {};
  }
  const SweepColumn& c = m_table.columns[static_cast<std::size_t>(index.column())];
  switch (role) {
    case Qt::DisplayRole:
      return QString::fromStdString(m_table.cellText(row, static_cast<std::size_t>(index.column())));
    case SortRole:
      if (!c.numeric) return QString::fromStdString(c.texts[row]);
      return std::isnan(c.values[row]) ? QVariant() : QVariant(c.values[row]);
    case Qt::TextAlignmentRole:
      return c.numeric ? int(Qt::AlignRight | Qt::AlignVCenter) : int(Qt::AlignLeft | Qt::AlignVCenter);
    default:
      return {};
  }
}

QVariant SweepModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section > paretoColumn() || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  // Not "pareto": a sweep file has its own front over three objectives in a column of that name.
  if (section == paretoColumn()) return QStringLiteral("front (x, y)");
  return QString::fromStdString(m_table.columns[static_cast<std::size_t>(section)].name);
}

}  // namespace looplab::gui
