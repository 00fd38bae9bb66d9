// The sweep explorer: open a sweep result (CSV), pick two axes, see the scatter with the Pareto
// front highlighted, click a point to see its configuration and per-op prediction.
#pragma once
#include "gui/models/snapshots.hpp"
#include "gui/views/view_page.hpp"

class QCheckBox;
class QChartView;
class QComboBox;
class QLabel;
class QScatterSeries;
class QTableView;

namespace looplab::gui {

class OpTableModel;
class Predictor;
class SweepModel;

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

  SweepModel* model() const { return m_model; }
  OpTableModel* pointOps() const { return m_pointOps; }

 private:
  void refreshAxes();
  void recompute();
  void fillChart();

  const Predictor* m_predictor = nullptr;
  SweepModel* m_model = nullptr;
  OpTableModel* m_pointOps = nullptr;
  QLabel* m_file = nullptr;
  QComboBox* m_x = nullptr;
  QComboBox* m_y = nullptr;
  QCheckBox* m_maxX = nullptr;
  QCheckBox* m_maxY = nullptr;
  QLabel* m_count = nullptr;
  QCheckBox* m_log = nullptr;
  QChartView* m_chart = nullptr;
  QScatterSeries* m_selectedSeries = nullptr;
  QTableView* m_table = nullptr;
  QLabel* m_details = nullptr;
  QTableView* m_opsTable = nullptr;
  int m_selected = -1;
  bool m_filling = false;
};

}  // namespace looplab::gui
