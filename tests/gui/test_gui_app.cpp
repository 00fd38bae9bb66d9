// The looplab-gui executable end to end: `--screenshot` writes a picture of the asked size from a
// store, and bad input or a broken store exits with a one-line reason (2 bad input, 1 the store).
#include <gtest/gtest.h>

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <fstream>

#include "image_checks.hpp"
#include "store_fixture.hpp"

namespace looplab::gui {
namespace {

struct Outcome {
  int exitCode = -1;
  QString out;
  QString err;
};

Outcome runGui(const QStringList& args) {
  QProcess p;
  // No display is needed: --screenshot switches to the offscreen platform itself.
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove(QStringLiteral("QT_QPA_PLATFORM"));
  env.remove(QStringLiteral("DISPLAY"));
  env.remove(QStringLiteral("WAYLAND_DISPLAY"));
  p.setProcessEnvironment(env);
  p.start(QStringLiteral(LOOPLAB_GUI_EXE), args);
  if (!p.waitForFinished(120000)) return {};
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

TEST(GuiExecutable, ScreenshotOfAViewFromAStore) {
  QTemporaryDir dir;
  const std::string store = dir.filePath("demo.db").toStdString();
  const auto runs = test::fillStore(store);
  const QString png = dir.filePath("run.png");
  const Outcome o = runGui({"--screenshot", png, "--view", "run", "--run", QString::number(runs[2].id), "--size",
                            "900x600", QString::fromStdString(store)});
  ASSERT_EQ(o.exitCode, 0) << o.err.toStdString();
  const QImage image(png);
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.size(), QSize(900, 600));
  EXPECT_GT(test::greyVariance(image), 100.0);
  const QString svg = dir.filePath("roofline.svg");
  ASSERT_EQ(runGui({"--screenshot", svg, "--view", "roofline", QString::fromStdString(store)}).exitCode, 0);
  std::ifstream in(svg.toStdString());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<svg"), std::string::npos);
}

TEST(GuiExecutable, BadInputAndBrokenStoresExitWithAReason) {
  QTemporaryDir dir;
  const std::string store = dir.filePath("demo.db").toStdString();
  test::fillStore(store);
  Outcome o = runGui({"--screenshot", dir.filePath("x.png"), "--view", "nonsense", QString::fromStdString(store)});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_TRUE(o.err.contains("view")) << o.err.toStdString();
  o = runGui({"--screenshot", dir.filePath("x.png"), "--view", "run", "--run", "9999", QString::fromStdString(store)});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_TRUE(o.err.contains("no run 9999")) << o.err.toStdString();
  o = runGui({"--screenshot", dir.filePath("x.png"), "--size", "big", QString::fromStdString(store)});
  EXPECT_EQ(o.exitCode, 2);
  o = runGui({"--screenshot", dir.filePath("x.png"), "--view", "runs", dir.filePath("missing.db")});
  EXPECT_EQ(o.exitCode, 1);
  EXPECT_TRUE(o.err.contains("does not exist")) << o.err.toStdString();
  const QString garbage = dir.filePath("garbage.db");
  std::ofstream(garbage.toStdString()) << "not a database at all, only some text\n";
  o = runGui({"--screenshot", dir.filePath("x.png"), "--view", "runs", garbage});
  EXPECT_EQ(o.exitCode, 1);
  EXPECT_TRUE(o.err.contains("damaged")) << o.err.toStdString();
  EXPECT_FALSE(QFile::exists(dir.filePath("x.png")));
}

// Without any display, help is still printed, and a window that cannot open says why (no abort).
TEST(GuiExecutable, HelpNeedsNoDisplayAndNoDisplayIsAnError) {
  Outcome o = runGui({"--help"});
  EXPECT_EQ(o.exitCode, 0) << o.err.toStdString();
  EXPECT_TRUE(o.out.contains("--screenshot")) << o.out.toStdString();
  o = runGui({});
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_TRUE(o.err.startsWith("looplab-gui: no display")) << o.err.toStdString();
}

}  // namespace
}  // namespace looplab::gui
