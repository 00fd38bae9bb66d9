// RooflineWidget painting and hover (see roofline_widget.hpp).
#include "gui/views/roofline_widget.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <cmath>

#include "gui/models/format.hpp"
#include "gui/views/palette.hpp"

namespace looplab::gui {

namespace {
constexpr double kLeftPx = 104.0;
constexpr double kRightPx = 24.0;
constexpr double kTopPx = 36.0;
constexpr double kBottomPx = 52.0;
constexpr double kHitRadiusPx = 7.0;

QString intensityLabel(double v) {
  if (v >= 1.0 && v < 1e6) return QString::number(v, 'f', v >= 100.0 ? 0 : 1).remove(QStringLiteral(".0"));
  return QString::number(v, 'g', 2);
}

// A decade of FLOP/s as "1 TFLOP/s", "10 TFLOP/s", "100 TFLOP/s".
QString decadeLabel(double v) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int e = static_cast<int>(std::lround(std::log10(v)));
  if (e < 0) return QString::number(v, 'g', 2) + QStringLiteral(" FLOP/s");
  const int prefix = std::min(e / 3, 6);
  const int mantissa = static_cast<int>(std::lround(std::pow(10.0, e - 3 * prefix)));
  return QString::number(mantissa) + QLatin1Char(' ') + QString::fromLatin1(kPrefixes[prefix]) +
         QStringLiteral("FLOP/s");
}
}  // namespace

RooflineWidget::RooflineWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(360, 260);
  setAutoFillBackground(true);
  QPalette p = palette();
  p.setColor(QPalette::Window, Qt::white);
  setPalette(p);
}

void RooflineWidget::setData(std::vector<Roof> roofs, std::vector<OpRecord> ops) {
  m_roofs = std::move(roofs);
  m_ops = std::move(ops);
  m_markers.clear();
  m_points.clear();
  m_unplaceable = 0;
  m_hover = -1;
  for (std::size_t i = 0; i < m_ops.size(); ++i) {
    const OpRecord& op = m_ops[i];
    const double intensity = op.intensity();
    bool placed = false;
    for (bool measured : {true, false}) {
      const std::optional<double>& t = measured ? op.measuredS : op.predictedS;
      if (!t || !(*t > 0.0)) continue;
      const RooflinePoint p{intensity, op.flops / *t};
      if (!RooflineGeometry::placeable(p)) continue;
      m_markers.push_back(Marker{p, i, measured});
      m_points.push_back(p);
      placed = true;
    }
    if (!placed) ++m_unplaceable;
  }
  update();
}

QRectF RooflineWidget::plotRect() const {
  return QRectF(kLeftPx, kTopPx, std::max(10.0, width() - kLeftPx - kRightPx),
                std::max(10.0, height() - kTopPx - kBottomPx));
}

RooflineGeometry RooflineWidget::geometry() const {
  std::vector<Ceiling> ceilings;
  for (const Roof& r : m_roofs) ceilings.push_back(r.ceiling);
  const QRectF plot = plotRect();
  return RooflineGeometry::fit(ceilings, m_points, plot.left(), plot.top(), plot.width(), plot.height());
}

int RooflineWidget::markerAt(QPointF pos) const { return geometry().hitTest(m_points, pos.x(), pos.y(), kHitRadiusPx); }

QString RooflineWidget::hoverText(QPointF pos) const {
  const int i = markerAt(pos);
  if (i < 0) return {};
  const Marker& m = m_markers[static_cast<std::size_t>(i)];
  const OpRecord& op = m_ops[m.op];
  return QStringLiteral("%1 (%2)\n%3: %4, %5\nintensity %6 FLOP/B, %7 FLOP, %8\npredicted bound: %9")
      .arg(QString::fromStdString(op.name), m.measured ? QStringLiteral("measured") : QStringLiteral("predicted"),
           m.measured ? QStringLiteral("measured") : QStringLiteral("predicted"),
           formatOptionalDuration(m.measured ? op.measuredS : op.predictedS), formatRate(m.point.flopsPerS, "FLOP/s"),
           intensityLabel(m.point.intensity), formatCount(op.flops), formatBytes(op.bytes),
           QString::fromLatin1(boundName(op.bound)));
}

void RooflineWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), Qt::white);
  const QRectF plot = plotRect();
  const RooflineGeometry g = geometry();

  // Decade grid and labels.
  p.setPen(QPen(QColor(0xE0, 0xE0, 0xE0), 1.0));
  const QFontMetrics fm = fontMetrics();
  for (double v : g.intensityAxis.decades()) {
    const double x = g.intensityAxis.toPx(v);
    p.setPen(QPen(QColor(0xE0, 0xE0, 0xE0), 1.0));
    p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    p.setPen(Qt::black);
    const QString label = intensityLabel(v);
    p.drawText(QPointF(x - fm.horizontalAdvance(label) / 2.0, plot.bottom() + fm.height() + 2), label);
  }
  for (double v : g.flopsAxis.decades()) {
    const double y = g.flopsAxis.toPx(v);
    p.setPen(QPen(QColor(0xE0, 0xE0, 0xE0), 1.0));
    p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    p.setPen(Qt::black);
    const QString label = decadeLabel(v);
    p.drawText(QPointF(plot.left() - fm.horizontalAdvance(label) - 6, y + fm.ascent() / 2.0), label);
  }
  p.setPen(QPen(Qt::black, 1.0));
  p.drawRect(plot);
  p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 6, plot.width(), fm.height() + 4), Qt::AlignCenter,
             QStringLiteral("arithmetic intensity (FLOP per byte moved)"));
  p.save();
  p.translate(12, plot.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-plot.height() / 2.0, -fm.height(), plot.height(), fm.height() + 4), Qt::AlignCenter,
             QStringLiteral("achieved FLOP/s"));
  p.restore();

  p.setClipRect(plot);
  // Ceilings, with the ridge point marked.
  std::vector<double> labelBaselines;  // of the labels drawn so far
  for (const Roof& roof : m_roofs) {
    const auto line = g.ceilingPolyline(roof.ceiling);
    if (line.size() < 2) continue;
    QPen pen(QColor(0x33, 0x33, 0x33), 2.0);
    if (roof.dashed) pen.setStyle(Qt::DashLine);
    p.setPen(pen);
    QPainterPath path(QPointF(line[0].x, line[0].y));
    for (std::size_t i = 1; i < line.size(); ++i) path.lineTo(line[i].x, line[i].y);
    p.drawPath(path);
    const PixelPoint ridge = g.place({roof.ceiling.ridgeIntensity(), roof.ceiling.peakFlopsPerS});
    p.drawEllipse(QPointF(ridge.x, ridge.y), 3.0, 3.0);
    const QString text =
        QStringLiteral("%1: %2, %3, ridge %4 FLOP/B")
            .arg(roof.label, formatRate(roof.ceiling.peakFlopsPerS, "FLOP/s"),
                 formatRate(roof.ceiling.bandwidthBytesPerS, "B/s"), intensityLabel(roof.ceiling.ridgeIntensity()));
    // Right-aligned above its flat roof: no op reaches above a roof, so no marker is covered (a
    // label below the line sat on the compute-bound markers). A label that would touch one
    // already drawn (two roofs close together) moves up above it.
    const double labelX = plot.right() - fm.horizontalAdvance(text) - 6;
    double labelY = ridge.y - 9;
    for (bool moved = true; moved;) {
      moved = false;
      for (const double other : labelBaselines)
        if (std::abs(other - labelY) < fm.height() + 2) {
          labelY = other - fm.height() - 2;
          moved = true;
        }
    }
    labelBaselines.push_back(labelY);
    p.drawText(QPointF(labelX, labelY), text);
  }
  // Markers: measured filled circles, predicted hollow diamonds; a thin line joins an op's pair.
  for (std::size_t i = 0; i + 1 < m_markers.size(); ++i) {
    const Marker& a = m_markers[i];
    const Marker& b = m_markers[i + 1];
    if (a.op == b.op && a.measured && !b.measured) {
      const PixelPoint pa = g.place(a.point);
      const PixelPoint pb = g.place(b.point);
      p.setPen(QPen(QColor(0xBB, 0xBB, 0xBB), 1.0));
      p.drawLine(QPointF(pa.x, pa.y), QPointF(pb.x, pb.y));
    }
  }
  for (std::size_t i = 0; i < m_markers.size(); ++i) {
    const Marker& m = m_markers[i];
    const PixelPoint q = g.place(m.point);
    const QColor color = boundColor(m_ops[m.op].bound);
    const double r = static_cast<int>(i) == m_hover ? 6.5 : 4.5;
    if (m.measured) {
      p.setPen(QPen(color.darker(130), 1.0));
      p.setBrush(color);
      p.drawEllipse(QPointF(q.x, q.y), r, r);
    } else {
      p.setPen(QPen(color, 1.8));
      p.setBrush(Qt::NoBrush);
      QPolygonF diamond;
      diamond << QPointF(q.x, q.y - r - 1) << QPointF(q.x + r + 1, q.y) << QPointF(q.x, q.y + r + 1)
              << QPointF(q.x - r - 1, q.y);
      p.drawPolygon(diamond);
    }
  }
  p.setClipping(false);

  // Legend.
  p.setBrush(Qt::NoBrush);
  double lx = plot.left();
  const double ly = 8.0 + fm.ascent();
  auto legendItem = [&](const QColor& c, bool filled, const QString& text) {
    p.setPen(QPen(c, filled ? 1.0 : 1.8));
    p.setBrush(filled ? QBrush(c) : QBrush(Qt::NoBrush));
    p.drawEllipse(QPointF(lx + 5, ly - fm.ascent() / 2.0 + 1), 4.5, 4.5);
    p.setPen(Qt::black);
    p.setBrush(Qt::NoBrush);
    p.drawText(QPointF(lx + 14, ly), text);
    lx += 24 + fm.horizontalAdvance(text);
  };
  legendItem(Qt::darkGray, true, QStringLiteral("measured"));
  legendItem(Qt::darkGray, false, QStringLiteral("predicted (hollow)"));
  legendItem(boundColor(Bound::memory), true, QStringLiteral("memory-bound"));
  legendItem(boundColor(Bound::compute), true, QStringLiteral("compute-bound"));
  legendItem(boundColor(Bound::launch), true, QStringLiteral("launch-bound"));
  if (m_markers.empty()) {
    p.setPen(Qt::black);
    p.drawText(plot, Qt::AlignCenter, QStringLiteral("No op with FLOPs, bytes and a time to place"));
  }
}

void RooflineWidget::mouseMoveEvent(QMouseEvent* event) {
  const int hover = markerAt(event->position());
  if (hover != m_hover) {
    m_hover = hover;
    update();
  }
  if (hover >= 0) {
    QToolTip::showText(event->globalPosition().toPoint(), hoverText(event->position()), this);
  } else {
    QToolTip::hideText();
  }
}

void RooflineWidget::leaveEvent(QEvent*) {
  m_hover = -1;
  update();
}

}  // namespace looplab::gui
