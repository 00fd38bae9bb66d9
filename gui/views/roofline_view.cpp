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

void RooflineView::setRun(const RunDetailSnapshot& run) {
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
  auto ops = [](std::size_t n) {
    return QString::number(n) + (n == 1 ? QStringLiteral(" op") : QStringLiteral(" ops"));
  };
  QString text = QStringLiteral("Run %1 on %2: %3 of one decode step. Hover a marker to name its op.")
                     .arg(run->summary.id)
                     .arg(QString::fromStdString(hw.name.empty() ? run->summary.hardware : hw.name))
                     .arg(ops(run->ops.size()));
  if (m_plot->unplaceable() > 0) {
    const auto n = static_cast<std::size_t>(m_plot->unplaceable());
    text += QStringLiteral(" %1 without FLOPs or bytes (gathers, argmax) %2 not on a log plot.")
                .arg(ops(n), n == 1 ? QStringLiteral("is") : QStringLiteral("are"));
  }
  if (!hw.source.empty()) text += QStringLiteral(" Ceilings: ") + QString::fromStdString(hw.source) + QLatin1Char('.');
  if (!isQuiet(run->summary.verdict)) {
    text += QStringLiteral(" The measured markers come from a run that is not quiet (") +
            verdictExplanation(run->summary.verdict, run->summary.verdictReason) + QStringLiteral(").");
  }
  m_header->setText(text);
}

}  // namespace looplab::gui
