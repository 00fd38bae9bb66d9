// The per-op-kind table of a decode step (the run view's table and bars, the what-if panel's
// prediction). Measured figures are store::kind_table's, as the CLI prints them: an op kind's time
// in a step is the sum of its ops in that step, summarised over every decode step (median with
// its 95% interval, mean); an "unattributed" row (step wall time minus its ops) and a "step" row
// close the table, so the rows account for the step: kind means + unattributed = step mean.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "gui/models/snapshots.hpp"
#include "gui/models/verdict.hpp"

namespace looplab::gui {

// engine: a prediction's step time outside its ops (the simulator's per-step engine overhead).
enum class RowType : std::uint8_t { kind, unattributed, step, engine };

struct OpKindRow {
  RowType type = RowType::kind;
  OpKind kind = OpKind::embed;  // RowType::kind rows only
  int count = 0;                // ops of the kind in one step
  std::optional<MeasuredStat> measured;
  std::optional<double> predictedS;  // empty unless every op of the kind was predicted
  double flops = 0.0;
  double bytes = 0.0;
  Bound bound = Bound::unknown;

  // "attn_global", "unattributed", "step".
  QString name() const;
  std::optional<double> measuredS() const;  // the median
  // (predicted - measured median) / measured median * 100, as the CLI computes it.
  std::optional<double> errorPct() const;
};

// Predicted per kind of a list of ops: one row per kind present in the order kinds first appear
// in the plan, predicted sums and the bound holding most of the kind's predicted time. Nothing
// measured: per-op medians do not add up to a kind's median, so they are never summed.
std::vector<OpKindRow> aggregateByKind(const std::vector<OpRecord>& ops);

// aggregateByKind's rows with the measured figures (and predictions) of one phase's
// store::kind_table rows, then that phase's "unattributed" and "step" rows.
std::vector<OpKindRow> kindTable(const std::vector<OpRecord>& ops, const std::vector<KindMeasurement>& measured);

// A whole predicted step per kind (the sweep explorer's point): aggregateByKind's rows, then an
// "engine" row with the step's time outside its ops (stepS minus the ops' sum, when positive)
// and a "step" row with stepS, so the rows account for the predicted step.
std::vector<OpKindRow> predictionTable(const std::vector<OpRecord>& ops, double stepS);

class OpKindModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    KindColumn,
    CountColumn,
    MeasuredColumn,  // median
    IntervalColumn,  // half the 95% interval of the median, relative
    MeanColumn,
    ShareColumn,  // of the step's mean
    PredictedColumn,
    ErrorColumn,
    BoundColumn,
    ColumnCount
  };

  explicit OpKindModel(QObject* parent = nullptr);

  // A prediction only (what-if): the predicted columns, no summary rows.
  void setOps(const std::vector<OpRecord>& ops);
  // A predicted step: predictionTable(ops, stepS); shares are of stepS.
  void setPrediction(const std::vector<OpRecord>& ops, double stepS);
  // A measured run: kindTable(ops, measured). Errors are marked unless both the row's own
  // samples and the run (runVerdict) are quiet.
  void setMeasured(const std::vector<OpRecord>& ops, const std::vector<KindMeasurement>& measured,
                   OptionalVerdict runVerdict);
  const std::vector<OpKindRow>& rows() const { return m_rows; }
  // The "unattributed" and "step" rows (empty for a prediction).
  std::vector<OpKindRow> summaryRows() const;
  // The step's mean measured time: the denominator of the share column (0 when unmeasured).
  double stepMeanS() const { return m_stepMeanS; }
  // A prediction: the predicted step (setPrediction) or the kinds' predicted sum (setOps), the
  // denominator of its share column.
  double predictedStepS() const { return m_predictedStepS; }
  // The verdict an error of this row is marked with.
  OptionalVerdict errorVerdict(const OpKindRow& row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  void reset(std::vector<OpKindRow> rows, OptionalVerdict runVerdict, bool measured);

  std::vector<OpKindRow> m_rows;
  OptionalVerdict m_runVerdict;
  bool m_measured = false;
  double m_stepMeanS = 0.0;
  double m_predictedStepS = 0.0;
};

// Tooltip of a measured figure: "median of 80 decode steps, 95% interval [..], p10 .., p90 ..,
// 3 outliers: noisy".
QString measuredToolTip(const MeasuredStat& m);

}  // namespace looplab::gui
