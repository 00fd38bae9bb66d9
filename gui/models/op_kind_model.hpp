// Per-op-kind sums of a decode step (the run view's summary table and bar chart): measured and
// predicted time, error %, share of the measured step, and the bound that holds most of the
// kind's predicted time.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

struct OpKindRow {
  OpKind kind = OpKind::embed;
  int count = 0;
  std::optional<double> measuredS;   // sum; empty unless every op of the kind was measured
  std::optional<double> predictedS;  // sum; empty unless every op of the kind was predicted
  double flops = 0.0;
  double bytes = 0.0;
  Bound bound = Bound::unknown;

  std::optional<double> errorPct() const;
};

// One row per kind present, in the order kinds first appear in the plan.
std::vector<OpKindRow> aggregateByKind(const std::vector<OpRecord>& ops);

class OpKindModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    KindColumn,
    CountColumn,
    MeasuredColumn,
    PredictedColumn,
    ErrorColumn,
    ShareColumn,
    BoundColumn,
    ColumnCount
  };

  explicit OpKindModel(QObject* parent = nullptr);

  void setOps(const std::vector<OpRecord>& ops);
  const std::vector<OpKindRow>& rows() const { return m_rows; }
  // Sum of measured time over every kind (the denominator of the share column).
  double measuredTotalS() const { return m_measuredTotalS; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<OpKindRow> m_rows;
  double m_measuredTotalS = 0.0;
};

}  // namespace looplab::gui
