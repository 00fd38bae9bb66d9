// Headless test main for the GUI suites: forces the offscreen platform (no display needed, also
// when ctest lists the tests), creates the QApplication, then runs GoogleTest.
#include <gtest/gtest.h>

#include <QApplication>

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  // Fixed fonts and sizes across machines: no high-DPI scaling from the environment.
  qputenv("QT_SCALE_FACTOR", "1");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
