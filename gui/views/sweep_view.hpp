// The sweep explorer: open a sweep result (CSV or a store's sweep), pick two axes, see the
// scatter with one Pareto front per workload (the CLI's grouping: hardware, batch, context),
// colour and filter the points by hardware, model, variant and batch, click a point to see its
// configuration and its predicted step per op kind and per op.
#pragma once
#include <QModelIndex>
#include <string>
#include <vector>

#include "gui/models/snapshots.hpp"
#include "gui/models/sweep_explore.hpp"
#include "gui/views/view_page.hpp"

class QChart;
class QCheckBox;
class QChartView;
class QComboBox;
class QLabel;
class QScatterSeries;
class QTableView;
class QTabWidget;

namespace looplab::gui {

class OpKindModel;
class OpTableModel;
class Predictor;
class SweepModel;
class SweepShownProxy;

class SweepView : public ViewPage {
  Q_OBJECT

 public:
  explicit SweepView(QWidget* parent = nullptr);
  QString title() const override { return QStringLiteral("Sweep"); }

  void setPredictor(const Predictor* predictor) { m_predictor = predictor; }
  // Reads a sweep CSV, a store's newest sweep (a looplab store file) or one of its sweeps
  // ("STORE.db#ID"); on failure returns the reason and keeps the current table.
  QString openFile(const QString& path);
  void setTable(SweepTable table, const QString& name);
  // Axis columns by index into the table (numeric columns only).
  void setAxes(int xColumn, int yColumn);
  // Selects a point: its row in the table, its configuration and its per-op prediction.
  void selectPoint(int row);
  int selectedPoint() const { return m_selected; }
  // The table row nearest to a point in chart value coordinates, -1 when there are no points.
  int nearestPoint(QPointF value) const;
  QString pointDetails() const;
  // Colours the points by a category column ("hardware", "model", "variant", "batch"; empty:
  // one colour) and shows only the points that pass the filter (fronts and table follow).
  void setColourBy(const std::string& column);
  void setFilter(const SweepFilter& filter);
  // The grouping line under the filters: which columns make a workload, how many fronts.
  QString groupingText() const;
  // How the chosen columns read on the chart: label, unit, scale (chart value = value * scale).
  const AxisUnit& xUnit() const { return m_xUnit; }
  const AxisUnit& yUnit() const { return m_yUnit; }
  QChart* chart() const;
  // Front rows of each workload in x order, as the front lines are drawn (workloads with a front).
  const std::vector<std::vector<std::size_t>>& frontLines() const { return m_frontLines; }

  SweepModel* model() const { return m_model; }
  OpTableModel* pointOps() const { return m_pointOps; }
  OpKindModel* pointKinds() const { return m_pointKinds; }

 private:
  void refreshAxes();
  void refreshFilters();
  void applyFilterFromCombos();
  void recompute();
  void fillChart();
  // The table row under a view index, through the table's proxies.
  static QModelIndex toModel(const QModelIndex& index);

  const Predictor* m_predictor = nullptr;
  SweepModel* m_model = nullptr;
  OpTableModel* m_pointOps = nullptr;
  OpKindModel* m_pointKinds = nullptr;
  SweepShownProxy* m_shown = nullptr;
  QLabel* m_file = nullptr;
  QComboBox* m_x = nullptr;
  QComboBox* m_y = nullptr;
  QCheckBox* m_maxX = nullptr;
  QCheckBox* m_maxY = nullptr;
  QLabel* m_count = nullptr;
  QCheckBox* m_log = nullptr;
  QComboBox* m_colourBy = nullptr;
  std::vector<QComboBox*> m_filters;  // categoryColumns() order
  QLabel* m_grouping = nullptr;
  QChartView* m_chart = nullptr;
  QScatterSeries* m_selectedSeries = nullptr;
  QTableView* m_table = nullptr;
  QLabel* m_details = nullptr;
  QTableView* m_opsTable = nullptr;
  QTableView* m_kindsTable = nullptr;
  QTabWidget* m_pointTabs = nullptr;
  AxisUnit m_xUnit;
  AxisUnit m_yUnit;
  std::vector<std::vector<std::size_t>> m_frontLines;
  int m_selected = -1;
  bool m_filling = false;
};

}  // namespace looplab::gui
