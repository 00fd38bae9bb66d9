// The compare view: decode latency against batch for the variants (measured points, predicted
// lines) on one chart, KV bytes against context, and the five-variant ladder of the paper's
// Table 2 (latency and KV relative to vanilla), measured and predicted.
#pragma once
#include <vector>

#include "gui/data/store_loader.hpp"
#include "gui/views/view_page.hpp"

class QChartView;
class QLabel;
class QTableView;

namespace looplab::gui {

class LadderModel;
class Predictor;

class CompareView : public ViewPage {
  Q_OBJECT

 public:
  explicit CompareView(QWidget* parent = nullptr);
  QString title() const override { return QStringLiteral("Compare"); }

  // The simulator draws the predicted lines when present; else they join stored predictions.
  void setPredictor(const Predictor* predictor) { m_predictor = predictor; }
  // The runs to compare, and the current run whose config gives the KV-vs-context lines.
  void setRuns(std::vector<RunSummary> runs, RunDetailSnapshot current);
  LadderModel* ladderModel() const { return m_ladder; }
  QString ladderCaption() const;

 private:
  void fillLatencyChart();
  void fillKvChart();

  const Predictor* m_predictor = nullptr;
  std::vector<RunSummary> m_runs;
  RunDetailSnapshot m_current;
  QChartView* m_latencyChart = nullptr;
  QChartView* m_kvChart = nullptr;
  QLabel* m_caption = nullptr;
  LadderModel* m_ladder = nullptr;
  QTableView* m_ladderTable = nullptr;
};

}  // namespace looplab::gui
