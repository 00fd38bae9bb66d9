// Every view rendered headless from a real store the test fills: a screenshot per view of the
// expected size that is not blank, the figures each view shows, export to PNG and SVG, the
// simulator's what-if, the sweep explorer, and the error dialog of a corrupt store.
#include <gtest/gtest.h>

#include <QAbstractAxis>
#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QXYSeries>
#include <algorithm>
#include <cmath>
#include <fstream>

#include "engine/core/config.hpp"
#include "engine/core/kv.hpp"
#include "gui/app/main_window.hpp"
#include "gui/app/screenshot.hpp"
#include "gui/models/format.hpp"
#include "gui/models/ladder_model.hpp"
#include "gui/models/op_kind_model.hpp"
#include "gui/models/op_table_model.hpp"
#include "gui/models/roles.hpp"
#include "gui/models/run_filter_proxy.hpp"
#include "gui/models/run_list_model.hpp"
#include "gui/models/sweep_model.hpp"
#include "gui/models/verdict.hpp"
#include "gui/views/compare_view.hpp"
#include "gui/views/history_view.hpp"
#include "gui/views/roofline_view.hpp"
#include "gui/views/roofline_widget.hpp"
#include "gui/views/run_view.hpp"
#include "gui/views/runs_browser.hpp"
#include "gui/views/sweep_view.hpp"
#include "gui/views/timeline_view.hpp"
#include "gui/views/timeline_widget.hpp"
#include "gui/views/what_if_panel.hpp"
#include "image_checks.hpp"
#include "store/store.hpp"
#include "store_fixture.hpp"

namespace looplab::gui {
namespace {

class ViewsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new QTemporaryDir;
    s_store = s_dir->filePath("views.db").toStdString();
    s_runs = test::fillStore(s_store);
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  void SetUp() override {
    m_window = std::make_unique<MainWindow>(defaultSourceFactory(), makeDefaultPredictor());
    m_window->setInteractive(false);
    m_window->resize(1100, 720);
  }
  // Opens the store and shows a run (the newest by default), waiting for both loads.
  void openRun(std::optional<store::RunId> id = std::nullopt) {
    m_window->openStore(QString::fromStdString(s_store));
    m_window->loader()->waitForIdle();
    ASSERT_FALSE(m_window->lastProblem().has_value()) << m_window->lastProblem()->detail;
    if (id) {
      ASSERT_TRUE(m_window->showRun(*id));
      m_window->loader()->waitForIdle();
    }
    ASSERT_TRUE(m_window->currentRun());
  }
  QString tempPath(const char* name) const { return s_dir->filePath(QString::fromLatin1(name)); }

  static QTemporaryDir* s_dir;
  static std::string s_store;
  static std::vector<test::FixtureRun> s_runs;
  std::unique_ptr<MainWindow> m_window;
};

QTemporaryDir* ViewsTest::s_dir = nullptr;
std::string ViewsTest::s_store;
std::vector<test::FixtureRun> ViewsTest::s_runs;

TEST_F(ViewsTest, EveryViewRendersANonBlankScreenshotOfTheRequestedSize) {
  // What "blank" scores, for scale: an empty white widget.
  QWidget empty;
  empty.resize(200, 100);
  QImage white(200, 100, QImage::Format_RGB32);
  white.fill(Qt::white);
  EXPECT_LT(test::greyVariance(white), 1.0);

  const QString sweep = tempPath("sweep.csv");
  {
    std::ofstream out(sweep.toStdString());
    out << "hardware,model,variant,loops,window,batch,context,decode_step_s,decode_tokens_per_s,kv_"
           "bytes,pareto\n"
           "h200,tiny,vanilla,1,,4,4096,0.00010,40000,100000,1\n"
           "h200,tiny,looped,2,,4,4096,0.00020,20000,200000,0\n"
           "h200,tiny,clp,2,,4,4096,0.00015,26000,200000,0\n"
           "h200,tiny,clp_share,2,,4,4096,0.000101,39600,100000,0\n"
           "h200,tiny,plt,2,4,4,4096,0.000102,39200,100200,0\n";
  }
  for (const QString& view : MainWindow::viewNames()) {
    MainWindow window(defaultSourceFactory(), makeDefaultPredictor());
    ScreenshotRequest request;
    request.outPath = tempPath("shot.png");
    request.view = view;
    request.storePath = QString::fromStdString(s_store);
    request.runId = s_runs[4].id;
    request.sweepPath = view == QStringLiteral("sweep") ? sweep : QString();
    request.size = QSize(1024, 700);
    QFile::remove(request.outPath);
    const ScreenshotResult result = takeScreenshot(window, request);
    ASSERT_EQ(result.exitCode, 0) << view.toStdString() << ": " << result.message.toStdString();
    EXPECT_EQ(window.currentViewName(), view);
    const QImage image(request.outPath);
    ASSERT_FALSE(image.isNull()) << view.toStdString();
    EXPECT_EQ(image.size(), QSize(1024, 700)) << view.toStdString();
    const double variance = test::greyVariance(image);
    EXPECT_GT(variance, 100.0) << view.toStdString() << " looks blank: grey variance " << variance;
    // LOOPLAB_GUI_SHOT_DIR keeps the pictures (CI artifacts, a look by eye).
    const QString keep = qEnvironmentVariable("LOOPLAB_GUI_SHOT_DIR");
    if (!keep.isEmpty()) image.save(keep + QStringLiteral("/") + view + QStringLiteral(".png"));
  }
}

TEST_F(ViewsTest, RunViewShowsTheRunsOpsAndKinds) {
  openRun(s_runs[4].id);
  auto* view = qobject_cast<RunView*>(m_window->page(QStringLiteral("run")));
  ASSERT_NE(view, nullptr);
  EXPECT_TRUE(view->headerText().contains(QStringLiteral("Run %1").arg(s_runs[4].id)));
  EXPECT_TRUE(view->headerText().contains(QStringLiteral("plt")));
  const RunDetail& d = *m_window->currentRun();
  // Every op, then unattributed and step; every kind, then the same two.
  EXPECT_EQ(view->opModel()->rowCount(), static_cast<int>(d.ops.size()) + 2);
  EXPECT_EQ(view->kindModel()->rowCount(), static_cast<int>(aggregateByKind(d.ops).size()) + 2);
  const int last = view->kindModel()->rowCount() - 1;
  EXPECT_EQ(view->kindModel()->data(view->kindModel()->index(last - 1, 0)).toString(), "unattributed");
  EXPECT_EQ(view->opModel()->data(view->opModel()->index(view->opModel()->rowCount() - 1, 0)).toString(), "step");
  // The header: the verdict, the decode step with its interval, the machine.
  EXPECT_TRUE(view->headerText().contains(verdictText(d.summary.verdict).toUpper()));
  EXPECT_TRUE(view->headerText().contains(QString::fromUtf8("\u00b1")));
  EXPECT_TRUE(view->headerText().contains("Machine:"));
  EXPECT_EQ(view->headerMarked(), !isQuiet(d.summary.verdict));
}

TEST_F(ViewsTest, RunViewHeaderMarksANoisyRunAndSaysWhy) {
  openRun(s_runs[5].id);  // the CPU run on a busy machine
  auto* view = qobject_cast<RunView*>(m_window->page(QStringLiteral("run")));
  ASSERT_NE(view, nullptr);
  const RunDetail& d = *m_window->currentRun();
  ASSERT_TRUE(d.summary.verdict.has_value());
  EXPECT_NE(*d.summary.verdict, stats::Verdict::quiet);
  const QString text = view->headerText();
  // Visibly marked: the verdict in capitals and a colored frame.
  EXPECT_TRUE(view->headerMarked());
  EXPECT_EQ(view->headerVerdict(), d.summary.verdict);
  EXPECT_TRUE(text.contains(verdictText(d.summary.verdict).toUpper())) << text.toStdString();
  // Why, and the figures behind it.
  EXPECT_TRUE(text.contains(QString::fromLatin1(test::kBusyReason).toHtmlEscaped())) << text.toStdString();
  EXPECT_TRUE(text.contains("Decode step: measured")) << text.toStdString();
  EXPECT_TRUE(text.contains(formatInterval(*d.decode.ciLoS, *d.decode.ciHiS))) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("outliers of %1").arg(test::kDecodeSteps * test::kRepeats)));
  EXPECT_TRUE(text.contains("Prefill step:"));
  // The machine: other processes' CPU use, load, placement, threads.
  EXPECT_TRUE(
      text.contains(QStringLiteral("other processes %1 CPUs over 12.0 s").arg(test::kBusyOthersCpus, 0, 'f', 2)))
      << text.toStdString();
  EXPECT_TRUE(text.contains(QString::fromUtf8("load 0.50 \u2192 1.75"))) << text.toStdString();
  EXPECT_TRUE(text.contains("CPUs 0-1 of 2"));
  EXPECT_TRUE(text.contains("not pinned"));
  EXPECT_TRUE(text.contains("2 threads (every online CPU)"));
  // Its prediction error is a ratio to a noisy measurement: marked.
  EXPECT_TRUE(text.contains(QStringLiteral(" (") + verdictText(d.summary.verdict) + ")")) << text.toStdString();
}

TEST_F(ViewsTest, RooflinePlacesMeasuredAndPredictedAndNamesTheHoveredOp) {
  openRun(s_runs[4].id);
  m_window->showView(QStringLiteral("roofline"));
  m_window->show();
  QApplication::processEvents();
  auto* view = qobject_cast<RooflineView*>(m_window->page(QStringLiteral("roofline")));
  RooflineWidget* plot = view->plot();
  const RunDetail& d = *m_window->currentRun();
  // Every fixture op has FLOPs, bytes and both times: two markers each.
  EXPECT_EQ(plot->markers().size(), 2 * d.ops.size());
  EXPECT_EQ(plot->unplaceable(), 0);
  const RooflineWidget::Marker& m = plot->markers()[6];
  const PixelPoint at = plot->geometry().place(m.point);
  const QString text = plot->hoverText(QPointF(at.x, at.y));
  EXPECT_TRUE(text.contains(QString::fromStdString(d.ops[m.op].name))) << text.toStdString();
  EXPECT_TRUE(plot->hoverText(QPointF(2, 2)).isEmpty());
}

TEST_F(ViewsTest, TimelineHasLanesPerSourceAndZoomsAboutTheCursor) {
  openRun(s_runs[4].id);  // a GPU run: kernels on streams 7 and 13
  m_window->showView(QStringLiteral("timeline"));
  m_window->show();
  QApplication::processEvents();
  auto* view = qobject_cast<TimelineView*>(m_window->page(QStringLiteral("timeline")));
  TimelineWidget* timeline = view->timeline();
  QStringList names;
  for (const auto& lane : timeline->lanes()) names << lane.name;
  EXPECT_EQ(names,
            (QStringList{"measured ops", "kernels, stream 7", "kernels, stream 13", "unattributed", "predicted ops"}));
  // The gaps between the kernels (launches and the step's tail) are the step's unattributed time
  // as the store recorded it: the kernels never overlap in the fixture.
  const RunDetail& d = *m_window->currentRun();
  ASSERT_TRUE(d.shownStep.has_value());
  EXPECT_NEAR(timeline->gapS(), d.shownStep->unattributedS, 1e-12);
  EXPECT_TRUE(view->headerText().contains(formatDuration(d.shownStep->unattributedS)))
      << view->headerText().toStdString();
  const auto& gaps = timeline->lanes()[3];
  ASSERT_FALSE(gaps.spans.empty());
  const Span& firstGap = gaps.spans.front();
  const QPointF onGap(timeline->axis().xOf(firstGap.startS + firstGap.durationS / 2.0),
                      timeline->laneRect(3).center().y());
  EXPECT_TRUE(timeline->hoverText(onGap).startsWith("unattributed")) << timeline->hoverText(onGap).toStdString();
  const double span = timeline->axis().spanS;
  const QPointF at(timeline->axis().leftPx + timeline->axis().widthPx / 4.0, timeline->laneRect(0).center().y());
  const double timeUnder = timeline->axis().timeAt(at.x());
  QWheelEvent wheel(at, timeline->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(timeline, &wheel);
  EXPECT_NEAR(timeline->axis().spanS, span / (1.25 * 1.25), span * 1e-9);
  EXPECT_NEAR(timeline->axis().timeAt(at.x()), timeUnder, span * 1e-9);
  // The first measured op, at the step's start, is under the lane's left edge once fitted.
  timeline->fit();
  const auto [lane, index] =
      timeline->spanAt(QPointF(timeline->axis().leftPx + 1.0, timeline->laneRect(0).center().y()));
  EXPECT_EQ(lane, 0);
  EXPECT_EQ(index, 0);
}

// The step opens fitted: the time axis runs from the step's start to the end of whatever ends
// last, across the whole drawing width, and the lanes share the view's height instead of
// leaving most of it empty. Also after the window is resized, and for a CPU run's three lanes.
TEST_F(ViewsTest, TimelineOpensFittedToTheStepAndFillsTheView) {
  std::vector<store::RunId> runs = {s_runs[4].id};  // a GPU run: five lanes
  for (const test::FixtureRun& r : s_runs)
    if (r.backend == "cpu" && r.complete) runs.push_back(r.id);  // three lanes
  ASSERT_EQ(runs.size(), 2u);
  for (const store::RunId id : runs) {
    openRun(id);
    m_window->showView(QStringLiteral("timeline"));
    m_window->show();
    QApplication::processEvents();
    auto* view = qobject_cast<TimelineView*>(m_window->page(QStringLiteral("timeline")));
    TimelineWidget* timeline = view->timeline();
    for (const QSize size : {QSize(1100, 720), QSize(1400, 900)}) {
      m_window->resize(size);
      QApplication::processEvents();
      const auto [firstS, lastS] = timeline->dataRangeS();
      ASSERT_GT(lastS, 0.0);
      const TimeAxis& axis = timeline->axis();
      // Every span is inside the visible window, and the window is no more than the data: the
      // last span ends at the right edge of the drawing area.
      EXPECT_LE(axis.startS, firstS);
      EXPECT_GE(axis.startS + axis.spanS, lastS * (1.0 - 1e-12));
      EXPECT_NEAR(axis.xOf(lastS), axis.leftPx + axis.widthPx, 1.0);
      EXPECT_NEAR(axis.leftPx + axis.widthPx, timeline->width() - 12.0, 1.0);
      // The lanes reach down most of the widget (the legend below them).
      const int lanes = static_cast<int>(timeline->lanes().size());
      ASSERT_GE(lanes, 2);
      EXPECT_GT(timeline->laneRect(lanes - 1).bottom(), 0.6 * timeline->height())
          << lanes << " lanes of " << timeline->laneHeight() << " px in " << timeline->height() << " px";
      EXPECT_LT(timeline->laneRect(lanes - 1).bottom(), timeline->height());
    }
    m_window->resize(1100, 720);
  }
}

TEST_F(ViewsTest, CompareViewBuildsTheLadderFromTheRunsOfOneShape) {
  openRun(s_runs[4].id);
  auto* view = qobject_cast<CompareView*>(m_window->page(QStringLiteral("compare")));
  const auto& entries = view->ladderModel()->entries();
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(entries[i].runId.has_value()) << i;
    EXPECT_EQ(*entries[i].runId, s_runs[i].id);  // batch 2 holds all five variants
  }
  EXPECT_TRUE(view->ladderCaption().contains(QStringLiteral("batch 2")));
  // clp_share ran on a busy machine: its measured ratio is marked, the caption names it.
  const LadderModel* ladder = view->ladderModel();
  ASSERT_NE(entries[3].verdict, stats::Verdict::quiet);
  for (int row = 0; row < 5; ++row) {
    const QString ratio = ladder->data(ladder->index(row, LadderModel::MeasuredRatioColumn)).toString();
    EXPECT_EQ(ratio.endsWith(QLatin1Char(')')), !isQuiet(ladder->measuredRatioVerdict(row))) << ratio.toStdString();
  }
  EXPECT_TRUE(ladder->data(ladder->index(3, LadderModel::MeasuredRatioColumn))
                  .toString()
                  .endsWith(QStringLiteral("(") + verdictText(ladder->measuredRatioVerdict(3)) + ")"));
  EXPECT_TRUE(ladder->data(ladder->index(3, LadderModel::MeasuredRatioColumn), Qt::ToolTipRole)
                  .toString()
                  .contains(QString::fromLatin1(test::kBusyReason)));
  EXPECT_TRUE(view->ladderCaption().contains(QRegularExpression(
      QStringLiteral("%1: runs? ([0-9]+, )*%2(, [0-9]+)*[;)]").arg(verdictText(entries[3].verdict)).arg(s_runs[3].id))))
      << view->ladderCaption().toStdString();
  // KV relative to vanilla: looped holds L = 2 caches, clp_share one.
  auto kv = [](const LadderEntry& e) {
    return e.kvBytes ? std::optional<double>(static_cast<double>(*e.kvBytes)) : std::nullopt;
  };
  EXPECT_NEAR(*relativeTo(kv(entries[1]), kv(entries[0])), 2.0, 1e-12);
  EXPECT_NEAR(*relativeTo(kv(entries[3]), kv(entries[0])), 1.0, 1e-12);
}

TEST_F(ViewsTest, MultiSelectInTheRunsBrowserComparesTheChosenRuns) {
  openRun();
  RunsBrowser* browser = m_window->runsBrowser();
  QItemSelectionModel* selection = browser->table()->selectionModel();
  selection->clearSelection();
  for (store::RunId id : {s_runs[0].id, s_runs[1].id}) {
    const QModelIndex source = browser->model()->index(browser->model()->rowOfId(id), 0);
    selection->select(browser->proxy()->mapFromSource(source), QItemSelectionModel::Select | QItemSelectionModel::Rows);
  }
  ASSERT_EQ(browser->selectedRunIds().size(), 2);
  QPushButton* compare = nullptr;
  for (QPushButton* b : browser->findChildren<QPushButton*>()) {
    if (b->text() == QStringLiteral("Compare selected")) compare = b;
  }
  ASSERT_NE(compare, nullptr);
  compare->click();
  EXPECT_EQ(m_window->currentViewName(), QStringLiteral("compare"));
  auto* view = qobject_cast<CompareView*>(m_window->page(QStringLiteral("compare")));
  const auto& entries = view->ladderModel()->entries();
  EXPECT_EQ(entries[0].runId, s_runs[0].id);   // vanilla
  EXPECT_EQ(entries[1].runId, s_runs[1].id);   // looped
  EXPECT_FALSE(entries[2].runId.has_value());  // not chosen
  EXPECT_FALSE(entries[4].runId.has_value());
}

TEST_F(ViewsTest, WhatIfRepredictsOnEveryEdit) {
  if (m_window->predictor() == nullptr) GTEST_SKIP() << "built without looplab::simulator";
  openRun(s_runs[4].id);
  auto* panel = qobject_cast<WhatIfPanel*>(m_window->page(QStringLiteral("whatif")));
  ASSERT_TRUE(panel->prediction().has_value()) << panel->resultText().toStdString();
  const Prediction atRun = *panel->prediction();
  EXPECT_EQ(panel->request().batch, 2);
  panel->batchBox()->setValue(64);
  ASSERT_TRUE(panel->prediction().has_value()) << panel->resultText().toStdString();
  const Prediction atBatch64 = *panel->prediction();
  EXPECT_GT(atBatch64.stepS, atRun.stepS);
  ModelConfig c = load_model("tiny");
  c.variant = Variant::plt;
  c.loops = 2;
  // The simulator's KV bytes for the edited request are the KV layout formula's (bf16 on h200).
  EXPECT_EQ(atBatch64.kvBytes, kv_bytes_formula(c, 64, test::kPromptLen, 2));
  panel->contextBox()->setValue(4096);
  EXPECT_EQ(panel->prediction()->kvBytes, kv_bytes_formula(c, 64, 4096, 2));
  panel->variantBox()->setCurrentIndex(panel->variantBox()->findText(QStringLiteral("looped")));
  c.variant = Variant::looped;
  EXPECT_EQ(panel->prediction()->kvBytes, kv_bytes_formula(c, 64, 4096, 2));
  EXPECT_EQ(panel->kindModel()->rows().size(), aggregateByKind(panel->prediction()->ops).size());
  // Every edit re-predicts (how fast: test_gui_slow).
  for (int batch : {3, 5, 7}) {
    panel->batchBox()->setValue(batch);
    ASSERT_TRUE(panel->prediction().has_value());
    EXPECT_EQ(panel->request().batch, batch);
  }
  // The ratio to the run's measurement carries the run's verdict unless it is quiet.
  const RunSummary& s = m_window->currentRun()->summary;
  EXPECT_EQ(panel->resultText().contains(QStringLiteral("(") + verdictText(s.verdict) + ")"), !isQuiet(s.verdict))
      << panel->resultText().toStdString();
}

TEST_F(ViewsTest, SweepExplorerMarksTheFrontAndPredictsAClickedPoint) {
  auto* view = qobject_cast<SweepView*>(m_window->page(QStringLiteral("sweep")));
  const QString csv = tempPath("front.csv");
  {
    std::ofstream out(csv.toStdString());
    out << "hardware,model,variant,loops,window,batch,context,decode_step_s,decode_tokens_per_s,"
           "decode_kv_read_bytes,kv_bytes,pareto\n"
           "h200,tiny,vanilla,1,,4,4096,0.00010,40000,9,100000,1\n"
           "h200,tiny,looped,2,,4,4096,0.00020,20000,9,200000,0\n"
           "h200,tiny,clp,2,,4,4096,0.00015,26000,9,90000,0\n"
           "h200,tiny,plt,2,4,4,4096,0.000102,39200,9,100200,0\n";
  }
  ASSERT_TRUE(m_window->openSweep(csv).isEmpty());
  const SweepTable& t = view->model()->table();
  // Default axes: decode_step_s against kv_bytes (not decode_kv_read_bytes).
  // Front, both minimised: vanilla (0.1 ms, 100 kB) and clp (0.15 ms, 90 kB).
  EXPECT_EQ(view->model()->front(), (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(t.columns[static_cast<std::size_t>(t.columnIndex("kv_bytes"))].name, "kv_bytes");
  // A click near plt's point picks plt.
  EXPECT_EQ(view->nearestPoint(QPointF(0.000102, 100300)), 3);
  view->selectPoint(3);
  EXPECT_EQ(view->selectedPoint(), 3);
  EXPECT_TRUE(view->pointDetails().contains(QStringLiteral("variant = plt")));
  if (m_window->predictor() != nullptr) {
    ModelConfig c = load_model("tiny");
    c.variant = Variant::plt;
    c.loops = 2;
    c.window = 4;
    EXPECT_EQ(view->pointOps()->rowCount(),
              static_cast<int>(plan_step(c, StepShape{Phase::decode, 4, 4096}).ops.size()));
  }
  EXPECT_FALSE(m_window->openSweep(tempPath("missing.csv")).isEmpty());
}

// Two workloads (h200 and l40s at batch 4, context 4096), three designs each, one breaking a
// constraint: a front per workload, axes in ms and GB, colours and filters by category, and the
// clicked point's predicted step per op kind adding up to the step.
TEST_F(ViewsTest, SweepExplorerDrawsAFrontPerWorkloadWithUnitsFiltersAndKinds) {
  auto* view = qobject_cast<SweepView*>(m_window->page(QStringLiteral("sweep")));
  const QString csv = tempPath("workloads.csv");
  {
    std::ofstream out(csv.toStdString());
    out << "hardware,model,variant,loops,window,batch,context,decode_step_s,kv_bytes,feasible,pareto\n"
           "h200,tiny,vanilla,1,,4,4096,0.0010,4000000000,1,1\n"  // 0 h200 front
           "h200,tiny,plt,2,4,4,4096,0.0012,1000000000,1,1\n"     // 1 h200 front
           "h200,tiny,looped,2,,4,4096,0.0020,4000000000,1,0\n"   // 2 beaten by 0
           "l40s,tiny,vanilla,1,,4,4096,0.0030,4000000000,1,1\n"  // 3 l40s front
           "l40s,tiny,plt,2,4,4,4096,0.0036,1000000000,1,1\n"     // 4 l40s front
           "l40s,tiny,looped,2,,4,4096,0.0060,4000000000,1,0\n"   // 5 beaten by 3
           "l40s,tiny,clp,2,,4,4096,0.0005,500000000,0,0\n";      // 6 breaks a constraint
  }
  ASSERT_TRUE(m_window->openSweep(csv).isEmpty());
  // One global front would be h200's two points; l40s's own designs make a front of their own,
  // and the infeasible clp point, fastest and smallest, stands on none.
  EXPECT_EQ(view->model()->front(), (std::vector<bool>{true, true, false, true, true, false, false}));
  EXPECT_EQ(view->frontLines(), (std::vector<std::vector<std::size_t>>{{0, 1}, {3, 4}}));
  EXPECT_TRUE(view->groupingText().contains(QStringLiteral("per workload (same hardware, batch, context")))
      << view->groupingText().toStdString();
  EXPECT_TRUE(view->groupingText().contains(QStringLiteral("2 workloads with a front, 4 points")))
      << view->groupingText().toStdString();
  // Axes in units: seconds as ms, bytes as GB, the plotted values scaled to them.
  const auto horizontal = view->chart()->axes(Qt::Horizontal);
  const auto vertical = view->chart()->axes(Qt::Vertical);
  ASSERT_EQ(horizontal.size(), 1);
  ASSERT_EQ(vertical.size(), 1);
  EXPECT_EQ(horizontal.front()->titleText(), "decode step (ms)");
  EXPECT_EQ(vertical.front()->titleText(), "KV cache (GB)");
  auto seriesNamed = [&](const QString& name) -> QXYSeries* {
    for (QAbstractSeries* s : view->chart()->series())
      if (s->name() == name) return qobject_cast<QXYSeries*>(s);
    return nullptr;
  };
  QXYSeries* front = seriesNamed(QStringLiteral("Pareto front of its workload"));
  ASSERT_NE(front, nullptr);
  QList<QPointF> frontPoints = front->points();
  std::sort(frontPoints.begin(), frontPoints.end(), [](QPointF a, QPointF b) { return a.x() < b.x(); });
  ASSERT_EQ(frontPoints.size(), 4);
  EXPECT_DOUBLE_EQ(frontPoints[0].x(), 1.0);  // 0.0010 s
  EXPECT_DOUBLE_EQ(frontPoints[0].y(), 4.0);  // 4e9 bytes
  // Colour by hardware: a series per machine, the infeasible point apart.
  view->setColourBy("hardware");
  ASSERT_NE(seriesNamed(QStringLiteral("h200")), nullptr);
  ASSERT_NE(seriesNamed(QStringLiteral("l40s")), nullptr);
  EXPECT_EQ(seriesNamed(QStringLiteral("h200"))->count(), 3);
  EXPECT_EQ(seriesNamed(QStringLiteral("l40s"))->count(), 3);
  EXPECT_EQ(seriesNamed(QStringLiteral("breaks a constraint"))->count(), 1);
  // A filter reduces the points, the table and the fronts alike.
  auto* shownRows = view->findChild<SweepShownProxy*>();
  ASSERT_NE(shownRows, nullptr);
  EXPECT_EQ(shownRows->rowCount(), 7);
  SweepFilter f;
  f.hardware = "l40s";
  view->setFilter(f);
  EXPECT_EQ(view->model()->shownCount(), 4u);
  EXPECT_EQ(shownRows->rowCount(), 4);
  EXPECT_EQ(seriesNamed(QStringLiteral("h200")), nullptr);
  EXPECT_EQ(seriesNamed(QStringLiteral("l40s"))->count(), 3);
  EXPECT_EQ(view->frontLines(), (std::vector<std::vector<std::size_t>>{{3, 4}}));
  f.variant = "looped";
  view->setFilter(f);
  EXPECT_EQ(shownRows->rowCount(), 1);
  EXPECT_EQ(view->model()->front(), (std::vector<bool>{false, false, false, false, false, true, false}));
  view->setFilter({});
  EXPECT_EQ(shownRows->rowCount(), 7);
  // A point's predicted step per op kind: kinds, the engine's time outside the ops and the step,
  // the kinds summing the per-op table, the rows summing the step.
  view->selectPoint(4);
  if (m_window->predictor() != nullptr) {
    const OpKindModel* kinds = view->pointKinds();
    ASSERT_GE(kinds->rowCount(), 2);
    const OpKindRow& step = kinds->rows().back();
    ASSERT_EQ(step.type, RowType::step);
    ASSERT_TRUE(step.predictedS.has_value());
    EXPECT_TRUE(
        view->pointDetails().contains(QStringLiteral("Simulated decode step ") + formatDuration(*step.predictedS)))
        << view->pointDetails().toStdString();
    double rows = 0.0;
    double kindsOnly = 0.0;
    for (const OpKindRow& r : kinds->rows()) {
      if (r.type != RowType::step) rows += r.predictedS.value_or(0.0);
      if (r.type == RowType::kind) kindsOnly += r.predictedS.value_or(0.0);
    }
    EXPECT_NEAR(rows, *step.predictedS, *step.predictedS * 1e-12);
    double ops = 0.0;
    for (int i = 0; i < view->pointOps()->rowCount(); ++i)
      ops += view->pointOps()->data(view->pointOps()->index(i, OpTableModel::PredictedColumn), SortRole).toDouble();
    EXPECT_NEAR(kindsOnly, ops, ops * 1e-12);
    EXPECT_TRUE(view->pointDetails().contains(QStringLiteral("Workload: l40s, batch 4, context 4096")));
    // The plotted values in the axes' units: 0.0036 s, 1e9 bytes.
    EXPECT_TRUE(view->pointDetails().contains(QStringLiteral("decode step = 3.6 ms")))
        << view->pointDetails().toStdString();
    EXPECT_TRUE(view->pointDetails().contains(QStringLiteral("KV cache = 1 GB")));
    EXPECT_TRUE(view->pointDetails().contains(QStringLiteral("On looplab sweep's front")));
  }
}

// A sweep kept in a store (looplab sweep --db) opens as a CSV does: the store's newest sweep, or
// "STORE.db#ID"; its flags and the store's columns arrive under the CSV's names.
TEST_F(ViewsTest, SweepExplorerOpensSweepsKeptInAStore) {
  auto* view = qobject_cast<SweepView*>(m_window->page(QStringLiteral("sweep")));
  const QString db = tempPath("sweeps.db");
  {
    auto s = store::open_store(db.toStdString(), store::OpenMode::read_write);
    for (int sweep = 0; sweep < 2; ++sweep) {
      std::vector<store::SweepPointRow> points;
      for (int i = 0; i < 3; ++i) {
        store::SweepPointRow p;
        p.hardware = "h200";
        p.model = "tiny";
        p.variant = i == 2 ? "plt" : "vanilla";
        p.loops = i == 2 ? 2 : 1;
        p.window = i == 2 ? 4 : 0;
        p.batch = std::int64_t{4} * (i + 1);
        p.context_len = 4096;
        p.dtype = "bf16";
        p.decode_step_s = 1e-4 * (i + 1 + sweep);
        p.kv_bytes = std::int64_t{1000} * (i + 1);
        p.fits = i != 1;
        p.feasible = i == 0;
        p.pareto = i == 0;
        p.best = i == 0;
        points.push_back(p);
      }
      store::SweepInfo info;
      info.name = sweep == 0 ? "first" : "second";
      s->add_sweep(info, points);
    }
  }
  ASSERT_TRUE(m_window->openSweep(db).isEmpty());  // the newest: sweep 2
  const SweepTable& t = view->model()->table();
  ASSERT_EQ(t.rows, 3u);
  auto column = [&](const char* name) -> const SweepColumn& {
    const int c = t.columnIndex(name);
    EXPECT_GE(c, 0) << name;
    return t.columns[static_cast<std::size_t>(std::max(c, 0))];
  };
  EXPECT_DOUBLE_EQ(column("decode_step_s").values[0], 2e-4);
  EXPECT_DOUBLE_EQ(column("decode_tokens_per_s").values[1], 8 / 3e-4);
  EXPECT_TRUE(std::isnan(column("window").values[0]));  // vanilla has no window, as in the CSV
  EXPECT_EQ(column("variant").texts[2], "plt");
  EXPECT_EQ(column("feasible").values, (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(column("fits").values, (std::vector<double>{1, 0, 1}));
  ASSERT_TRUE(m_window->openSweep(db + QStringLiteral("#1")).isEmpty());
  EXPECT_DOUBLE_EQ(column("decode_step_s").values[0], 1e-4);
  EXPECT_TRUE(m_window->openSweep(db + QStringLiteral("#9")).contains(QStringLiteral("no sweep 9")));
  const QString empty = tempPath("empty.db");
  store::open_store(empty.toStdString(), store::OpenMode::read_write);
  EXPECT_TRUE(m_window->openSweep(empty).contains(QStringLiteral("keeps no sweep")));
}

TEST_F(ViewsTest, ExportWritesPngAndSvg) {
  openRun(s_runs[4].id);
  m_window->showView(QStringLiteral("roofline"));
  m_window->show();
  QApplication::processEvents();
  const QString png = tempPath("roofline.png");
  const QString svg = tempPath("roofline.svg");
  ASSERT_TRUE(m_window->exportCurrentView(png).isEmpty());
  ASSERT_TRUE(m_window->exportCurrentView(svg).isEmpty());
  const QImage image(png);
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.size(), m_window->currentPage()->exportTarget()->size());
  EXPECT_GT(test::greyVariance(image), 100.0);
  QFile file(svg);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QByteArray text = file.readAll();
  EXPECT_TRUE(text.contains("<svg"));
  EXPECT_TRUE(text.contains("</svg>"));
  EXPECT_TRUE(text.contains("FLOP/s"));  // the axis labels are text in the SVG
}

TEST_F(ViewsTest, ACorruptStoreOpensADialogAndTheWindowStaysResponsive) {
  const QString corrupt = tempPath("corrupt.db");
  {
    // A store header followed by junk: it passes the first byte check and fails inside SQLite.
    std::ofstream out(corrupt.toStdString(), std::ios::binary);
    out.write("SQLite format 3\0", 16);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>((i * 131) % 251));
  }
  m_window->setInteractive(true);
  m_window->show();
  m_window->openStore(corrupt);
  m_window->loader()->waitForIdle();
  ASSERT_TRUE(m_window->lastProblem().has_value());
  EXPECT_EQ(m_window->lastProblem()->kind, ProblemKind::corrupt) << m_window->lastProblem()->detail;
  QApplication::processEvents();
  QMessageBox* box = m_window->findChild<QMessageBox*>();
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->isVisible());
  EXPECT_EQ(box->text().toStdString(), problemAdvice(ProblemKind::corrupt));
  EXPECT_EQ(box->windowTitle().toStdString(), problemTitle(ProblemKind::corrupt));
  // Not application-modal: the loader answers while the box is up (the next store opens).
  EXPECT_NE(box->windowModality(), Qt::ApplicationModal);
  m_window->openStore(QString::fromStdString(s_store));
  m_window->loader()->waitForIdle();
  EXPECT_FALSE(m_window->lastProblem().has_value());
  EXPECT_EQ(m_window->runsBrowser()->model()->rowCount(), static_cast<int>(s_runs.size()));
  box->close();
}

}  // namespace
}  // namespace looplab::gui

namespace looplab::gui {
namespace {

TEST_F(ViewsTest, HistoryShowsTheStoresWorkloadsAndOpensTheClickedRun) {
  openRun();
  auto* view = qobject_cast<HistoryView*>(m_window->page(QStringLiteral("history")));
  ASSERT_NE(view, nullptr);
  ASSERT_FALSE(view->series().empty());
  std::size_t points = 0;
  for (const HistorySeries& s : view->series()) points += s.points.size();
  std::size_t complete = 0;
  for (const auto& r : s_runs) complete += r.complete ? 1 : 0;
  EXPECT_EQ(points, complete);  // every complete run of the store is a point of one history
  const HistorySeries& shown = view->series()[static_cast<std::size_t>(view->currentSeries())];
  EXPECT_EQ(view->runNear(QPointF(1.2, 0)), shown.points.front().runId);
  EXPECT_EQ(view->runNear(QPointF(1e9, 0)), shown.points.back().runId);
  EXPECT_FALSE(view->changeText().isEmpty());
  // clicking a point opens its run in the run view
  const qint64 id = shown.points.front().runId;
  emit view->runActivated(id);
  m_window->loader()->waitForIdle();
  ASSERT_TRUE(m_window->currentRun());
  EXPECT_EQ(m_window->currentRun()->summary.id, id);
  EXPECT_EQ(m_window->currentViewName(), QStringLiteral("run"));
}

}  // namespace
}  // namespace looplab::gui
