// The timeline of one decode step: lanes of measured ops, kernels per stream (GPU runs), the
// step's unattributed time (the gaps no measured op covers, hatched) and the predicted ops laid
// end to end, painted through TimeAxis. Wheel zooms about the cursor, drag pans, double-click
// fits the step; hovering a box names its op.
#pragma once
#include <QRectF>
#include <QString>
#include <QWidget>
#include <utility>
#include <vector>

#include "gui/geometry/time_axis.hpp"
#include "gui/models/snapshots.hpp"

namespace looplab::gui {

class TimelineWidget : public QWidget {
  Q_OBJECT

 public:
  struct Lane {
    QString name;
    std::vector<Span> spans;
    bool unattributed = false;  // the gaps lane: hatched, no op behind its boxes
  };

  explicit TimelineWidget(QWidget* parent = nullptr);

  // Measured op spans and kernels of one step, and the plan's ops (predictedS lays them out).
  // stepWallS: the step's wall time, so a gap after the last op counts (0: the last op's end).
  // The unattributed lane holds what no measured op covers: op spans on a CPU, kernels on a GPU
  // (its measured time is the kernels').
  void setStep(const std::vector<Span>& measuredOps, const std::vector<Span>& kernels, const std::vector<OpRecord>& ops,
               double stepWallS = 0.0);
  // Total time of the unattributed lane's gaps.
  double gapS() const { return m_gapS; }
  const std::vector<Lane>& lanes() const { return m_lanes; }
  const TimeAxis& axis() const { return m_axis; }
  TimeAxis& axis() { return m_axis; }
  void zoomBy(double factor);  // about the centre
  void fit();
  // Where a lane is drawn: the lanes share the widget's height (between a text line and 200 px
  // each), so a step's few lanes fill the view.
  QRectF laneRect(int lane) const;
  double laneHeight() const;
  // The earliest start and latest end over every lane's spans ({0, 0} without spans).
  std::pair<double, double> dataRangeS() const;
  // The span under a widget position: lane and span index, or {-1, -1}.
  std::pair<int, int> spanAt(QPointF pos) const;
  QString hoverText(QPointF pos) const;

  QSize sizeHint() const override { return {900, 300}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  double laneTop(int lane) const;
  void syncAxisToWidth();

  std::vector<Lane> m_lanes;
  std::vector<OpKind> m_kindOfOp;  // by op index, for colors
  TimeAxis m_axis;
  double m_gapS = 0.0;
  double m_dragX = 0.0;
  bool m_dragging = false;
  bool m_fitted = true;  // the whole step shown: resizes keep it fitted
};

}  // namespace looplab::gui
