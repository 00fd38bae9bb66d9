// The History view: one workload's decode step over the store's runs, oldest first -- each run's
// median with its 95% interval, the change points an E-divisive means detector finds marked, and
// the commit of each run below. Clicking a point opens that run. What `looplab gate history`
// prints, for the runs the browser holds.
#pragma once
#include <vector>

#include "gui/models/history.hpp"
#include "gui/views/view_page.hpp"

class QChartView;
class QComboBox;
class QLabel;

namespace looplab::gui {

class HistoryView : public ViewPage {
  Q_OBJECT

 public:
  explicit HistoryView(QWidget* parent = nullptr);
  QString title() const override { return QStringLiteral("History"); }

  void setRuns(std::vector<RunSummary> runs);
  // The series shown (after the label filter), and the one selected.
  const std::vector<HistorySeries>& series() const { return m_series; }
  int currentSeries() const;
  void selectSeries(int index);
  void selectLabel(const QString& label);  // "" = every label
  QString changeText() const;              // the change points of the shown series, one per line
  // The run of the point nearest to a chart value (x: run order), -1 when there is none.
  qint64 runNear(QPointF value) const;

 signals:
  void runActivated(qint64 runId);

 private:
  void rebuild();
  void fillChart();

  std::vector<RunSummary> m_runs;
  std::vector<HistorySeries> m_series;
  QComboBox* m_workload = nullptr;
  QComboBox* m_label = nullptr;
  QChartView* m_chart = nullptr;
  QLabel* m_changes = nullptr;
};

}  // namespace looplab::gui
