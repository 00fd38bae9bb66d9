// Run statistics in words (see run_text.hpp).
#include "gui/models/run_text.hpp"

#include <QStringList>

#include "gui/models/format.hpp"
#include "gui/models/verdict.hpp"

namespace looplab::gui {

QString phaseText(const PhaseFigures& p) {
  if (!p.medianS) return QStringLiteral("not measured");
  QString text = formatDuration(*p.medianS);
  if (p.ciLoS && p.ciHiS) {
    text += QLatin1Char(' ') + formatInterval(*p.ciLoS, *p.ciHiS);
    if (const auto pct = p.halfWidthPct()) text += QStringLiteral(" (") + formatHalfWidth(*pct) + ')';
  }
  if (p.p10S) text += QStringLiteral(", p10 ") + formatDuration(*p.p10S);
  if (p.p90S) text += QStringLiteral(", p90 ") + formatDuration(*p.p90S);
  text += QStringLiteral(", %1 outliers of %2: ").arg(p.outliers).arg(p.samples) + verdictText(p.verdict);
  return text;
}

QString machineText(const MachineFigures& m, std::int64_t threads) {
  QStringList parts;
  if (const auto cpus = m.otherCpus()) {
    parts << QStringLiteral("other processes %1 CPUs over %2 s").arg(*cpus, 0, 'f', 2).arg(*m.windowS, 0, 'f', 1);
  } else if (m.othersCpuS) {
    parts << QStringLiteral("other processes %1 CPU s").arg(*m.othersCpuS, 0, 'f', 2);
  }
  if (m.loadBefore || m.loadAfter) {
    auto load = [](const std::optional<double>& v) { return v ? QString::number(*v, 'f', 2) : QStringLiteral("?"); };
    parts << QStringLiteral("load %1 \u2192 %2").arg(load(m.loadBefore), load(m.loadAfter));
  }
  if (m.stealFraction) parts << QStringLiteral("steal %1 %").arg(*m.stealFraction * 100.0, 0, 'f', 1);
  if (!m.affinity.empty() || m.cpusOnline > 0) {
    parts << QStringLiteral("CPUs %1 of %2")
                 .arg(m.affinity.empty() ? QStringLiteral("?") : QString::fromStdString(m.affinity))
                 .arg(m.cpusOnline);
  }
  parts << (m.pinning.empty() ? QStringLiteral("not pinned")
                              : QStringLiteral("pinned %1").arg(QString::fromStdString(m.pinning)));
  if (!m.governor.empty()) parts << QStringLiteral("governor ") + QString::fromStdString(m.governor);
  QString threadText = QStringLiteral("%1 threads").arg(threads);
  if (!m.threadPolicy.empty()) threadText += QStringLiteral(" (") + QString::fromStdString(m.threadPolicy) + ')';
  parts << threadText;
  return parts.join(QStringLiteral(", "));
}

}  // namespace looplab::gui
