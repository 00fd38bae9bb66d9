// The runs browser's table: one row per stored run over a RunSummary snapshot. Filled in one
// reset from a snapshot loaded off the GUI thread, so 100,000 rows cost one swap, not 100,000
// inserts.
#pragma once
#include <QAbstractTableModel>
#include <QHash>
#include <memory>
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

class RunListModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    IdColumn,
    ModelColumn,
    VariantColumn,
    LoopsColumn,
    WindowColumn,
    BatchColumn,
    ContextColumn,
    MeasuredColumn,
    IntervalColumn,  // half the decode step's 95% interval, relative to the median
    PredictedColumn,
    ErrorColumn,
    VerdictColumn,  // quiet | noisy | unusable, the reason as tooltip
    BackendColumn,
    HardwareColumn,
    CreatedColumn,
    ColumnCount
  };

  explicit RunListModel(QObject* parent = nullptr);

  // Shares the loader's snapshot: no copy of 100,000 rows on the GUI thread.
  void setRuns(std::shared_ptr<const std::vector<RunSummary>> runs);
  void setRuns(std::vector<RunSummary> runs);
  const std::vector<RunSummary>& runs() const { return *m_runs; }
  const RunSummary* runAt(int row) const;
  // Row of a run id, -1 when the snapshot has no such run.
  int rowOfId(qint64 id) const;
  // Strict ordering of two rows by a column, missing values last; the proxy's fast path.
  bool lessThan(int leftRow, int rightRow, int column) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QVariant display(const RunSummary& run, int column) const;
  QVariant sortValue(const RunSummary& run, int column) const;
  QVariant toolTip(const RunSummary& run, int column) const;

  std::shared_ptr<const std::vector<RunSummary>> m_runs;
  QHash<qint64, int> m_rowOfId;
};

}  // namespace looplab::gui
