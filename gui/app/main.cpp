// looplab-gui: the desktop lab. `looplab-gui [STORE.db]` opens a results store; with
// --screenshot it renders one view headless and exits (docs/gui.md).
#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <memory>

#include "gui/app/main_window.hpp"
#include "gui/app/screenshot.hpp"

namespace {

bool hasScreenshotFlag(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--screenshot") == 0 || std::strncmp(argv[i], "--screenshot=", 13) == 0) return true;
  }
  return false;
}

// Headless runs print what matters on stderr; two notices of the offscreen platform (no runtime
// directory, no window-manager size hints) say nothing about the picture and are dropped.
QtMessageHandler g_defaultHandler = nullptr;
void quietOffscreen(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.contains(QLatin1String("propagateSizeHints")) ||
      message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set"))) {
    return;
  }
  g_defaultHandler(type, context, message);
}

int fail(int code, const QString& message) {
  std::fprintf(stderr, "looplab-gui: %s\n", qPrintable(message));
  return code;
}

bool hasFlag(int argc, char** argv, std::initializer_list<const char*> flags) {
  for (int i = 1; i < argc; ++i)
    for (const char* f : flags)
      if (std::strcmp(argv[i], f) == 0) return true;
  return false;
}

// QApplication aborts without a display; help needs none, and a missing display is an error
// that says what to do.
bool haveDisplay() {
  return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
         !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

}  // namespace

int main(int argc, char** argv) {
  // Screenshots need no display: the offscreen platform, whatever the environment says.
  if (hasScreenshotFlag(argc, argv)) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    g_defaultHandler = qInstallMessageHandler(quietOffscreen);
  }
  const bool help = hasFlag(argc, argv, {"-h", "--help", "--help-all", "-?"});
  if (!help && !haveDisplay())
    return fail(2, QStringLiteral("no display: set DISPLAY (or WAYLAND_DISPLAY), or render headless with "
                                  "--screenshot FILE"));
  // Help is printed by a core application, which needs no display.
  std::unique_ptr<QCoreApplication> app =
      help ? std::make_unique<QCoreApplication>(argc, argv) : std::make_unique<QApplication>(argc, argv);
  QCoreApplication::setApplicationName(QStringLiteral("looplab-gui"));
  QCoreApplication::setOrganizationName(QStringLiteral("looplab"));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("looplab desktop lab: measured against predicted, op by op, run by run."));
  parser.addHelpOption();
  parser.addPositionalArgument(QStringLiteral("store"), QStringLiteral("results store to open (looplab.db)"),
                               QStringLiteral("[STORE.db]"));
  const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                      QStringLiteral("render one view headless to FILE (.png or .svg) and exit"),
                                      QStringLiteral("FILE"));
  const QCommandLineOption view(
      QStringLiteral("view"), QStringLiteral("view to show: %1").arg(looplab::gui::MainWindow::viewNames().join(", ")),
      QStringLiteral("NAME"), QStringLiteral("runs"));
  const QCommandLineOption run(QStringLiteral("run"), QStringLiteral("run to show (default: the newest)"),
                               QStringLiteral("ID"));
  const QCommandLineOption sweep(QStringLiteral("sweep"),
                                 QStringLiteral("sweep to open: a CSV, a store (its newest sweep) or STORE.db#ID"),
                                 QStringLiteral("FILE"));
  const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("screenshot size, default 1280x800"),
                                QStringLiteral("WxH"), QStringLiteral("1280x800"));
  parser.addOptions({screenshot, view, run, sweep, size});
  parser.process(*app);

  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) return fail(2, QStringLiteral("store: give at most one store file"));
  const QString storePath = positional.value(0);
  std::optional<qint64> runId;
  if (parser.isSet(run)) {
    bool ok = false;
    runId = parser.value(run).toLongLong(&ok);
    if (!ok) return fail(2, QStringLiteral("run: '%1' is not a run id").arg(parser.value(run)));
  }

  looplab::gui::MainWindow window(looplab::gui::defaultSourceFactory(), looplab::gui::makeDefaultPredictor());
  if (parser.isSet(screenshot)) {
    looplab::gui::ScreenshotRequest request;
    request.outPath = parser.value(screenshot);
    request.view = parser.value(view);
    request.storePath = storePath;
    request.runId = runId;
    request.sweepPath = parser.value(sweep);
    const auto parsed = looplab::gui::parseSize(parser.value(size));
    if (!parsed)
      return fail(2, QStringLiteral("size: '%1' is not WIDTHxHEIGHT with sides of 16..%2 pixels")
                         .arg(parser.value(size).left(40))
                         .arg(looplab::gui::kMaxScreenshotSide));
    request.size = *parsed;
    const looplab::gui::ScreenshotResult result = looplab::gui::takeScreenshot(window, request);
    if (result.exitCode != 0) return fail(result.exitCode, result.message);
    std::fprintf(stdout, "wrote %s\n", qPrintable(request.outPath));
    return 0;
  }

  window.show();
  if (!storePath.isEmpty()) window.openStore(storePath);
  if (parser.isSet(sweep)) {
    const QString error = window.openSweep(parser.value(sweep));
    if (!error.isEmpty()) std::fprintf(stderr, "looplab-gui: sweep: %s\n", qPrintable(error));
  }
  if (parser.isSet(view) && !window.showView(parser.value(view))) {
    return fail(2, QStringLiteral("view: unknown view '%1'").arg(parser.value(view)));
  }
  if (runId) {
    QObject::connect(
        window.loader(), &looplab::gui::StoreLoader::runsLoaded, &window,
        [&window, id = *runId] { window.showRun(id); }, Qt::SingleShotConnection);
  }
  return QApplication::exec();
}
