// The run view's per-op table: every plan op of a decode step with measured and predicted time,
// error %, the predicted bound (BoundRole, the view colors by it), FLOPs, bytes and intensity.
// Also shows prediction-only op lists (what-if, sweep point), whose measured column is empty.
#pragma once
#include <QAbstractTableModel>
#include <vector>

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
    MeasuredColumn,
    PredictedColumn,
    ErrorColumn,
    BoundColumn,
    FlopsColumn,
    BytesColumn,
    IntensityColumn,
    ColumnCount
  };

  explicit OpTableModel(QObject* parent = nullptr);

  void setOps(std::vector<OpRecord> ops);
  const std::vector<OpRecord>& ops() const { return m_ops; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<OpRecord> m_ops;
};

// "1", "1-2": the loops an op touches.
QString loopText(std::int32_t lo, std::int32_t hi);

}  // namespace looplab::gui
