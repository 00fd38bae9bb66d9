// The sweep explorer's table: every column of a sweep result plus a Pareto column that marks
// the points on the front of the two chosen axes (ParetoRole), one front per workload (the
// CLI's grouping, sweep_explore.hpp) among the points the filters show. SweepShownProxy hides
// the rows the filters leave out.
#pragma once
#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <vector>

#include "gui/geometry/pareto.hpp"
#include "gui/models/snapshots.hpp"
#include "gui/models/sweep_explore.hpp"

namespace looplab::gui {

class SweepModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  explicit SweepModel(QObject* parent = nullptr);

  void setTable(SweepTable table);
  const SweepTable& table() const { return m_table; }
  // Recomputes the fronts over two numeric columns; non-numeric or unknown columns clear them.
  void setAxes(int xColumn, int yColumn, Goal xGoal, Goal yGoal);
  // Shows only the rows that pass the filter (and recomputes the fronts among them).
  void setFilter(const SweepFilter& filter);
  const SweepFilter& filter() const { return m_filter; }
  bool isShown(std::size_t row) const { return row < m_shown.size() && m_shown[row]; }
  const std::vector<bool>& shown() const { return m_shown; }
  std::size_t shownCount() const;
  const std::vector<bool>& front() const { return m_front; }
  // The workloads the fronts are computed per (workloadGroups of the table).
  const SweepGroups& groups() const { return m_groups; }
  int paretoColumn() const { return static_cast<int>(m_table.columns.size()); }
  // Numeric columns, the ones a user may pick as axes.
  std::vector<int> numericColumns() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 signals:
  void filterChanged();

 private:
  void computeFront();

  SweepTable m_table;
  SweepGroups m_groups;
  SweepFilter m_filter;
  std::vector<bool> m_shown;
  std::vector<bool> m_front;
  int m_xColumn = -1;
  int m_yColumn = -1;
  Goal m_xGoal = Goal::minimize;
  Goal m_yGoal = Goal::minimize;
};

// Rows of a SweepModel that its filter shows.
class SweepShownProxy : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit SweepShownProxy(SweepModel* model, QObject* parent = nullptr);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  SweepModel* m_model;
};

}  // namespace looplab::gui
