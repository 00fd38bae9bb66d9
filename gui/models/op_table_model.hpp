// The run view's per-op table: every plan op of a decode step with its measured time (median
// and mean over the decode steps), predicted time, error %, the predicted bound (BoundRole, the
// view colors by it), FLOPs, bytes and intensity; then the step's "unattributed" and "step" rows,
// so the op means visibly add up to the step. Also shows prediction-only op lists (what-if, sweep
// point), whose measured columns are empty and which have no summary rows.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "gui/models/op_kind_model.hpp"
#include "gui/models/snapshots.hpp"

namespace looplab::gui {

class OpTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    NameColumn,
    KindColumn,
    LayerColumn,
    LoopColumn,
    MeasuredColumn,  // median
    MeanColumn,
    PredictedColumn,
    ErrorColumn,
    BoundColumn,
    FlopsColumn,
    BytesColumn,
    IntensityColumn,
    ColumnCount
  };

  explicit OpTableModel(QObject* parent = nullptr);

  // `summary`: the kind table's "unattributed" and "step" rows, shown below the ops. Errors are
  // marked with runVerdict unless the run is quiet (a prediction only: leave both empty).
  void setOps(std::vector<OpRecord> ops, std::vector<OpKindRow> summary = {},
              OptionalVerdict runVerdict = stats::Verdict::quiet);
  const std::vector<OpRecord>& ops() const { return m_ops; }
  const std::vector<OpKindRow>& summaryRows() const { return m_summary; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QVariant opData(const OpRecord& op, int column, int role) const;
  QVariant summaryData(const OpKindRow& row, int column, int role) const;

  std::vector<OpRecord> m_ops;
  std::vector<OpKindRow> m_summary;
  OptionalVerdict m_runVerdict = stats::Verdict::quiet;
};

// "1", "1-2": the loops an op touches.
QString loopText(std::int32_t lo, std::int32_t hi);

}  // namespace looplab::gui
