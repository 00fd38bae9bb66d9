// takeScreenshot (see screenshot.hpp).
#include "gui/app/screenshot.hpp"

#include <QApplication>
#include <QRegularExpression>

#include "gui/app/main_window.hpp"
#include "gui/views/export.hpp"
#include "gui/views/runs_browser.hpp"

namespace looplab::gui {

std::optional<QSize> parseSize(const QString& text) {
  static const QRegularExpression re(QStringLiteral("^(\\d{2,5})x(\\d{2,5})$"));
  const auto m = re.match(text);
  if (!m.hasMatch()) return std::nullopt;
  const QSize s(m.captured(1).toInt(), m.captured(2).toInt());
  // 8K is the largest sensible picture; 40000x40000 would take 12 GB of memory to paint.
  if (s.width() < 16 || s.height() < 16 || s.width() > kMaxScreenshotSide || s.height() > kMaxScreenshotSide)
    return std::nullopt;
  return s;
}

namespace {
// Lets layouts, charts and queued signals settle: a few rounds of event processing.
void settle() {
  for (int i = 0; i < 5; ++i) {
    QApplication::processEvents();
    QApplication::sendPostedEvents();
  }
}
}  // namespace

ScreenshotResult takeScreenshot(MainWindow& window, const ScreenshotRequest& request) {
  if (!MainWindow::viewNames().contains(request.view)) {
    return {2, QStringLiteral("view: unknown view '%1' (known: %2)")
                   .arg(request.view, MainWindow::viewNames().join(QStringLiteral(", ")))};
  }
  window.setInteractive(false);
  window.resize(request.size);
  window.show();
  if (!request.storePath.isEmpty()) {
    window.openStore(request.storePath);
    window.loader()->waitForIdle();  // the run list, then the newest run's detail
    if (window.lastProblem()) {
      const StoreProblem& p = *window.lastProblem();
      return {1, QString::fromStdString(problemTitle(p.kind) + ": " + p.detail)};
    }
    if (request.runId) {
      if (!window.showRun(*request.runId)) {
        return {2, QStringLiteral("run: no run %1 in %2").arg(*request.runId).arg(request.storePath)};
      }
      window.loader()->waitForIdle();
      if (window.lastProblem()) {
        return {1, QString::fromStdString(window.lastProblem()->detail)};
      }
    }
  }
  if (!request.sweepPath.isEmpty()) {
    const QString error = window.openSweep(request.sweepPath);
    if (!error.isEmpty()) return {1, QStringLiteral("sweep: ") + error};
  }
  window.showView(request.view);
  settle();
  const QString error = exportWidget(&window, request.outPath);
  if (!error.isEmpty()) return {1, error};
  return {0, {}};
}

}  // namespace looplab::gui
