// The run view, looplab's signature view: one run's decode step op by op, measured against
// predicted, per op kind (bars and table) and per op (table), tinted by the predicted bound, each
// table closed by the step's unattributed time and the step itself; the step-latency
// distribution; a header with the run's noise verdict, its step statistics and the machine's
// state, marked in color when the run is not quiet; the run's KV and weight bytes.
#pragma once
#include "gui/data/store_loader.hpp"
#include "gui/models/verdict.hpp"
#include "gui/views/view_page.hpp"

class QChartView;
class QLabel;
class QTableView;
class QTabWidget;

namespace looplab::gui {

class OpKindModel;
class OpTableModel;

class RunView : public ViewPage {
  Q_OBJECT

 public:
  explicit RunView(QWidget* parent = nullptr);
  QString title() const override { return QStringLiteral("Run"); }

  void setRun(RunDetailSnapshot run);
  const RunDetailSnapshot& run() const { return m_run; }
  OpKindModel* kindModel() const { return m_kindModel; }
  OpTableModel* opModel() const { return m_opModel; }
  QString headerText() const;
  // The verdict the header is marked with (none: no run, or a run without statistics).
  OptionalVerdict headerVerdict() const { return m_headerVerdict; }
  // True when the header carries the colored frame of a noisy, unusable or verdict-less run.
  bool headerMarked() const;

 private:
  void fillKindChart();
  void fillHistogram();
  void fillHeader();

  RunDetailSnapshot m_run;
  OptionalVerdict m_headerVerdict;
  QLabel* m_header = nullptr;
  QChartView* m_kindChart = nullptr;
  QChartView* m_histChart = nullptr;
  QTabWidget* m_tabs = nullptr;
  OpKindModel* m_kindModel = nullptr;
  OpTableModel* m_opModel = nullptr;
};

}  // namespace looplab::gui
