// SweepModel (see sweep_model.hpp).
#include "gui/models/sweep_model.hpp"

#include <algorithm>
#include <cmath>

#include "gui/models/roles.hpp"
#include "gui/models/sweep_explore.hpp"

namespace looplab::gui {

SweepModel::SweepModel(QObject* parent) : QAbstractTableModel(parent) {}

void SweepModel::setTable(SweepTable table) {
  beginResetModel();
  m_table = std::move(table);
  m_groups = workloadGroups(m_table);
  m_filter = {};
  m_shown.assign(m_table.rows, true);
  m_front.assign(m_table.rows, false);
  m_xColumn = -1;
  m_yColumn = -1;
  endResetModel();
  emit filterChanged();
}

void SweepModel::setAxes(int xColumn, int yColumn, Goal xGoal, Goal yGoal) {
  m_xColumn = xColumn;
  m_yColumn = yColumn;
  m_xGoal = xGoal;
  m_yGoal = yGoal;
  computeFront();
}

void SweepModel::setFilter(const SweepFilter& filter) {
  m_filter = filter;
  m_shown = filterRows(m_table, m_filter);
  computeFront();
  emit filterChanged();
}

std::size_t SweepModel::shownCount() const {
  return static_cast<std::size_t>(std::count(m_shown.begin(), m_shown.end(), true));
}

void SweepModel::computeFront() {
  const int n = static_cast<int>(m_table.columns.size());
  if (m_xColumn >= 0 && m_yColumn >= 0 && m_xColumn < n && m_yColumn < n &&
      m_table.columns[static_cast<std::size_t>(m_xColumn)].numeric &&
      m_table.columns[static_cast<std::size_t>(m_yColumn)].numeric) {
    m_front = paretoFrontPerGroup(m_table.columns[static_cast<std::size_t>(m_xColumn)].values,
                                  m_table.columns[static_cast<std::size_t>(m_yColumn)].values,
                                  frontGroups(m_table, m_groups, m_shown), m_xGoal, m_yGoal);
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
    case Qt::DisplayRole: {
      // Times, bytes, throughputs and FLOPs in a unit picked for the value ("757.6 µs", "4 GB"),
      // as on the chart's axes; counts and unknown columns as written. The exact value is the
      // tooltip and the sort key.
      const std::string text = m_table.cellText(row, static_cast<std::size_t>(index.column()));
      if (!c.numeric || text.empty()) return QString::fromStdString(text);
      const AxisUnit u = axisUnitFor(c.name, c.values[row]);
      if (u.unit.isEmpty() || u.unit == QStringLiteral("tokens")) return QString::fromStdString(text);
      const double v = c.values[row] * u.scale;  // 4 significant digits, never an exponent above 1000
      return QString::number(v, std::abs(v) >= 1000 ? 'f' : 'g', std::abs(v) >= 1000 ? 0 : 4) + QLatin1Char(' ') +
             u.unit;
    }
    case Qt::ToolTipRole: {
      // The exact value; a whole number in full (4000000000, not 4e+09).
      const double v = c.numeric ? c.values[row] : NAN;
      if (std::isfinite(v) && v == std::trunc(v) && std::abs(v) < 1e18) return QString::number(v, 'f', 0);
      return QString::fromStdString(m_table.cellText(row, static_cast<std::size_t>(index.column())));
    }
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
  if (orientation == Qt::Horizontal && section == paretoColumn() && role == Qt::ToolTipRole) {
    return QStringLiteral(
        "on the Pareto front of the chart's two axes among the shown points of its workload "
        "(same hardware, batch and context, as looplab sweep groups its fronts; feasible points only)");
  }
  if (orientation != Qt::Horizontal || section < 0 || section > paretoColumn() || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  // Not "pareto": a sweep file has its own front over three objectives in a column of that name.
  if (section == paretoColumn()) return QStringLiteral("front (x, y)");
  return QString::fromStdString(m_table.columns[static_cast<std::size_t>(section)].name);
}

SweepShownProxy::SweepShownProxy(SweepModel* model, QObject* parent) : QSortFilterProxyModel(parent), m_model(model) {
  setSourceModel(model);
  // One layout change for the whole filter: announcing every removed range is slow on big sweeps.
  connect(model, &SweepModel::filterChanged, this, [this] { invalidate(); });
}

bool SweepShownProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
  return sourceRow >= 0 && m_model->isShown(static_cast<std::size_t>(sourceRow));
}

}  // namespace looplab::gui
