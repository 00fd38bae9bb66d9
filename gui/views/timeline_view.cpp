// TimelineView (see timeline_view.hpp).
#include "gui/views/timeline_view.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "gui/models/format.hpp"
#include "gui/views/timeline_widget.hpp"

namespace looplab::gui {

namespace {
// "12.3", "0.014": a CPU step's unattributed time is often a tiny share, which "0.0" would hide.
QString percentOfStep(double partS, double wholeS) {
  if (!(wholeS > 0.0)) return QStringLiteral("\u2014");
  const double pct = partS / wholeS * 100.0;
  return std::abs(pct) >= 0.1 ? QString::number(pct, 'f', 1) : QString::number(pct, 'g', 2);
}
}  // namespace

TimelineView::TimelineView(QWidget* parent) : ViewPage(parent) {
  m_header = new QLabel(this);
  m_header->setWordWrap(true);
  m_timeline = new TimelineWidget(this);
  auto* zoomIn = new QPushButton(QStringLiteral("Zoom in"), this);
  auto* zoomOut = new QPushButton(QStringLiteral("Zoom out"), this);
  auto* fit = new QPushButton(QStringLiteral("Fit step"), this);
  connect(zoomIn, &QPushButton::clicked, this, [this] { m_timeline->zoomBy(2.0); });
  connect(zoomOut, &QPushButton::clicked, this, [this] { m_timeline->zoomBy(0.5); });
  connect(fit, &QPushButton::clicked, this, [this] { m_timeline->fit(); });
  auto* bar = new QHBoxLayout;
  bar->addWidget(m_header, 1);
  bar->addWidget(zoomIn);
  bar->addWidget(zoomOut);
  bar->addWidget(fit);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(m_timeline, 1);
  setRun(nullptr);
}

QWidget* TimelineView::exportTarget() { return m_timeline; }

QString TimelineView::headerText() const { return m_header->text(); }

void TimelineView::setRun(RunDetailSnapshot run) {
  if (!run) {
    m_header->setText(QStringLiteral("No run selected."));
    m_timeline->setStep({}, {}, {});
    return;
  }
  double wallS = 0.0;
  for (const Span& s : run->measuredOps) wallS = std::max(wallS, s.startS + s.durationS);
  if (run->shownStep) wallS = run->shownStep->wallS;
  m_timeline->setStep(run->measuredOps, run->kernels, run->ops, wallS);
  double predictedS = 0.0;
  for (const OpRecord& op : run->ops) predictedS += op.predictedS.value_or(0.0);
  QString text = QStringLiteral("Run %1, ").arg(run->summary.id);
  if (run->shownStep) {
    // The store's figure (wall minus the ops' measured time) next to the gaps drawn: they differ
    // when device ops overlap.
    const ShownStep& st = *run->shownStep;
    text += QStringLiteral(
                "decode step %1 of repeat %2 (the one nearest the median): wall %3, "
                "unattributed %4 (%5 % of the step; hatched lane: the gaps between "
                "measured ops, %6)")
                .arg(st.index)
                .arg(st.repeat)
                .arg(formatDuration(st.wallS), formatDuration(st.unattributedS))
                .arg(percentOfStep(st.unattributedS, st.wallS))
                .arg(formatDuration(m_timeline->gapS()));
  } else {
    text += QStringLiteral("one decode step: measured %1").arg(formatDuration(wallS));
  }
  text += QStringLiteral(
              "; predicted ops end to end %1. Wheel zooms, drag pans, double-click "
              "fits.")
              .arg(formatDuration(predictedS));
  m_header->setText(text);
}

}  // namespace looplab::gui
