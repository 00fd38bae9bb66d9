// Headless rendering of one view to a PNG or SVG file: `looplab-gui --screenshot FILE --view NAME
// [--run ID] [--sweep CSV] [--size WxH] STORE.db`. Docs, studies and CI make their pictures so.
#pragma once
#include <QSize>
#include <QString>
#include <optional>

namespace looplab::gui {

class MainWindow;

struct ScreenshotRequest {
  QString outPath;              // .png or .svg
  QString view;                 // one of MainWindow::viewNames()
  QString storePath;            // empty: no store (sweep-only pictures)
  std::optional<qint64> runId;  // default: the newest run
  QString sweepPath;            // a sweep CSV for the sweep view
  QSize size{1280, 800};
};

struct ScreenshotResult {
  int exitCode = 0;  // 0 written, 1 the store or sweep could not be shown, 2 bad request
  QString message;   // why not, for stderr
};

// Opens the store in `window` (headless), waits for the loader, selects the run, shows the view
// and writes the whole window as it would appear on screen.
ScreenshotResult takeScreenshot(MainWindow& window, const ScreenshotRequest& request);

// "1280x800" -> QSize; empty optional for anything else.
// "WIDTHxHEIGHT", each side 16..kMaxScreenshotSide pixels; nullopt otherwise.
inline constexpr int kMaxScreenshotSide = 7680;
std::optional<QSize> parseSize(const QString& text);

}  // namespace looplab::gui
