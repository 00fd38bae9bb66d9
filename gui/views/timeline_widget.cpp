// TimelineWidget (see timeline_widget.hpp).
#include "gui/views/timeline_widget.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "gui/geometry/gaps.hpp"
#include "gui/models/format.hpp"
#include "gui/views/palette.hpp"

namespace looplab::gui {

namespace {
constexpr double kLabelPx = 130.0;
constexpr double kRightPx = 12.0;
constexpr double kAxisPx = 30.0;
constexpr double kMinLaneHeightPx = 34.0;
constexpr double kMaxLaneHeightPx = 200.0;
constexpr double kLaneGapPx = 8.0;
constexpr double kLegendPx = 26.0;
}  // namespace

TimelineWidget::TimelineWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(400, 160);
  setAutoFillBackground(true);
  QPalette p = palette();
  p.setColor(QPalette::Window, Qt::white);
  setPalette(p);
  m_axis = TimeAxis::fit(1e-3, kLabelPx, 400.0);
}

void TimelineWidget::setStep(const std::vector<Span>& measuredOps, const std::vector<Span>& kernels,
                             const std::vector<OpRecord>& ops, double stepWallS) {
  m_lanes.clear();
  m_kindOfOp.clear();
  m_gapS = 0.0;
  for (const OpRecord& op : ops) {
    if (op.index >= 0) {
      if (static_cast<std::size_t>(op.index) >= m_kindOfOp.size())
        m_kindOfOp.resize(static_cast<std::size_t>(op.index) + 1, OpKind::argmax);
      m_kindOfOp[static_cast<std::size_t>(op.index)] = op.kind;
    }
  }
  double endS = 0.0;
  if (!measuredOps.empty()) {
    Lane lane{QStringLiteral("measured ops"), measuredOps};
    for (const Span& s : lane.spans) endS = std::max(endS, s.startS + s.durationS);
    m_lanes.push_back(std::move(lane));
  }
  std::map<std::int32_t, Lane> streams;
  for (const Span& k : kernels) {
    Lane& lane = streams[k.lane];
    lane.name = QStringLiteral("kernels, stream %1").arg(k.lane);
    lane.spans.push_back(k);
    endS = std::max(endS, k.startS + k.durationS);
  }
  for (auto& [id, lane] : streams) m_lanes.push_back(std::move(lane));
  // The step's unattributed time, where it happened: the gaps between what was measured.
  const std::vector<Span>& measured = kernels.empty() ? measuredOps : kernels;
  if (!measured.empty()) {
    std::vector<TimeInterval> covered;
    covered.reserve(measured.size());
    for (const Span& s : measured) covered.push_back({s.startS, s.startS + s.durationS});
    const double wall = std::max(stepWallS, endS);
    Lane gaps{QStringLiteral("unattributed"), {}, true};
    for (const TimeInterval& g : uncoveredIntervals(std::move(covered), 0.0, wall)) {
      gaps.spans.push_back(Span{-1, "unattributed", g.startS, g.durationS(), 0});
      m_gapS += g.durationS();
    }
    endS = wall;
    m_lanes.push_back(std::move(gaps));
  }
  Lane predicted{QStringLiteral("predicted ops"), {}};
  double t = 0.0;
  for (const OpRecord& op : ops) {
    if (!op.predictedS) continue;
    predicted.spans.push_back(Span{op.index, op.name, t, *op.predictedS, 0});
    t += *op.predictedS;
  }
  endS = std::max(endS, t);
  if (!predicted.spans.empty()) m_lanes.push_back(std::move(predicted));
  // Open fitted: the step's start to the end of whatever ends last (the step's wall time, the
  // last kernel, or the predicted ops end to end), across the whole drawing width.
  m_axis = TimeAxis::fit(endS > 0.0 ? endS : 1e-3, kLabelPx, std::max(1.0, width() - kLabelPx - kRightPx));
  m_fitted = true;
  update();
}

void TimelineWidget::syncAxisToWidth() {
  // Until the user zooms or pans, the step stays fitted to the width; afterwards a resize keeps
  // the visible time window.
  if (m_fitted) {
    m_axis = TimeAxis::fit(m_axis.totalS, kLabelPx, std::max(1.0, width() - kLabelPx - kRightPx));
  } else {
    m_axis.resize(kLabelPx, std::max(1.0, width() - kLabelPx - kRightPx));
  }
}

void TimelineWidget::zoomBy(double factor) {
  m_fitted = false;
  m_axis.zoom(factor, m_axis.leftPx + m_axis.widthPx / 2.0);
  update();
}

void TimelineWidget::fit() {
  m_fitted = true;
  m_axis = TimeAxis::fit(m_axis.totalS, kLabelPx, std::max(1.0, width() - kLabelPx - kRightPx));
  update();
}

double TimelineWidget::laneHeight() const {
  // The lanes share the height left by the axis and the legend, so a few lanes fill the view
  // instead of sitting in its top quarter; never thinner than a line of text, never so tall that
  // a box stops reading as a bar.
  const auto lanes = static_cast<double>(std::max<std::size_t>(m_lanes.size(), 1));
  const double room = static_cast<double>(height()) - kAxisPx - kLegendPx;
  return std::clamp(room / lanes - kLaneGapPx, kMinLaneHeightPx, kMaxLaneHeightPx);
}

double TimelineWidget::laneTop(int lane) const { return kAxisPx + lane * (laneHeight() + kLaneGapPx); }

QRectF TimelineWidget::laneRect(int lane) const { return {m_axis.leftPx, laneTop(lane), m_axis.widthPx, laneHeight()}; }

std::pair<double, double> TimelineWidget::dataRangeS() const {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const Lane& lane : m_lanes) {
    for (const Span& s : lane.spans) {
      lo = std::min(lo, s.startS);
      hi = std::max(hi, s.startS + s.durationS);
    }
  }
  if (!(hi >= lo)) return {0.0, 0.0};
  return {lo, hi};
}

std::pair<int, int> TimelineWidget::spanAt(QPointF pos) const {
  for (int l = 0; l < static_cast<int>(m_lanes.size()); ++l) {
    const double top = laneTop(l);
    if (pos.y() < top || pos.y() > top + laneHeight()) continue;
    const auto& spans = m_lanes[static_cast<std::size_t>(l)].spans;
    const double t = m_axis.timeAt(pos.x());
    const double slack = 2.0 * m_axis.secondsPerPixel();  // thin boxes stay hoverable
    for (int i = 0; i < static_cast<int>(spans.size()); ++i) {
      const Span& s = spans[static_cast<std::size_t>(i)];
      if (t >= s.startS - slack && t <= s.startS + s.durationS + slack) return {l, i};
    }
  }
  return {-1, -1};
}

QString TimelineWidget::hoverText(QPointF pos) const {
  const auto [l, i] = spanAt(pos);
  if (l < 0) return {};
  const Span& s = m_lanes[static_cast<std::size_t>(l)].spans[static_cast<std::size_t>(i)];
  if (m_lanes[static_cast<std::size_t>(l)].unattributed) {
    return QStringLiteral(
               "unattributed: no measured op between %1 and %2 (%3)\n"
               "barriers, scheduling, launch gaps, the engine's own work")
        .arg(formatDuration(s.startS), formatDuration(s.startS + s.durationS), formatDuration(s.durationS));
  }
  return QStringLiteral("%1\n%2: starts %3, lasts %4")
      .arg(QString::fromStdString(s.name), m_lanes[static_cast<std::size_t>(l)].name, formatDuration(s.startS),
           formatDuration(s.durationS));
}

void TimelineWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  const QFontMetrics fm = fontMetrics();
  const double right = m_axis.leftPx + m_axis.widthPx;
  // Time axis with round ticks.
  p.setPen(Qt::black);
  p.drawLine(QPointF(m_axis.leftPx, kAxisPx - 4), QPointF(right, kAxisPx - 4));
  const int maxTicks = std::max(2, static_cast<int>(m_axis.widthPx / 90.0));
  for (double t : m_axis.ticks(maxTicks)) {
    const double x = m_axis.xOf(t);
    p.setPen(QColor(0xE6, 0xE6, 0xE6));
    p.drawLine(QPointF(x, kAxisPx - 4), QPointF(x, height()));
    p.setPen(Qt::black);
    p.drawLine(QPointF(x, kAxisPx - 8), QPointF(x, kAxisPx - 4));
    const QString label = formatDuration(t);
    p.drawText(QPointF(x - fm.horizontalAdvance(label) / 2.0, kAxisPx - 10), label);
  }
  if (m_lanes.empty()) {
    p.drawText(rect(), Qt::AlignCenter, QStringLiteral("No measured or predicted ops for this step"));
    return;
  }
  const double laneH = laneHeight();
  for (int l = 0; l < static_cast<int>(m_lanes.size()); ++l) {
    const Lane& lane = m_lanes[static_cast<std::size_t>(l)];
    const double top = laneTop(l);
    p.setPen(Qt::black);
    p.drawText(QRectF(4, top, kLabelPx - 8, laneH), Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap, lane.name);
    p.fillRect(QRectF(m_axis.leftPx, top, m_axis.widthPx, laneH), QColor(0xF6, 0xF6, 0xF6));
    p.save();
    p.setClipRect(QRectF(m_axis.leftPx, top, m_axis.widthPx, laneH));
    for (const Span& s : lane.spans) {
      if (!m_axis.overlaps(s.startS, s.startS + s.durationS)) continue;
      const double x0 = m_axis.xOf(s.startS);
      const double x1 = std::max(m_axis.xOf(s.startS + s.durationS), x0 + 1.0);  // at least a pixel
      if (lane.unattributed) {
        // Hatched grey: time, but no op's; it must not read as one more kernel.
        const QRectF gap(x0, top + 2, x1 - x0, laneH - 4);
        p.fillRect(gap, QColor(0xDD, 0xDD, 0xDD));
        p.fillRect(gap, QBrush(QColor(0x88, 0x88, 0x88), Qt::BDiagPattern));
        if (gap.width() > 80) {
          p.setPen(QColor(0x44, 0x44, 0x44));
          p.drawText(gap.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft,
                     fm.elidedText(formatDuration(s.durationS), Qt::ElideRight, static_cast<int>(gap.width()) - 6));
        }
        continue;
      }
      const OpKind kind = s.opIndex >= 0 && static_cast<std::size_t>(s.opIndex) < m_kindOfOp.size()
                              ? m_kindOfOp[static_cast<std::size_t>(s.opIndex)]
                              : OpKind::argmax;
      const QRectF box(x0, top + 2, x1 - x0, laneH - 4);
      p.fillRect(box, opKindColor(kind));
      if (box.width() > 6) {
        p.setPen(QPen(Qt::white, 1.0));
        p.drawRect(box);
      }
      if (box.width() > 40) {
        // The full name when it fits, else its last part (the op kind), cut at the right; a tall
        // enough box adds the op's duration on a second line.
        QString label = QString::fromStdString(s.name);
        const int room = static_cast<int>(box.width()) - 6;
        if (fm.horizontalAdvance(label) > room)
          label = fm.elidedText(label.section(QLatin1Char('.'), -1), Qt::ElideRight, room);
        if (box.height() >= 2.5 * fm.height())
          label += QLatin1Char('\n') + fm.elidedText(formatDuration(s.durationS), Qt::ElideRight, room);
        p.setPen(Qt::white);
        p.drawText(box.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, label);
      }
    }
    p.restore();
  }
  const double legendTop = laneTop(static_cast<int>(m_lanes.size())) + 4;
  double x = m_axis.leftPx;
  const std::pair<OpKind, const char*> legend[] = {
      {OpKind::qkv_proj, "GEMM"},  {OpKind::attn_global, "attention"}, {OpKind::rope_kv_append, "RoPE + KV append"},
      {OpKind::attn_norm, "norm"}, {OpKind::swiglu, "SwiGLU"},         {OpKind::embed, "embed / state"},
      {OpKind::argmax, "other"}};
  for (const auto& [kind, text] : legend) {
    p.fillRect(QRectF(x, legendTop, 10, 10), opKindColor(kind));
    p.setPen(Qt::black);
    const QString t = QString::fromLatin1(text);
    p.drawText(QPointF(x + 14, legendTop + 10), t);
    x += 30 + fm.horizontalAdvance(t);
  }
  const QRectF hatch(x, legendTop, 10, 10);
  p.fillRect(hatch, QColor(0xDD, 0xDD, 0xDD));
  p.fillRect(hatch, QBrush(QColor(0x88, 0x88, 0x88), Qt::BDiagPattern));
  p.setPen(Qt::black);
  p.drawText(QPointF(x + 14, legendTop + 10), QStringLiteral("unattributed (no measured op)"));
}

void TimelineWidget::resizeEvent(QResizeEvent*) { syncAxisToWidth(); }

void TimelineWidget::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps != 0.0) {
    m_fitted = false;
    m_axis.zoom(std::pow(1.25, steps), event->position().x());
    update();
  }
  event->accept();
}

void TimelineWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    m_dragging = true;
    m_dragX = event->position().x();
    setCursor(Qt::ClosedHandCursor);
  }
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* event) {
  if (m_dragging) {
    m_fitted = false;
    m_axis.pan(event->position().x() - m_dragX);
    m_dragX = event->position().x();
    update();
    return;
  }
  const QString text = hoverText(event->position());
  if (text.isEmpty()) {
    QToolTip::hideText();
  } else {
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
  }
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent*) {
  m_dragging = false;
  unsetCursor();
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent*) { fit(); }

}  // namespace looplab::gui
