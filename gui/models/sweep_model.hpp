// The sweep explorer's table: every column of a sweep result plus a Pareto column that marks
// the points on the front of the two chosen axes (ParetoRole).
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "gui/geometry/pareto.hpp"
#include "gui/models/snapshots.hpp"

namespace looplab::gui {

class SweepModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  explicit SweepModel(QObject* parent = nullptr);

  void setTable(SweepTable table);
  const SweepTable& table() const { return m_table; }
  // Recomputes the front over two numeric columns; non-numeric or unknown columns clear it.
  void setAxes(int xColumn, int yColumn, Goal xGoal, Goal yGoal);
  const std::vector<bool>& front() const { return m_front; }
  int paretoColumn() const { return static_cast<int>(m_table.columns.size()); }
  // Numeric columns, the ones a user may pick as axes.
  std::vector<int> numericColumns() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  SweepTable m_table;
  std::vector<bool> m_front;
};

}  // namespace looplab::gui
