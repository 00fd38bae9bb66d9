// The roofline plot, painted from RooflineGeometry: the hardware's memory and compute ceilings
// (datasheet solid, measured dashed), every op placed by arithmetic intensity and achieved
// FLOP/s, measured as filled circles and predicted as hollow diamonds, colored by bound;
// hovering a marker names the op.
#pragma once
#include <QString>
#include <QWidget>
#include <vector>

#include "gui/geometry/roofline_geometry.hpp"
#include "gui/models/snapshots.hpp"

namespace looplab::gui {

class RooflineWidget : public QWidget {
  Q_OBJECT

 public:
  struct Roof {
    Ceiling ceiling;
    QString label;  // "datasheet", "measured"
    bool dashed = false;
  };
  struct Marker {
    RooflinePoint point;
    std::size_t op = 0;  // index into ops()
    bool measured = true;
  };

  explicit RooflineWidget(QWidget* parent = nullptr);

  void setData(std::vector<Roof> roofs, std::vector<OpRecord> ops);
  const std::vector<Marker>& markers() const { return m_markers; }
  const std::vector<OpRecord>& ops() const { return m_ops; }
  // Ops a log plot cannot show (no FLOPs, no bytes or no time).
  int unplaceable() const { return m_unplaceable; }
  // The geometry of the current widget size (what paintEvent draws with).
  RooflineGeometry geometry() const;
  // Tooltip text for the marker under a widget position, empty when there is none.
  QString hoverText(QPointF pos) const;

  QSize sizeHint() const override { return {720, 480}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  QRectF plotRect() const;
  int markerAt(QPointF pos) const;

  std::vector<Roof> m_roofs;
  std::vector<OpRecord> m_ops;
  std::vector<Marker> m_markers;
  std::vector<RooflinePoint> m_points;  // m_markers' points, for hit testing
  int m_unplaceable = 0;
  int m_hover = -1;
};

}  // namespace looplab::gui
