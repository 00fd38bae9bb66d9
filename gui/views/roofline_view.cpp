// RooflineView (see roofline_view.hpp).
#include "gui/views/roofline_view.hpp"

#include <QLabel>
#include <QVBoxLayout>

#include "gui/models/verdict.hpp"
#include "gui/views/roofline_widget.hpp"

namespace looplab::gui {

RooflineView::RooflineView(QWidget* parent) : ViewPage(parent) {
  m_header = new QLabel(this);
  m_header->setWordWrap(true);
  m_plot = new RooflineWidget(this);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_header);
  layout->addWidget(m_plot, 1);
  setRun(nullptr);
}

QWidget* RooflineView::exportTarget() { return m_plot; }

void RooflineView::setRun(RunDetailSnapshot run) {
  if (!run) {
    m_header->setText(QStringLiteral("No run selected."));
    m_plot->setData({}, {});
    return;
  }
  const HardwareCeilings& hw = run->hardware;
  std::vector<RooflineWidget::Roof> roofs;
  if (hw.peakFlopsPerS > 0.0 && hw.bandwidthBytesPerS > 0.0) {
    roofs.push_back({Ceiling{hw.peakFlopsPerS, hw.bandwidthBytesPerS}, QString::fromStdString(hw.mainLabel), false});
  }
  if (hw.measuredPeakFlopsPerS || hw.measuredBandwidthBytesPerS) {
    roofs.push_back({Ceiling{hw.measuredPeakFlopsPerS.value_or(hw.peakFlopsPerS),
                             hw.measuredBandwidthBytesPerS.value_or(hw.bandwidthBytesPerS)},
                     QStringLiteral("measured"), true});
  }
  m_plot->setData(std::move(roofs), run->ops);
  QString text = QStringLiteral("Run %1 on %2: %3 ops of one decode step. Hover a marker to name its op.")
                     .arg(run->summary.id)
                     .arg(QString::fromStdString(hw.name.empty() ? run->summary.hardware : hw.name))
                     .arg(run->ops.size());
  if (m_plot->unplaceable() > 0) {
    text += QStringLiteral(" %1 ops without FLOPs or bytes (gathers, argmax) are not on a log plot.")
                .arg(m_plot->unplaceable());
  }
  if (!hw.source.empty()) text += QStringLiteral(" Ceilings: ") + QString::fromStdString(hw.source) + QLatin1Char('.');
  if (!isQuiet(run->summary.verdict)) {
    text += QStringLiteral(" The measured markers come from a run that is not quiet (") +
            verdictExplanation(run->summary.verdict, run->summary.verdictReason) + QStringLiteral(").");
  }
  m_header->setText(text);
}

}  // namespace looplab::gui
