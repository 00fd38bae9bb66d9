// TimelineView (see timeline_view.hpp).
#include "gui/views/timeline_view.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "gui/models/format.hpp"
#include "gui/views/timeline_widget.hpp"

namespace looplab::gui {

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

void TimelineView::setRun(RunDetailSnapshot run) {
  if (!run) {
    m_header->setText(QStringLiteral("No run selected."));
    m_timeline->setStep({}, {}, {});
    return;
  }
  m_timeline->setStep(run->measuredOps, run->kernels, run->ops);
  double measuredS = 0.0;
  for (const Span& s : run->measuredOps) measuredS = std::max(measuredS, s.startS + s.durationS);
  double predictedS = 0.0;
  for (const OpRecord& op : run->ops) predictedS += op.predictedS.value_or(0.0);
  m_header->setText(
      QStringLiteral("Run %1, one decode step (the one nearest the median): measured %2, "
                     "predicted ops end to end %3. Wheel zooms, drag pans, double-click fits.")
          .arg(run->summary.id)
          .arg(formatDuration(measuredS), formatDuration(predictedS)));
}

}  // namespace looplab::gui
