// The GUI over a real results store the test fills: snapshots load off the GUI thread, the models
// show what was written (verdicts, intervals, the kind table as the CLI computes it, unattributed
// time), every broken store gives its own clear problem, and a 100,000-run store loads, sorts and
// filters. How fast is test_gui_slow's business (label slow): no clock here.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <QAbstractItemModelTester>
#include <QEventLoop>
#include <QHeaderView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "engine/core/config.hpp"
#include "engine/core/kv.hpp"
#include "gui/data/store_convert.hpp"
#include "gui/data/store_loader.hpp"
#include "gui/models/format.hpp"
#include "gui/models/op_kind_model.hpp"
#include "gui/models/op_table_model.hpp"
#include "gui/models/roles.hpp"
#include "gui/models/run_filter_proxy.hpp"
#include "gui/models/run_list_model.hpp"
#include "gui/views/runs_browser.hpp"
#include "model_failures.hpp"
#include "store/store.hpp"
#include "store/summary.hpp"
#include "store_fixture.hpp"

namespace looplab::gui {
namespace {

using test::FixtureRun;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(m_dir.isValid());
    m_path = m_dir.filePath("looplab.db").toStdString();
  }
  std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

  // Runs the event loop until the loader answers (no waitForIdle: the GUI thread keeps running).
  static void waitForAnswer(StoreLoader& loader, int timeoutMs = 60000) {
    QEventLoop loop;
    QObject::connect(&loader, &StoreLoader::runsLoaded, &loop, &QEventLoop::quit);
    QObject::connect(&loader, &StoreLoader::runLoaded, &loop, &QEventLoop::quit);
    QObject::connect(&loader, &StoreLoader::failed, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (loader.busy()) loop.exec();
  }

  // What one open() reports for a file.
  static std::optional<StoreProblem> problemOf(const std::string& file,
                                               SourceFactory factory = defaultSourceFactory()) {
    StoreLoader loader(std::move(factory));
    QSignalSpy failed(&loader, &StoreLoader::failed);
    QSignalSpy loaded(&loader, &StoreLoader::runsLoaded);
    loader.open(QString::fromStdString(file));
    waitForAnswer(loader);
    EXPECT_EQ(failed.count() + loaded.count(), 1);
    if (failed.isEmpty()) return std::nullopt;
    return failed.first().first().value<StoreProblem>();
  }

  QTemporaryDir m_dir;
  std::string m_path;
};

// Sum over a decode step's ops of the fixture's rounded op times, plus the step's overheads.
double expectedStepS(std::size_t ops, int step, bool gpu) {
  double ns = 2000.0;
  for (std::size_t i = 0; i < ops; ++i) {
    ns += std::floor(static_cast<double>(i + 1) * 1000.0 * test::stepFactor(step) + 0.5) + (gpu ? 1000.0 : 0.0);
  }
  return ns * 1e-9;
}

std::size_t decodeOps(Variant v, std::int64_t batch, std::int64_t context) {
  ModelConfig c = load_model("tiny");
  c.variant = v;
  c.loops = v == Variant::vanilla ? 1 : 2;
  return plan_step(c, StepShape{Phase::decode, batch, context}).ops.size();
}

TEST_F(StoreTest, RunsLoadOffTheGuiThreadAndTheModelShowsWhatWasWritten) {
  const std::vector<FixtureRun> written = test::fillStore(m_path);
  QThread* queryThread = nullptr;
  const SourceFactory real = defaultSourceFactory();
  StoreLoader loader([&](const std::string& p) {
    queryThread = QThread::currentThread();
    return real(p);
  });
  QSignalSpy loaded(&loader, &StoreLoader::runsLoaded);
  loader.open(QString::fromStdString(m_path));
  waitForAnswer(loader);
  ASSERT_EQ(loaded.count(), 1);
  EXPECT_NE(queryThread, nullptr);
  EXPECT_NE(queryThread, QThread::currentThread());  // the store was read on the worker

  test::ModelFailures failures;
  RunListModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
  model.setRuns(loaded.first().at(1).value<RunsSnapshot>());
  ASSERT_EQ(model.rowCount(), static_cast<int>(written.size()));
  auto stored = store::open_store(m_path, store::OpenMode::read_only);
  for (const FixtureRun& w : written) {
    const int row = model.rowOfId(w.id);
    ASSERT_GE(row, 0) << "run " << w.id;
    const RunSummary& r = *model.runAt(row);
    // The verdict and interval the store recorded, as the runs browser shows them.
    const store::RunInfo info = *stored->get_run(w.id);
    EXPECT_EQ(r.verdict, verdictFromText(info.stats.verdict)) << "run " << w.id;
    EXPECT_EQ(r.verdictReason, info.stats.verdict_reason);
    EXPECT_EQ(r.measuredCiLoS, info.stats.decode.ci_lo_s);
    EXPECT_EQ(model.data(model.index(row, RunListModel::VerdictColumn)).toString(),
              info.stats.verdict.empty() ? QString::fromUtf8("\u2014") : QString::fromStdString(info.stats.verdict));
    EXPECT_EQ(model.data(model.index(row, RunListModel::VerdictColumn), Qt::ToolTipRole).toString(),
              verdictExplanation(r.verdict, info.stats.verdict_reason));
    EXPECT_EQ(r.variant, w.variant);
    EXPECT_EQ(r.backend, w.backend);
    EXPECT_EQ(r.batch, w.batch);
    EXPECT_EQ(r.contextLen, test::kPromptLen);
    EXPECT_EQ(r.complete, w.complete);
    EXPECT_EQ(r.model, "tiny");
    EXPECT_EQ(r.window, load_model("tiny").window);
    if (!w.complete) continue;
    ASSERT_TRUE(r.verdict.has_value()) << "run " << w.id;
    if (w.variant == Variant::clp_share || w.backend == "cpu") {  // the busy machine's runs
      EXPECT_NE(r.verdict, stats::Verdict::quiet);
      EXPECT_NE(r.verdictReason.find(test::kBusyReason), std::string::npos) << r.verdictReason;
      EXPECT_TRUE(model.data(model.index(row, RunListModel::VerdictColumn), Qt::ToolTipRole)
                      .toString()
                      .contains(QString::fromLatin1(test::kBusyReason)));
    }
    // The decode median is step 4 (factor 1.02); its context is prompt + 4.
    const double measured = expectedStepS(decodeOps(w.variant, w.batch, test::kPromptLen + 4), 4, w.backend == "cuda");
    ASSERT_TRUE(r.measuredStepS.has_value());
    EXPECT_NEAR(*r.measuredStepS, measured, 1e-12) << "run " << w.id;
    EXPECT_EQ(model.data(model.index(row, RunListModel::MeasuredColumn)).toString(), formatDuration(measured));
    // Predicted: mean over steps of sum_i (i+1) * 1.1 µs * (1 + 0.001 s); the op count is the same
    // at every decode step of this shape.
    const auto n = static_cast<double>(decodeOps(w.variant, w.batch, test::kPromptLen + 1));
    EXPECT_NEAR(*r.predictedStepS, 1.1e-6 * 1.003 * n * (n + 1) / 2.0, 1e-12);
    ModelConfig c = load_model("tiny");
    c.variant = w.variant;
    c.loops = w.variant == Variant::vanilla ? 1 : 2;
    const std::int64_t elementBytes = w.backend == "cpu" ? 4 : 2;
    EXPECT_EQ(r.kvBytes, kv_bytes_formula(c, w.batch, test::kPromptLen + test::kDecodeSteps, elementBytes));
    EXPECT_EQ(r.weightBytes, c.parameter_count() * elementBytes);
  }
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST_F(StoreTest, RunDetailIsTheDecodeStepOpByOp) {
  const std::vector<FixtureRun> written = test::fillStore(m_path);
  const FixtureRun& plt = written[4];  // plt on h200, batch 2
  ASSERT_EQ(plt.variant, Variant::plt);
  StoreLoader loader(defaultSourceFactory());
  QSignalSpy detail(&loader, &StoreLoader::runLoaded);
  loader.open(QString::fromStdString(m_path));
  waitForAnswer(loader);
  loader.loadRun(plt.id);
  waitForAnswer(loader);
  ASSERT_EQ(detail.count(), 1);
  const RunDetail& d = *detail.first().first().value<RunDetailSnapshot>();
  EXPECT_EQ(d.summary.id, plt.id);
  const std::size_t n = decodeOps(Variant::plt, 2, test::kPromptLen + 1);
  ASSERT_EQ(d.ops.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const OpRecord& op = d.ops[i];
    EXPECT_EQ(op.index, static_cast<int>(i));
    ASSERT_TRUE(op.measuredS && op.predictedS) << op.name;
    EXPECT_NEAR(*op.measuredS, test::expectedOpMeasuredS(static_cast<int>(i)), 1e-15) << op.name;
    // The mean factor is 1.02 as well.
    EXPECT_NEAR(*op.measuredMeanS, test::expectedOpMeasuredS(static_cast<int>(i)), 1e-15);
    EXPECT_NEAR(*op.predictedS, test::expectedOpPredictedS(static_cast<int>(i)), 1e-15) << op.name;
    EXPECT_EQ(op.bound, i % 2 == 0 ? Bound::memory : Bound::compute);
    EXPECT_DOUBLE_EQ(op.flops, 1000.0 * static_cast<double>((i + 1) * (i + 1)));
    EXPECT_DOUBLE_EQ(op.bytes, 100.0 * static_cast<double>(i + 1));
  }
  // Steps: the prefill and five decode steps of every repeat.
  ASSERT_EQ(d.steps.size(), 6u * test::kRepeats);
  EXPECT_EQ(d.steps[0].phase, Phase::prefill);
  // The timeline shows step 4, the median one: its first op starts at the step's start and
  // lasts its host span (kernel time + 1 µs launch); no kernel covers the launches and the 2 µs
  // tail, which is the step's unattributed time.
  ASSERT_TRUE(d.shownStep.has_value());
  EXPECT_EQ(d.shownStep->index, 4);
  EXPECT_NEAR(d.shownStep->wallS, expectedStepS(n, 4, true), 1e-15);
  EXPECT_NEAR(d.shownStep->unattributedS, (2000.0 + 1000.0 * static_cast<double>(n)) * 1e-9, 1e-15);
  ASSERT_EQ(d.measuredOps.size(), n);
  EXPECT_DOUBLE_EQ(d.measuredOps[0].startS, 0.0);
  EXPECT_NEAR(d.measuredOps[2].durationS, 3 * 1.02e-6 + 1e-6, 1e-15);
  ASSERT_EQ(d.kernels.size(), n);
  EXPECT_NEAR(d.kernels[0].startS, 0.5e-6, 1e-15);
  bool stream7 = false, stream13 = false;
  for (const Span& k : d.kernels) {
    stream7 = stream7 || k.lane == 7;
    stream13 = stream13 || k.lane == 13;
  }
  EXPECT_TRUE(stream7 && stream13);
  // Ceilings: h200's bf16 and bandwidth numbers, datasheet and measured, as in the stored spec.
  std::ifstream in(data_dir() / "hardware" / "h200.json");
  const nlohmann::json h200 = nlohmann::json::parse(in);
  EXPECT_DOUBLE_EQ(d.hardware.peakFlopsPerS, h200["peak_flops"]["bf16"]["datasheet"]["value"].get<double>());
  EXPECT_DOUBLE_EQ(*d.hardware.measuredPeakFlopsPerS, h200["peak_flops"]["bf16"]["measured"]["value"].get<double>());
  EXPECT_EQ(d.hardware.mainLabel, "datasheet");
  EXPECT_DOUBLE_EQ(d.hardware.bandwidthBytesPerS, h200["mem_bw_bytes_per_s"]["datasheet"]["value"].get<double>());

  test::ModelFailures failures;
  OpTableModel ops;
  QAbstractItemModelTester tester(&ops, QAbstractItemModelTester::FailureReportingMode::Warning);
  ops.setOps(d.ops);
  EXPECT_EQ(ops.data(ops.index(0, OpTableModel::ErrorColumn)).toString(),
            formatPercent((1.1 * 1.003 / 1.02 - 1.0) * 100.0));
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST_F(StoreTest, TheHostRunUsesItsStoredMeasuredSpec) {
  const std::vector<FixtureRun> written = test::fillStore(m_path);
  StoreLoader loader(defaultSourceFactory());
  QSignalSpy detail(&loader, &StoreLoader::runLoaded);
  loader.open(QString::fromStdString(m_path));
  waitForAnswer(loader);
  loader.loadRun(written[5].id);
  waitForAnswer(loader);
  ASSERT_EQ(detail.count(), 1);
  const RunDetail& d = *detail.first().first().value<RunDetailSnapshot>();
  EXPECT_EQ(d.summary.backend, "cpu");
  EXPECT_DOUBLE_EQ(d.hardware.peakFlopsPerS, 1e11);  // f32, measured only
  EXPECT_DOUBLE_EQ(d.hardware.bandwidthBytesPerS, 2e10);
  EXPECT_FALSE(d.hardware.measuredPeakFlopsPerS.has_value());
  EXPECT_EQ(d.hardware.mainLabel, "measured");  // the roofline must not call it a datasheet
  EXPECT_TRUE(d.kernels.empty());
  EXPECT_EQ(d.hardwareJson, test::hostSpecJson());
}

// The measured tables of the run view are the CLI's (store::kind_table) and account for the step:
// kind means (or op means) plus unattributed are the step's mean; unattributed is what the
// fixture put between the ops.
TEST_F(StoreTest, TheTablesAreTheClisAndAddUpToTheStep) {
  const std::vector<FixtureRun> written = test::fillStore(m_path);
  auto stored = store::open_store(m_path, store::OpenMode::read_only);
  for (const FixtureRun& w : {written[4], written[5]}) {  // plt on the GPU and on the CPU
    StoreLoader loader(defaultSourceFactory());
    QSignalSpy detail(&loader, &StoreLoader::runLoaded);
    loader.open(QString::fromStdString(m_path));
    waitForAnswer(loader);
    loader.loadRun(w.id);
    waitForAnswer(loader);
    ASSERT_EQ(detail.count(), 1);
    const RunDetail& d = *detail.first().first().value<RunDetailSnapshot>();
    const bool gpu = w.backend == "cuda";
    const std::size_t n = decodeOps(Variant::plt, w.batch, test::kPromptLen + 1);

    // Row for row the CLI's table (`looplab runs show` prints store::kind_table).
    std::vector<store::KindRow> cli;
    for (const store::KindRow& k : store::kind_table(stored->read_rows(w.id)))
      if (k.phase == "decode") cli.push_back(k);
    const std::vector<KindMeasurement> kinds = d.decodeKinds();
    ASSERT_EQ(kinds.size(), cli.size());
    for (std::size_t i = 0; i < cli.size(); ++i) {
      EXPECT_EQ(kinds[i].kind, cli[i].kind);
      EXPECT_DOUBLE_EQ(kinds[i].measured.medianS, cli[i].measured.median) << cli[i].kind;
      EXPECT_DOUBLE_EQ(kinds[i].measured.ciLoS, cli[i].measured.ci.lo) << cli[i].kind;
      EXPECT_DOUBLE_EQ(kinds[i].measured.meanS, cli[i].measured_mean_s) << cli[i].kind;
      EXPECT_EQ(kinds[i].measured.verdict, cli[i].measured.verdict) << cli[i].kind;
    }
    ASSERT_GE(kinds.size(), 3u);
    EXPECT_EQ(kinds[kinds.size() - 2].kind, "unattributed");
    EXPECT_EQ(kinds.back().kind, "step");
    EXPECT_DOUBLE_EQ(kinds.back().measured.medianS, *d.summary.measuredStepS);

    test::ModelFailures failures;
    OpKindModel kindModel;
    QAbstractItemModelTester kindTester(&kindModel, QAbstractItemModelTester::FailureReportingMode::Warning);
    kindModel.setMeasured(d.ops, kinds, d.summary.verdict);
    ASSERT_EQ(kindModel.rowCount(), static_cast<int>(kinds.size()));
    const int unattributedRow = kindModel.rowCount() - 2;
    const int stepRow = kindModel.rowCount() - 1;
    EXPECT_EQ(kindModel.data(kindModel.index(unattributedRow, OpKindModel::KindColumn)).toString(), "unattributed");
    // Unattributed: the 2 µs tail of every step, and on the GPU every op's 1 µs launch.
    const double unattributedS = (2000.0 + (gpu ? 1000.0 * static_cast<double>(n) : 0.0)) * 1e-9;
    const OpKindRow& un = kindModel.rows()[static_cast<std::size_t>(unattributedRow)];
    EXPECT_NEAR(*un.measuredS(), unattributedS, 1e-15);
    EXPECT_EQ(kindModel.data(kindModel.index(unattributedRow, OpKindModel::MeasuredColumn)).toString(),
              formatDuration(unattributedS));
    double kindMeans = 0.0;
    for (int row = 0; row < stepRow; ++row) kindMeans += kindModel.rows()[row].measured->meanS;
    const double stepMean = kindModel.rows()[static_cast<std::size_t>(stepRow)].measured->meanS;
    EXPECT_NEAR(kindMeans, stepMean, stepMean * 1e-12);
    EXPECT_DOUBLE_EQ(kindModel.stepMeanS(), stepMean);

    OpTableModel opModel;
    QAbstractItemModelTester opTester(&opModel, QAbstractItemModelTester::FailureReportingMode::Warning);
    opModel.setOps(d.ops, kindModel.summaryRows(), d.summary.verdict);
    ASSERT_EQ(opModel.rowCount(), static_cast<int>(n) + 2);
    double opMeans = 0.0;
    for (int row = 0; row <= static_cast<int>(n); ++row)  // the ops, then unattributed
      opMeans += opModel.data(opModel.index(row, OpTableModel::MeanColumn), SortRole).toDouble();
    EXPECT_NEAR(opMeans, stepMean, stepMean * 1e-12);
    EXPECT_EQ(opModel.data(opModel.index(static_cast<int>(n) + 1, OpTableModel::NameColumn)).toString(), "step");
    // Errors of a run that is not quiet are marked.
    const QString error = opModel.data(opModel.index(0, OpTableModel::ErrorColumn)).toString();
    EXPECT_EQ(error.endsWith(QLatin1Char(')')), !isQuiet(d.summary.verdict)) << error.toStdString();
    EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
  }
}

// Rows written by hand: two repeats of two decode steps, an op that ran in only one of the four
// steps, and steps of different lengths. An op's mean counts the steps it missed as 0, like
// store::kind_table counts a kind, so the op means still add up to the step.
TEST(StoreConvert, HandBuiltRowsAddUpWhenAnOpSkipsAStep) {
  store::RunRows rows;
  const std::int64_t wall[2][2] = {{10000, 12000}, {11000, 13000}};  // ns, [repeat][step - 1]
  for (std::int64_t rep = 0; rep < 2; ++rep) {
    for (std::int64_t step = 1; step <= 2; ++step) {
      const std::int64_t start = 100000 * rep + 20000 * step;
      store::StepRow s{rep, step, "decode", 1, 8 + step, start, start + wall[rep][step - 1], 0};
      std::int64_t t = start, measured = 0;
      for (std::int64_t op = 0; op < 2; ++op) {
        if (op == 1 && !(rep == 1 && step == 2)) continue;  // op 1 runs once
        store::OpRow o;
        o.repeat_index = rep;
        o.step_index = step;
        o.op_index = op;
        o.name = op == 0 ? "layer0.loop1.qkv_proj" : "layer0.loop1.swiglu";
        o.kind = op == 0 ? "qkv_proj" : "swiglu";
        o.start_ns = t;
        o.end_ns = t + 4000 * (op + 1);
        t = o.end_ns;
        measured += o.measured_ns();
        rows.ops.push_back(o);
      }
      s.unattributed_ns = s.end_ns - s.start_ns - measured;
      rows.steps.push_back(s);
    }
  }
  store::RunInfo info;
  info.backend = "cpu";
  info.stats = store::run_stats(rows);
  ConfigCache configs;
  const RunDetail d = detailFromStore(info, rows, configs);
  ASSERT_EQ(d.ops.size(), 2u);
  EXPECT_NEAR(*d.ops[0].measuredMeanS, 4e-6, 1e-18);
  EXPECT_NEAR(*d.ops[1].measuredMeanS, 8e-6 / 4.0, 1e-18);  // once in four steps
  EXPECT_NEAR(*d.ops[1].measuredS, 0.0, 1e-18);             // the median step skipped it
  const std::vector<KindMeasurement> kinds = d.decodeKinds();
  ASSERT_EQ(kinds.size(), 4u);  // qkv_proj, swiglu, unattributed, step
  EXPECT_EQ(kinds[2].kind, "unattributed");
  const double stepMean = (10000.0 + 12000.0 + 11000.0 + 13000.0) / 4.0 * 1e-9;
  EXPECT_NEAR(kinds[3].measured.meanS, stepMean, 1e-18);
  EXPECT_NEAR(*d.ops[0].measuredMeanS + *d.ops[1].measuredMeanS + kinds[2].measured.meanS, stepMean, 1e-18);
  // The kind table adds the same way, and its medians are the CLI's.
  OpKindModel model;
  model.setMeasured(d.ops, kinds, d.summary.verdict);
  double sum = 0.0;
  for (const OpKindRow& r : model.rows())
    if (r.type != RowType::step) sum += r.measured->meanS;
  EXPECT_NEAR(sum, stepMean, 1e-18);
  // Four samples: fewer than the verdict needs, so the run is unusable and every error says so.
  EXPECT_EQ(d.summary.verdict, stats::Verdict::unusable);
  // The timeline's step is the one nearest the median, 11.5 µs: 12 µs (repeat 0, step 2) and
  // 11 µs tie, and the first in store order wins. Its one 4 µs op leaves 8 µs unattributed.
  ASSERT_TRUE(d.shownStep.has_value());
  EXPECT_EQ(d.shownStep->repeat, 0);
  EXPECT_EQ(d.shownStep->index, 2);
  EXPECT_NEAR(d.shownStep->wallS, 12e-6, 1e-18);
  EXPECT_NEAR(d.shownStep->unattributedS, 8e-6, 1e-18);
}

TEST_F(StoreTest, EveryBrokenStoreGetsItsOwnProblem) {
  // Missing.
  auto p = problemOf(path("nope.db"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::missing);
  // A directory.
  p = problemOf(m_dir.path().toStdString());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::notAFile);
  // A zero-byte file.
  std::ofstream(path("empty.db")).close();
  p = problemOf(path("empty.db"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::empty);
  // Not SQLite at all.
  std::ofstream(path("garbage.db")) << "this is not a database, just text that goes on for a while\n";
  p = problemOf(path("garbage.db"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::corrupt);
  EXPECT_FALSE(p->detail.empty());
  // SQLite's header, then junk; named so that its path reads like another problem: the kind
  // must come from what the store says, not from the file name.
  {
    std::ofstream out(path("newer looplab.db"), std::ios::binary);
    out.write("SQLite format 3\0", 16);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>((i * 131) % 251));
  }
  p = problemOf(path("newer looplab.db"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::corrupt) << p->detail;
  // SQLite, but another program's.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path("other.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  p = problemOf(path("other.db"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::notLooplab);
  // A looplab store without runs.
  store::open_store(path("fresh.db"), store::OpenMode::read_write).reset();
  p = problemOf(path("fresh.db"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::empty);
  // Written by a newer looplab.
  test::fillStore(m_path);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(m_path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  p = problemOf(m_path);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::newerSchema);
  EXPECT_NE(p->detail.find("newer"), std::string::npos) << p->detail;
  // Every problem has a title and advice for the dialog.
  for (int k = 0; k <= static_cast<int>(ProblemKind::unsupported); ++k) {
    EXPECT_FALSE(problemTitle(static_cast<ProblemKind>(k)).empty());
    EXPECT_FALSE(problemAdvice(static_cast<ProblemKind>(k)).empty());
  }
}

TEST_F(StoreTest, AStoreLockedByAnotherWriterIsReportedNotWaitedOnForever) {
  test::fillStore(m_path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(m_path.c_str(), &db), SQLITE_OK);
  // Exclusive locking mode in WAL: after its first write this connection keeps every other
  // connection out, readers included, until it closes.
  ASSERT_EQ(sqlite3_exec(db,
                         "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                         "UPDATE runs SET label = label WHERE id = 1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  // problemOf fails the test if no answer comes within its minute; how soon it comes is
  // test_gui_slow's (label slow) to check.
  const auto p = problemOf(m_path, storeSourceFactory(200));
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, ProblemKind::locked) << p->detail;
  // Released, the same file opens.
  EXPECT_FALSE(problemOf(m_path).has_value());
}

// Correctness at 100,000 runs: every row arrives, sorting and filtering give the right rows.
// The time bounds of the same steps are in test_gui_slow (label slow).
TEST_F(StoreTest, AHundredThousandRunsLoadSortAndFilter) {
  test::fillStore(m_path);
  constexpr std::int64_t kRuns = 100000;
  test::multiplyRuns(m_path, kRuns);

  RunsBrowser browser;
  browser.resize(1200, 700);
  browser.show();
  StoreLoader loader(defaultSourceFactory());
  QSignalSpy loaded(&loader, &StoreLoader::runsLoaded);
  loader.open(QString::fromStdString(m_path));
  waitForAnswer(loader, 120000);
  ASSERT_EQ(loaded.count(), 1);
  const RunsSnapshot runs = loaded.first().at(1).value<RunsSnapshot>();
  ASSERT_EQ(runs->size(), static_cast<std::size_t>(kRuns));

  test::ModelFailures failures;
  browser.setRuns(runs);
  QCoreApplication::processEvents();
  EXPECT_EQ(browser.proxy()->rowCount(), kRuns);
  // Scrolling paints rows from the bottom, the middle and the top.
  QScrollBar* bar = browser.table()->verticalScrollBar();
  for (int value : {bar->maximum(), bar->maximum() / 2, 0}) {
    bar->setValue(value);
    browser.table()->viewport()->repaint();
  }
  // Sorted by measured latency, descending: the first rows hold the largest medians.
  browser.proxy()->sort(RunListModel::MeasuredColumn, Qt::DescendingOrder);
  double largest = 0.0;
  for (const RunSummary& r : *runs) largest = std::max(largest, r.measuredStepS.value_or(0.0));
  bool sawLargest = false;
  double previous = std::numeric_limits<double>::infinity();
  for (int row = 0; row < 200; ++row) {
    const QVariant v = browser.proxy()->data(browser.proxy()->index(row, RunListModel::MeasuredColumn), SortRole);
    if (!v.isValid()) continue;  // unmeasured runs (the interrupted copies)
    EXPECT_LE(v.toDouble(), previous) << "row " << row;
    previous = v.toDouble();
    sawLargest = sawLargest || v.toDouble() == largest;
  }
  EXPECT_TRUE(sawLargest);
  // Filtered: exactly the rows an independent count finds.
  browser.proxy()->setFilterText(QStringLiteral("plt cuda"));
  const auto expected = std::count_if(
      runs->begin(), runs->end(), [](const RunSummary& r) { return r.variant == Variant::plt && r.backend == "cuda"; });
  EXPECT_EQ(browser.proxy()->rowCount(), expected);
  EXPECT_GT(expected, 0);
  EXPECT_LT(expected, kRuns);
  browser.proxy()->setFilterText(QStringLiteral("noisy"));
  const auto noisy =
      std::count_if(runs->begin(), runs->end(), [](const RunSummary& r) { return r.verdict == stats::Verdict::noisy; });
  EXPECT_EQ(browser.proxy()->rowCount(), noisy);
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

}  // namespace
}  // namespace looplab::gui
