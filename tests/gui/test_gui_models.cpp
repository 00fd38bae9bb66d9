// The GUI's item models over snapshots: QAbstractItemModelTester on every model (through resets,
// sorting and filtering), and the contents checked against the snapshot the test filled.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <fstream>
#include <sstream>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "fixtures.hpp"
#include "gui/models/history.hpp"
#include "gui/models/ladder_model.hpp"
#include "gui/models/op_kind_model.hpp"
#include "gui/models/op_table_model.hpp"
#include "gui/models/roles.hpp"
#include "gui/models/run_filter_proxy.hpp"
#include "gui/models/run_list_model.hpp"
#include "gui/models/summary_last_proxy.hpp"
#include "gui/models/sweep_csv.hpp"
#include "gui/models/sweep_explore.hpp"
#include "gui/models/sweep_model.hpp"
#include "gui/models/verdict.hpp"
#include "model_failures.hpp"

namespace looplab::gui {
namespace {

using test::ModelFailures;

QString cell(const QAbstractItemModel& m, int row, int column, int role = Qt::DisplayRole) {
  return m.data(m.index(row, column), role).toString();
}

QAbstractItemModelTester::FailureReportingMode warn() {
  return QAbstractItemModelTester::FailureReportingMode::Warning;
}

TEST(RunListModel, KeepsTheItemModelContract) {
  ModelFailures failures;
  RunListModel model;
  QAbstractItemModelTester tester(&model, warn());
  model.setRuns(test::ladderRuns());
  model.setRuns(std::vector<RunSummary>{});
  model.setRuns(test::ladderRuns());
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(RunListModel, ShowsTheSnapshot) {
  RunListModel model;
  model.setRuns(test::ladderRuns());
  ASSERT_EQ(model.rowCount(), 6);
  ASSERT_EQ(model.columnCount(), RunListModel::ColumnCount);
  // Row 1 is the looped run: 200 µs measured, 180 µs predicted -> -10.0 %.
  EXPECT_EQ(cell(model, 1, RunListModel::VariantColumn), "looped");
  EXPECT_EQ(cell(model, 1, RunListModel::LoopsColumn), "2");
  EXPECT_EQ(cell(model, 1, RunListModel::MeasuredColumn), QString::fromUtf8("200 µs"));
  EXPECT_EQ(cell(model, 1, RunListModel::PredictedColumn), QString::fromUtf8("180 µs"));
  EXPECT_EQ(cell(model, 1, RunListModel::ErrorColumn), "-10.0 %");
  EXPECT_EQ(cell(model, 1, RunListModel::HardwareColumn), "h200");
  // Only plt has a local window.
  EXPECT_EQ(cell(model, 1, RunListModel::WindowColumn), QString::fromUtf8("\u2014"));
  EXPECT_EQ(cell(model, 4, RunListModel::WindowColumn), "64");
  // The incomplete cpu run has no measurement and says so.
  EXPECT_EQ(cell(model, 5, RunListModel::MeasuredColumn), QString::fromUtf8("\u2014"));
  EXPECT_TRUE(model.data(model.index(5, RunListModel::ErrorColumn), MissingRole).toBool());
  EXPECT_TRUE(cell(model, 5, RunListModel::CreatedColumn).endsWith("(incomplete)"));
  EXPECT_EQ(model.data(model.index(3, 0), RunIdRole).toLongLong(), 4);
  EXPECT_EQ(model.rowOfId(5), 4);
  EXPECT_EQ(model.rowOfId(99), -1);
  EXPECT_EQ(model.headerData(RunListModel::ErrorColumn, Qt::Horizontal).toString(), "Error");
}

TEST(RunListModel, ShowsTheVerdictItsReasonAndTheInterval) {
  RunListModel model;
  model.setRuns(test::ladderRuns());
  EXPECT_EQ(model.headerData(RunListModel::VerdictColumn, Qt::Horizontal).toString(), "Verdict");
  // The looped run is quiet: plain figures, the threshold it met as tooltip.
  EXPECT_EQ(cell(model, 1, RunListModel::VerdictColumn), "quiet");
  EXPECT_TRUE(cell(model, 1, RunListModel::VerdictColumn, Qt::ToolTipRole).startsWith("quiet"));
  EXPECT_EQ(cell(model, 1, RunListModel::IntervalColumn), QString::fromUtf8("±1.0 %"));
  EXPECT_FALSE(model.data(model.index(1, RunListModel::VerdictColumn), VerdictRole).isValid());
  // clp_share (row 3) is noisy: the verdict, its reason as tooltip, and its error marked.
  EXPECT_EQ(cell(model, 3, RunListModel::VerdictColumn), "noisy");
  EXPECT_EQ(cell(model, 3, RunListModel::VerdictColumn, Qt::ToolTipRole),
            QStringLiteral("noisy: ") + QString::fromLatin1(test::kNoisyReason));
  EXPECT_EQ(cell(model, 3, RunListModel::IntervalColumn), QString::fromUtf8("±3.0 %"));
  EXPECT_EQ(cell(model, 3, RunListModel::ErrorColumn), "-10.0 % (noisy)");
  EXPECT_TRUE(cell(model, 3, RunListModel::IntervalColumn, Qt::ToolTipRole).contains("95%"));
  EXPECT_EQ(model.data(model.index(3, RunListModel::VerdictColumn), VerdictRole).toInt(),
            verdictRank(stats::Verdict::noisy));
  // The unfinished cpu run has none: a dash, sorted last, and a tooltip saying why.
  EXPECT_EQ(cell(model, 5, RunListModel::VerdictColumn), QString::fromUtf8("\u2014"));
  EXPECT_TRUE(model.data(model.index(5, RunListModel::VerdictColumn), MissingRole).toBool());
  EXPECT_TRUE(cell(model, 5, RunListModel::VerdictColumn, Qt::ToolTipRole).startsWith("no verdict"));
}

TEST(RunFilterProxy, SortsNumbersWithMissingValuesLast) {
  ModelFailures failures;
  RunListModel model;
  RunFilterProxy proxy;
  proxy.setSourceModel(&model);
  QAbstractItemModelTester tester(&proxy, warn());
  model.setRuns(test::ladderRuns());
  proxy.sort(RunListModel::MeasuredColumn, Qt::AscendingOrder);
  // measured: vanilla 100, clp_share 101, plt 102, clp 150, looped 200, cpu run missing
  std::vector<qint64> ids;
  for (int r = 0; r < proxy.rowCount(); ++r) ids.push_back(proxy.data(proxy.index(r, 0), RunIdRole).toLongLong());
  EXPECT_EQ(ids, (std::vector<qint64>{1, 4, 5, 3, 2, 6}));
  proxy.sort(RunListModel::HardwareColumn, Qt::AscendingOrder);  // "h200" < "host"
  EXPECT_EQ(cell(proxy, 5, RunListModel::HardwareColumn), "host");
  // By verdict: quiet first (ties by id), then noisy, then the run without one.
  proxy.sort(RunListModel::VerdictColumn, Qt::AscendingOrder);
  ids.clear();
  for (int r = 0; r < proxy.rowCount(); ++r) ids.push_back(proxy.data(proxy.index(r, 0), RunIdRole).toLongLong());
  EXPECT_EQ(ids, (std::vector<qint64>{1, 2, 3, 5, 4, 6}));
  // By interval width: the +-1 % runs, then clp_share's +-3 %, then the unmeasured run.
  proxy.sort(RunListModel::IntervalColumn, Qt::AscendingOrder);
  EXPECT_EQ(proxy.data(proxy.index(4, 0), RunIdRole).toLongLong(), 4);
  EXPECT_EQ(proxy.data(proxy.index(5, 0), RunIdRole).toLongLong(), 6);
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(RunFilterProxy, FiltersByWordsVariantAndCompleteness) {
  ModelFailures failures;
  RunListModel model;
  model.setRuns(test::ladderRuns());
  RunFilterProxy proxy;
  proxy.setSourceModel(&model);
  QAbstractItemModelTester tester(&proxy, warn());
  proxy.setFilterText("H200 clp");  // every word must match: clp and clp_share on h200
  EXPECT_EQ(proxy.rowCount(), 2);
  proxy.setFilterText("");
  proxy.setVariantFilter(Variant::plt);
  EXPECT_EQ(proxy.rowCount(), 2);  // run 5 and the cpu run
  proxy.setShowIncomplete(false);
  ASSERT_EQ(proxy.rowCount(), 1);
  EXPECT_EQ(proxy.data(proxy.index(0, 0), RunIdRole).toLongLong(), 5);
  proxy.setVariantFilter(std::nullopt);
  EXPECT_EQ(proxy.rowCount(), 5);
  proxy.setFilterText("6");  // ids are searchable; the incomplete run 6 is still hidden
  EXPECT_EQ(proxy.rowCount(), 0);
  proxy.setFilterText("noisy");  // so are verdicts
  ASSERT_EQ(proxy.rowCount(), 1);
  EXPECT_EQ(proxy.data(proxy.index(0, 0), RunIdRole).toLongLong(), 4);
  proxy.setFilterText("quiet h200");
  EXPECT_EQ(proxy.rowCount(), 4);
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(OpTableModel, ShowsMeasuredAgainstPredictedPerOp) {
  ModelFailures failures;
  OpTableModel model;
  QAbstractItemModelTester tester(&model, warn());
  const RunDetail d = test::tinyRunDetail();
  model.setOps(d.ops);
  ASSERT_EQ(model.rowCount(), static_cast<int>(d.ops.size()));
  // Op 2: measured 3 µs, predicted 3.3 µs -> +10.0 %, memory-bound (even index).
  EXPECT_EQ(cell(model, 2, OpTableModel::NameColumn), QString::fromStdString(d.ops[2].name));
  EXPECT_EQ(cell(model, 2, OpTableModel::MeasuredColumn), QString::fromUtf8("3.00 µs"));
  EXPECT_EQ(cell(model, 2, OpTableModel::PredictedColumn), QString::fromUtf8("3.30 µs"));
  EXPECT_EQ(cell(model, 2, OpTableModel::ErrorColumn), "+10.0 %");
  EXPECT_EQ(cell(model, 2, OpTableModel::BoundColumn), "memory");
  EXPECT_EQ(model.data(model.index(3, 0), BoundRole).toInt(), static_cast<int>(Bound::compute));
  EXPECT_EQ(cell(model, 2, OpTableModel::IntensityColumn), "10");  // 3000 FLOP / 300 B
  const int last = model.rowCount() - 1;
  EXPECT_EQ(cell(model, last, OpTableModel::KindColumn), "argmax");
  EXPECT_EQ(cell(model, last, OpTableModel::BoundColumn), "launch");
  // A prediction-only list (what-if) leaves measured and error empty, and has no summary rows.
  std::vector<OpRecord> predicted = d.ops;
  for (OpRecord& op : predicted) {
    op.measuredS.reset();
    op.measuredMeanS.reset();
  }
  model.setOps(predicted);
  EXPECT_EQ(cell(model, 0, OpTableModel::ErrorColumn), QString::fromUtf8("\u2014"));
  EXPECT_EQ(model.rowCount(), static_cast<int>(d.ops.size()));
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(OpTableModel, EndsWithUnattributedAndTheStepAndTheMeansAddUp) {
  ModelFailures failures;
  OpTableModel model;
  QAbstractItemModelTester tester(&model, warn());
  const RunDetail d = test::tinyRunDetail();
  OpKindModel kinds;
  kinds.setMeasured(d.ops, d.decodeKinds(), d.summary.verdict);
  model.setOps(d.ops, kinds.summaryRows(), d.summary.verdict);
  const int n = static_cast<int>(d.ops.size());
  ASSERT_EQ(model.rowCount(), n + 2);
  EXPECT_EQ(cell(model, n, OpTableModel::NameColumn), "unattributed");
  EXPECT_EQ(cell(model, n + 1, OpTableModel::NameColumn), "step");
  EXPECT_TRUE(model.data(model.index(n, 0), SummaryRowRole).toBool());
  EXPECT_FALSE(model.data(model.index(0, 0), SummaryRowRole).toBool());
  EXPECT_EQ(cell(model, n, OpTableModel::MeasuredColumn), QString::fromUtf8("5.00 µs"));
  EXPECT_EQ(cell(model, n, OpTableModel::PredictedColumn), QString::fromUtf8("\u2014"));
  // The op means plus unattributed are the step's mean.
  double sum = 0.0;
  for (int r = 0; r <= n; ++r) sum += model.data(model.index(r, OpTableModel::MeanColumn), SortRole).toDouble();
  EXPECT_NEAR(sum, model.data(model.index(n + 1, OpTableModel::MeanColumn), SortRole).toDouble(), 1e-15);
  // A noisy run marks every error; a quiet one none.
  EXPECT_EQ(cell(model, 2, OpTableModel::ErrorColumn), "+10.0 %");
  model.setOps(d.ops, kinds.summaryRows(), stats::Verdict::noisy);
  EXPECT_EQ(cell(model, 2, OpTableModel::ErrorColumn), "+10.0 % (noisy)");
  EXPECT_EQ(model.data(model.index(2, OpTableModel::ErrorColumn), VerdictRole).toInt(),
            verdictRank(stats::Verdict::noisy));
  EXPECT_TRUE(cell(model, n + 1, OpTableModel::ErrorColumn).endsWith("(noisy)"));
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(OpKindModel, ShowsTheKindTableWithUnattributedAndStepRows) {
  ModelFailures failures;
  OpKindModel model;
  QAbstractItemModelTester tester(&model, warn());
  const RunDetail d = test::tinyRunDetail();
  model.setMeasured(d.ops, d.decodeKinds(), d.summary.verdict);
  // Expected per kind, computed from the ops independently of the model.
  std::map<OpKind, std::pair<int, double>> expected;
  for (const OpRecord& op : d.ops) {
    expected[op.kind].first += 1;
    expected[op.kind].second += *op.measuredS;
  }
  ASSERT_EQ(model.rowCount(), static_cast<int>(expected.size()) + 2);
  EXPECT_EQ(model.rows().front().kind, d.ops.front().kind);  // plan order of first appearance
  const int last = model.rowCount() - 1;
  EXPECT_EQ(cell(model, last - 1, OpKindModel::KindColumn), "unattributed");
  EXPECT_EQ(cell(model, last, OpKindModel::KindColumn), "step");
  EXPECT_TRUE(model.data(model.index(last, 0), SummaryRowRole).toBool());
  EXPECT_FALSE(model.data(model.index(last, 0), BoundRole).isValid());  // no op's bound
  double meanSum = 0.0;
  double share = 0.0;
  for (const OpKindRow& r : model.rows()) {
    ASSERT_TRUE(r.measured.has_value()) << r.name().toStdString();
    if (r.type == RowType::kind) {
      EXPECT_EQ(r.count, expected[r.kind].first) << to_string(r.kind);
      EXPECT_NEAR(*r.measuredS(), expected[r.kind].second, 1e-15) << to_string(r.kind);
      EXPECT_NEAR(*r.errorPct(), 10.0, 1e-9);  // every op predicted 1.1x
    }
    if (r.type != RowType::step) meanSum += r.measured->meanS;
  }
  for (int row = 0; row < last; ++row)
    share += model.data(model.index(row, OpKindModel::ShareColumn), SortRole).toDouble();
  EXPECT_NEAR(meanSum, model.stepMeanS(), 1e-15);  // the rows account for the step
  EXPECT_NEAR(share, 100.0, 1e-9);
  EXPECT_EQ(cell(model, last, OpKindModel::ShareColumn), "100.0 %");
  EXPECT_EQ(cell(model, last - 1, OpKindModel::MeasuredColumn), QString::fromUtf8("5.00 µs"));
  EXPECT_EQ(cell(model, last - 1, OpKindModel::ErrorColumn), QString::fromUtf8("\u2014"));
  EXPECT_EQ(cell(model, 0, OpKindModel::IntervalColumn), QString::fromUtf8("±0.5 %"));
  // tiny has 2 layers; the plt decode pass runs each layer's qkv_proj once over B*L rows.
  const auto qkv = std::find_if(model.rows().begin(), model.rows().end(),
                                [](const OpKindRow& r) { return r.kind == OpKind::qkv_proj; });
  ASSERT_NE(qkv, model.rows().end());
  EXPECT_EQ(qkv->count, 2);
  // A prediction (what-if, a sweep point): the kinds only, nothing measured; the kinds'
  // predictions add up to the predicted step (every op's prediction summed once), and their
  // shares of it to 100 %.
  model.setOps(d.ops);
  EXPECT_EQ(model.rowCount(), static_cast<int>(expected.size()));
  EXPECT_FALSE(model.rows().front().measured.has_value());
  double opsPredicted = 0.0;
  for (const OpRecord& op : d.ops) opsPredicted += *op.predictedS;
  double kindsPredicted = 0.0;
  double predictedShare = 0.0;
  for (int row = 0; row < model.rowCount(); ++row) {
    kindsPredicted += *model.rows()[static_cast<std::size_t>(row)].predictedS;
    predictedShare += model.data(model.index(row, OpKindModel::ShareColumn), SortRole).toDouble();
  }
  EXPECT_NEAR(kindsPredicted, opsPredicted, 1e-15);
  EXPECT_NEAR(model.predictedStepS(), opsPredicted, 1e-15);
  EXPECT_NEAR(predictedShare, 100.0, 1e-9);
  // The first kind's share, from its ops independently of the model.
  double firstKind = 0.0;
  for (const OpRecord& op : d.ops)
    if (op.kind == d.ops.front().kind) firstKind += *op.predictedS;
  EXPECT_EQ(cell(model, 0, OpKindModel::ShareColumn),
            QString::number(firstKind / opsPredicted * 100.0, 'f', 1) + QStringLiteral(" %"));
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

// A sweep point's predicted step per kind: the kinds, the engine's time outside the ops, and the
// step, adding up to it.
TEST(OpKindModel, APredictedStepPerKindAddsUpToTheStep) {
  ModelFailures failures;
  OpKindModel model;
  QAbstractItemModelTester tester(&model, warn());
  const RunDetail d = test::tinyRunDetail();
  double opsS = 0.0;
  for (const OpRecord& op : d.ops) opsS += *op.predictedS;
  const double stepS = opsS + 7e-6;  // 7 µs of engine overhead outside the ops
  model.setPrediction(d.ops, stepS);
  const auto kinds = aggregateByKind(d.ops);
  ASSERT_EQ(model.rowCount(), static_cast<int>(kinds.size()) + 2);
  const int last = model.rowCount() - 1;
  EXPECT_EQ(cell(model, last - 1, OpKindModel::KindColumn), "engine (outside ops)");
  EXPECT_EQ(cell(model, last - 1, OpKindModel::PredictedColumn), QString::fromUtf8("7.00 µs"));
  EXPECT_EQ(cell(model, last, OpKindModel::KindColumn), "step");
  EXPECT_EQ(cell(model, last, OpKindModel::ShareColumn), "100.0 %");
  EXPECT_TRUE(model.data(model.index(last - 1, 0), SummaryRowRole).toBool());
  double rowsS = 0.0;
  double share = 0.0;
  for (int row = 0; row < last; ++row) {
    rowsS += *model.rows()[static_cast<std::size_t>(row)].predictedS;
    share += model.data(model.index(row, OpKindModel::ShareColumn), SortRole).toDouble();
  }
  EXPECT_NEAR(rowsS, stepS, 1e-15);
  EXPECT_NEAR(share, 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(model.predictedStepS(), stepS);
  // A step that is exactly its ops has no engine row.
  model.setPrediction(d.ops, opsS);
  EXPECT_EQ(model.rowCount(), static_cast<int>(kinds.size()) + 1);
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(OpKindModel, MarksTheErrorsOfANoisyKindOrRun) {
  const RunDetail d = test::tinyRunDetail();
  std::vector<KindMeasurement> kinds = d.decodeKinds();
  kinds[0].measured.verdict = stats::Verdict::unusable;  // the first kind alone is unusable
  OpKindModel model;
  model.setMeasured(d.ops, kinds, stats::Verdict::quiet);
  EXPECT_EQ(cell(model, 0, OpKindModel::ErrorColumn), "+10.0 % (unusable)");
  EXPECT_EQ(cell(model, 1, OpKindModel::ErrorColumn), "+10.0 %");
  EXPECT_EQ(model.data(model.index(0, OpKindModel::MeasuredColumn), VerdictRole).toInt(),
            verdictRank(stats::Verdict::unusable));
  model.setMeasured(d.ops, d.decodeKinds(), stats::Verdict::noisy);  // the whole run is noisy
  EXPECT_EQ(cell(model, 1, OpKindModel::ErrorColumn), "+10.0 % (noisy)");
  EXPECT_TRUE(cell(model, 1, OpKindModel::ErrorColumn, Qt::ToolTipRole).contains("noisy"));
  model.setMeasured(d.ops, d.decodeKinds(), std::nullopt);  // a run without statistics
  EXPECT_EQ(cell(model, 1, OpKindModel::ErrorColumn), "+10.0 % (no verdict)");
}

TEST(OpKindModel, DominantBoundIsTheOneWithMostPredictedTime) {
  std::vector<OpRecord> ops(3);
  for (OpRecord& op : ops) op.kind = OpKind::swiglu;
  ops[0].predictedS = 1.0;
  ops[0].bound = Bound::compute;
  ops[1].predictedS = 0.6;
  ops[1].bound = Bound::memory;
  ops[2].predictedS = 0.6;
  ops[2].bound = Bound::memory;
  ops[0].measuredS = 1.0;  // per-op medians are never summed into a kind's measured time
  const auto rows = aggregateByKind(ops);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].bound, Bound::memory);  // 1.2 s memory against 1.0 s compute
  EXPECT_FALSE(rows[0].measured.has_value());
  EXPECT_NEAR(*rows[0].predictedS, 2.2, 1e-12);
}

TEST(SummaryLastProxy, KeepsUnattributedAndStepBelowTheKindsInEitherOrder) {
  ModelFailures failures;
  OpKindModel model;
  SummaryLastProxy proxy;
  proxy.setSourceModel(&model);
  QAbstractItemModelTester tester(&proxy, warn());
  const RunDetail d = test::tinyRunDetail();
  model.setMeasured(d.ops, d.decodeKinds(), d.summary.verdict);
  const int last = proxy.rowCount() - 1;
  for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
    for (int column : {int(OpKindModel::MeasuredColumn), int(OpKindModel::KindColumn)}) {
      proxy.sort(column, order);
      EXPECT_EQ(cell(proxy, last - 1, OpKindModel::KindColumn), "unattributed");
      EXPECT_EQ(cell(proxy, last, OpKindModel::KindColumn), "step");
      // The kinds themselves are sorted.
      const double first = proxy.data(proxy.index(0, column), SortRole).toDouble();
      const double second = proxy.data(proxy.index(1, column), SortRole).toDouble();
      EXPECT_TRUE(order == Qt::AscendingOrder ? first <= second : first >= second);
    }
  }
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(Verdicts, CombineAndMarkFigures) {
  using stats::Verdict;
  EXPECT_EQ(combinedVerdict(Verdict::quiet, Verdict::noisy), Verdict::noisy);
  EXPECT_EQ(combinedVerdict(Verdict::quiet, Verdict::quiet), Verdict::quiet);
  EXPECT_FALSE(combinedVerdict(std::nullopt, Verdict::quiet).has_value());
  EXPECT_EQ(combinedVerdict(std::nullopt, Verdict::unusable), Verdict::unusable);
  EXPECT_EQ(markedByVerdict("1.23x", Verdict::quiet), "1.23x");
  EXPECT_EQ(markedByVerdict("1.23x", Verdict::noisy), "1.23x (noisy)");
  EXPECT_EQ(markedByVerdict("1.23x", std::nullopt), "1.23x (no verdict)");
  EXPECT_FALSE(verdictFromText("").has_value());
  EXPECT_EQ(verdictFromText("unusable"), Verdict::unusable);
  EXPECT_LT(verdictRank(Verdict::quiet), verdictRank(Verdict::noisy));
  EXPECT_LT(verdictRank(Verdict::unusable), verdictRank(std::nullopt));
}

TEST(LadderModel, RatiosToVanillaMeasuredAndPredicted) {
  ModelFailures failures;
  LadderModel model;
  QAbstractItemModelTester tester(&model, warn());
  std::vector<RunSummary> runs = test::ladderRuns();
  runs.pop_back();  // only the h200 ladder
  RunSummary olderLooped = runs[1];
  olderLooped.id = 0;  // older than run 2: must not replace it
  olderLooped.measuredStepS = 1.0;
  runs.push_back(olderLooped);
  model.setRuns(runs);
  ASSERT_EQ(model.rowCount(), 5);
  EXPECT_EQ(cell(model, 1, LadderModel::RunColumn), "2");
  EXPECT_EQ(cell(model, 1, LadderModel::MeasuredRatioColumn), QString::fromUtf8("2.00×"));
  EXPECT_EQ(cell(model, 2, LadderModel::PredictedRatioColumn), QString::fromUtf8("1.50×"));
  EXPECT_EQ(cell(model, 4, LadderModel::MeasuredRatioColumn), QString::fromUtf8("1.02×"));
  // clp_share's run is noisy: its measured ratio is marked, its predicted one is not.
  EXPECT_EQ(cell(model, 3, LadderModel::MeasuredRatioColumn), QString::fromUtf8("1.01× (noisy)"));
  EXPECT_EQ(cell(model, 3, LadderModel::PredictedRatioColumn), QString::fromUtf8("1.01×"));
  EXPECT_EQ(cell(model, 1, LadderModel::KvRatioColumn), QString::fromUtf8("2.00×"));
  EXPECT_EQ(cell(model, 3, LadderModel::KvColumn), "1.00 MB");
  // Without a vanilla run there is nothing to be relative to.
  EXPECT_FALSE(model.data(model.index(1, LadderModel::MeasuredRatioColumn), VerdictRole).isValid());
  runs.erase(runs.begin());
  model.setRuns(runs);
  EXPECT_EQ(cell(model, 0, LadderModel::MeasuredColumn), QString::fromUtf8("\u2014"));
  EXPECT_EQ(cell(model, 1, LadderModel::MeasuredRatioColumn), QString::fromUtf8("\u2014"));
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(LadderModel, MarksEveryMeasuredRatioInvolvingARunThatIsNotQuiet) {
  ModelFailures failures;
  LadderModel model;
  QAbstractItemModelTester tester(&model, warn());
  std::vector<RunSummary> runs = test::ladderRuns();
  runs.pop_back();  // only the h200 ladder
  model.setRuns(runs);
  // The noisy clp_share row: marked text, the verdict's color role, and a tooltip with the reason.
  const QModelIndex noisy = model.index(3, LadderModel::MeasuredRatioColumn);
  EXPECT_TRUE(model.data(noisy).toString().endsWith("(noisy)"));
  EXPECT_EQ(model.data(noisy, VerdictRole).toInt(), verdictRank(stats::Verdict::noisy));
  const QString tip = model.data(noisy, Qt::ToolTipRole).toString();
  EXPECT_TRUE(tip.contains(QString::fromLatin1(test::kNoisyReason))) << tip.toStdString();
  EXPECT_TRUE(tip.contains("run 1")) << tip.toStdString();  // vanilla's verdict too
  EXPECT_EQ(model.measuredRatioVerdict(3), stats::Verdict::noisy);
  EXPECT_EQ(model.measuredRatioVerdict(1), stats::Verdict::quiet);
  // A noisy vanilla makes every measured ratio uncertain.
  runs[0].verdict = stats::Verdict::noisy;
  runs[0].verdictReason = "machine: other processes used 1.20 CPUs";
  model.setRuns(runs);
  for (int row = 0; row < 5; ++row) {
    EXPECT_TRUE(cell(model, row, LadderModel::MeasuredRatioColumn).endsWith("(noisy)")) << row;
    EXPECT_FALSE(cell(model, row, LadderModel::KvRatioColumn).contains("noisy")) << row;
  }
  // A run without statistics says so instead of passing for quiet.
  runs[0].verdict.reset();
  model.setRuns(runs);
  EXPECT_EQ(cell(model, 1, LadderModel::MeasuredRatioColumn), QString::fromUtf8("2.00× (no verdict)"));
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(LadderModel, ShowsThePapersRatiosBesideOurs) {
  // data/paper/plt-table2.json: vanilla 4.8 ms, looped 9.4 ms, KV 280 and 560.
  const PaperLadder paper = loadPaperLadder((data_dir() / "paper" / "plt-table2.json").string());
  EXPECT_NEAR(*paper.latencyRatio[1], 9.4 / 4.8, 1e-12);
  EXPECT_NEAR(*paper.kvRatio[1], 2.0, 1e-12);
  EXPECT_NEAR(*paper.kvRatio[4], 284.0 / 280.0, 1e-12);
  EXPECT_FALSE(paper.source.empty());
  ModelFailures failures;
  LadderModel model;
  QAbstractItemModelTester tester(&model, warn());
  model.setRuns(test::ladderRuns());
  model.setPaper(paper);
  EXPECT_EQ(cell(model, 1, LadderModel::PaperLatencyRatioColumn), QString::fromUtf8("1.96×"));
  EXPECT_EQ(model.headerData(LadderModel::PaperKvRatioColumn, Qt::Horizontal, Qt::ToolTipRole).toString().toStdString(),
            paper.source);
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
  std::istringstream broken("{\"table2_batch4\": {\"vanilla\": {\"latency_ms\": \"fast\"}}}");
  const std::string path = testing::TempDir() + "/broken-paper.json";
  std::ofstream(path) << broken.str();
  EXPECT_THROW(loadPaperLadder(path), InputError);
}

const char* const kSweepCsv =
    "model,variant,batch,latency_s,kv_bytes,note\n"
    "small,vanilla,1,0.001,100,\"a, quoted\"\n"
    "small,looped,1,0.002,200,\"say \"\"hi\"\"\"\n"
    "small,plt,1,0.0011,110,\n"
    "small,clp,1,0.0015,90,\n";

TEST(SweepCsv, ParsesColumnsAndQuotes) {
  std::istringstream in(kSweepCsv);
  const SweepTable t = parseSweepCsv(in);
  ASSERT_EQ(t.rows, 4u);
  ASSERT_EQ(t.columns.size(), 6u);
  EXPECT_FALSE(t.columns[1].numeric);
  EXPECT_TRUE(t.columns[3].numeric);
  EXPECT_DOUBLE_EQ(t.columns[3].values[2], 0.0011);
  EXPECT_FALSE(t.columns[5].numeric);
  EXPECT_EQ(t.columns[5].texts[0], "a, quoted");
  EXPECT_EQ(t.columns[5].texts[1], "say \"hi\"");
  EXPECT_EQ(t.columnIndex("kv_bytes"), 4);
  EXPECT_EQ(t.cellText(2, 3), "0.0011");
}

TEST(SweepCsv, RejectsMalformedFilesNamingTheLine) {
  std::istringstream empty("");
  EXPECT_THROW(parseSweepCsv(empty), InputError);
  std::istringstream ragged("a,b\n1,2\n3\n");
  try {
    parseSweepCsv(ragged);
    FAIL() << "a short row was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  std::istringstream dup("a,a\n1,2\n");
  EXPECT_THROW(parseSweepCsv(dup), InputError);
}

TEST(SweepModel, MarksTheParetoFrontOfTheChosenAxes) {
  ModelFailures failures;
  SweepModel model;
  QAbstractItemModelTester tester(&model, warn());
  std::istringstream in(kSweepCsv);
  model.setTable(parseSweepCsv(in));
  ASSERT_EQ(model.columnCount(), 7);
  EXPECT_EQ(model.numericColumns(), (std::vector<int>{2, 3, 4}));
  // latency vs kv bytes, both minimised: vanilla (1 ms, 100) and clp (1.5 ms, 90) are on the
  // front; looped (2 ms, 200) and plt (1.1 ms, 110) are beaten by vanilla.
  model.setAxes(3, 4, Goal::minimize, Goal::minimize);
  EXPECT_EQ(model.front(), (std::vector<bool>{true, false, false, true}));
  EXPECT_EQ(cell(model, 0, model.paretoColumn()), "yes");
  EXPECT_TRUE(model.data(model.index(3, 0), ParetoRole).toBool());
  model.setAxes(1, 4, Goal::minimize, Goal::minimize);  // a text axis: no front
  EXPECT_EQ(model.front(), (std::vector<bool>(4, false)));
  EXPECT_EQ(model.headerData(model.paretoColumn(), Qt::Horizontal).toString(), "front (x, y)");
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

// The table reads like the axes: times and bytes in a unit picked per value, not 4e+09; counts as
// written; the exact value stays the tooltip and the sort key.
TEST(SweepModel, TableCellsReadInUnits) {
  std::istringstream in(
      "hardware,batch,context,decode_step_s,kv_bytes,decode_tokens_per_s\n"
      "h200,8,4096,0.000757572273,4000000000,10560.3\n"
      "h200,64,16384,0.0125,1500000,512000\n");
  SweepModel model;
  model.setTable(parseSweepCsv(in));
  EXPECT_EQ(cell(model, 0, 1), "8");
  EXPECT_EQ(cell(model, 0, 2), "4096");  // a context stays a count, no unit
  EXPECT_EQ(cell(model, 0, 3), QString::fromUtf8("757.6 \u00b5s"));
  EXPECT_EQ(cell(model, 1, 3), "12.5 ms");
  EXPECT_EQ(cell(model, 0, 4), "4 GB");
  EXPECT_EQ(cell(model, 1, 4), "1.5 MB");
  EXPECT_EQ(cell(model, 0, 5), "10560 tokens/s");
  EXPECT_EQ(cell(model, 1, 5), "512 k tokens/s");
  EXPECT_EQ(cell(model, 0, 4, Qt::ToolTipRole), "4000000000");
  EXPECT_EQ(model.data(model.index(0, 4), SortRole).toDouble(), 4e9);
}

// Two workloads as `looplab sweep` defines them (hardware, batch, context), three designs each;
// an infeasible point that would beat everything; a second context on h200.
const char* const kWorkloadCsv =
    "hardware,model,variant,batch,context,decode_step_s,kv_bytes,feasible\n"
    "h200,small,vanilla,1,1024,0.0010,4000000000,1\n"  // 0  h200 b1: front (fastest)
    "h200,small,plt,1,1024,0.0012,1000000000,1\n"      // 1  h200 b1: front (least KV)
    "h200,small,looped,1,1024,0.0020,4000000000,1\n"   // 2  h200 b1: beaten by 0
    "l40s,small,vanilla,1,1024,0.0030,4000000000,1\n"  // 3  l40s b1: front, beaten by h200's points
    "l40s,small,plt,1,1024,0.0036,1000000000,1\n"      // 4  l40s b1: front
    "l40s,small,looped,1,1024,0.0060,4000000000,1\n"   // 5  l40s b1: beaten by 3
    "h200,small,clp,1,1024,0.0001,100,0\n"             // 6  h200 b1: breaks a constraint
    "h200,small,looped,1,4096,0.0050,9000000000,1\n";  // 7  h200 b1 ctx 4096: alone, front

SweepTable workloadTable() {
  std::istringstream in(kWorkloadCsv);
  return parseSweepCsv(in);
}

TEST(SweepExplore, WorkloadsAreTheClisHardwareBatchAndContext) {
  EXPECT_EQ(workloadColumns(), (std::vector<std::string>{"hardware", "batch", "context"}));
  const SweepTable t = workloadTable();
  const SweepGroups g = workloadGroups(t);
  EXPECT_EQ(g.columns, workloadColumns());
  ASSERT_EQ(g.names.size(), 3u);
  EXPECT_EQ(g.names[0], "h200, batch 1, context 1024");
  EXPECT_EQ(g.names[1], "l40s, batch 1, context 1024");
  EXPECT_EQ(g.names[2], "h200, batch 1, context 4096");
  EXPECT_EQ(g.group, (std::vector<int>{0, 0, 0, 1, 1, 1, 0, 2}));
  // A table with some of the columns groups by those; without any, it is one workload.
  std::istringstream batchOnly(kSweepCsv);
  const SweepGroups byBatch = workloadGroups(parseSweepCsv(batchOnly));
  EXPECT_EQ(byBatch.columns, (std::vector<std::string>{"batch"}));
  EXPECT_EQ(byBatch.names, (std::vector<std::string>{"batch 1"}));
  std::istringstream plain("latency_s,kv_bytes\n1,2\n3,4\n");
  const SweepGroups one = workloadGroups(parseSweepCsv(plain));
  EXPECT_TRUE(one.columns.empty());
  EXPECT_EQ(one.group, (std::vector<int>(2, 0)));
}

TEST(SweepModel, FrontsArePerWorkloadAmongFeasibleShownPoints) {
  ModelFailures failures;
  SweepModel model;
  QAbstractItemModelTester tester(&model, warn());
  model.setTable(workloadTable());
  const int x = model.table().columnIndex("decode_step_s");
  const int y = model.table().columnIndex("kv_bytes");
  model.setAxes(x, y, Goal::minimize, Goal::minimize);
  // One global front would hold only h200's two points (and the infeasible one would beat
  // everything); per workload, l40s and the 4096 context have fronts of their own.
  EXPECT_EQ(model.front(), (std::vector<bool>{true, true, false, true, true, false, false, true}));
  EXPECT_NE(model.front(),
            paretoFront(model.table().columns[static_cast<std::size_t>(x)].values,
                        model.table().columns[static_cast<std::size_t>(y)].values, Goal::minimize, Goal::minimize));
  // Filtering by variant: without plt, looped (row 2) is beaten by vanilla still, and vanilla is
  // each workload's front alone.
  SweepShownProxy proxy(&model);
  QAbstractItemModelTester proxyTester(&proxy, warn());
  EXPECT_EQ(proxy.rowCount(), 8);
  SweepFilter f;
  f.variant = "vanilla";
  model.setFilter(f);
  EXPECT_EQ(model.shownCount(), 2u);
  EXPECT_EQ(proxy.rowCount(), 2);
  EXPECT_EQ(model.front(), (std::vector<bool>{true, false, false, true, false, false, false, false}));
  f = {};
  f.variant = "looped";
  model.setFilter(f);
  // looped alone: each workload's looped point is its front.
  EXPECT_EQ(model.front(), (std::vector<bool>{false, false, true, false, false, true, false, true}));
  f = {};
  f.hardware = "l40s";
  model.setFilter(f);
  EXPECT_EQ(proxy.rowCount(), 3);
  EXPECT_EQ(proxy.index(0, 0).data().toString(), "l40s");
  EXPECT_EQ(model.front(), (std::vector<bool>{false, false, false, true, true, false, false, false}));
  model.setFilter({});
  EXPECT_EQ(proxy.rowCount(), 8);
  EXPECT_TRUE(failures.empty()) << failures.text().toStdString();
}

TEST(SweepExplore, FiltersAndCategoriesComeFromTheTablesValues) {
  const SweepTable t = workloadTable();
  EXPECT_EQ(distinctValues(t, "variant"), (std::vector<std::string>{"vanilla", "plt", "looped", "clp"}));
  EXPECT_EQ(distinctValues(t, "hardware"), (std::vector<std::string>{"h200", "l40s"}));
  EXPECT_EQ(distinctValues(t, "context"), (std::vector<std::string>{"1024", "4096"}));
  EXPECT_TRUE(distinctValues(t, "dtype").empty());
  EXPECT_EQ(categoryOf(t, "hardware"), (std::vector<int>{0, 0, 0, 1, 1, 1, 0, 0}));
  EXPECT_EQ(categoryOf(t, "variant"), (std::vector<int>{0, 1, 2, 0, 1, 2, 3, 2}));
  SweepFilter f;
  f.hardware = "h200";
  f.batch = "1";
  EXPECT_EQ(filterRows(t, f), (std::vector<bool>{true, true, true, false, false, false, true, true}));
  f.model = "other";
  EXPECT_EQ(filterRows(t, f), std::vector<bool>(8, false));
  SweepFilter none;
  none.batch = "4";
  EXPECT_EQ(filterRows(t, none), std::vector<bool>(8, false));
  // Numbers sort as numbers, not as text.
  std::istringstream in("batch,x\n16,1\n4,2\n64,3\n4,4\n");
  EXPECT_EQ(distinctValues(parseSweepCsv(in), "batch"), (std::vector<std::string>{"4", "16", "64"}));
}

TEST(SweepExplore, AxisUnitsNameAndScaleTheKnownColumns) {
  // Decode step in ms for steps up to a second, µs for shorter ones.
  const AxisUnit step = axisUnitFor("decode_step_s", 0.6);
  EXPECT_EQ(step.title(), "decode step (ms)");
  EXPECT_DOUBLE_EQ(step.scale, 1e3);
  EXPECT_EQ(axisUnitFor("decode_step_s", 6e-4).title(), QString::fromUtf8("decode step (µs)"));
  EXPECT_EQ(axisUnitFor("prefill_s", 2.5).title(), "prefill (s)");
  // Bytes in GB from a gigabyte up, MB below.
  const AxisUnit kv = axisUnitFor("kv_bytes", 1.3e11);
  EXPECT_EQ(kv.title(), "KV cache (GB)");
  EXPECT_DOUBLE_EQ(kv.scale, 1e-9);
  EXPECT_DOUBLE_EQ(1.3e11 * kv.scale, 130.0);
  EXPECT_EQ(axisUnitFor("kv_bytes", 5e8).title(), "KV cache (MB)");
  EXPECT_EQ(axisUnitFor("weight_bytes", 2e12).title(), "weights (TB)");
  // Throughput in tokens/s, k tokens/s from 100,000.
  const AxisUnit tps = axisUnitFor("decode_tokens_per_s", 4e4);
  EXPECT_EQ(tps.title(), "decode throughput (tokens/s)");
  EXPECT_DOUBLE_EQ(tps.scale, 1.0);
  const AxisUnit ktps = axisUnitFor("decode_tokens_per_s", 2.5e5);
  EXPECT_EQ(ktps.title(), "decode throughput (k tokens/s)");
  EXPECT_DOUBLE_EQ(ktps.scale, 1e-3);
  EXPECT_EQ(axisUnitFor("decode_flops_per_token", 3e9).title(), "compute per token (GFLOP/token)");
  EXPECT_EQ(axisUnitFor("context", 16384).title(), "context (tokens)");
  EXPECT_EQ(axisUnitFor("batch", 64).title(), "batch");
  // Unknown columns keep their name and their numbers.
  const AxisUnit raw = axisUnitFor("my_metric", 1e-5);
  EXPECT_EQ(raw.title(), "my_metric");
  EXPECT_DOUBLE_EQ(raw.scale, 1.0);
}

}  // namespace
}  // namespace looplab::gui

namespace looplab::gui {
namespace {

RunSummary historyRun(std::int64_t id, const std::string& key, const std::string& label, double stepS,
                      const std::string& created) {
  RunSummary r;
  r.id = id;
  r.model = "small";
  r.variant = Variant::plt;
  r.loops = 2;
  r.batch = 4;
  r.contextLen = 32;
  r.backend = "cpu";
  r.workKey = key;
  r.label = label;
  r.commit = "c" + std::to_string(id);
  r.createdAt = created;
  r.measuredStepS = stepS;
  r.measuredCiLoS = stepS * 0.98;
  r.measuredCiHiS = stepS * 1.02;
  return r;
}

}  // namespace

TEST(History, GroupsRunsByWorkOldestFirstAndFindsTheStep) {
  std::vector<RunSummary> runs;
  // workload A: 14 runs of "main", a 20% step after the 8th; given newest first as the store lists
  for (int i = 13; i >= 0; --i)
    runs.push_back(historyRun(100 + i, "A", "main", (i < 8 ? 1.0e-3 : 1.2e-3) * (1 + 0.003 * ((i * 7) % 5)),
                              "2026-12-0" + std::to_string(1 + i / 5) + "T10:0" + std::to_string(i % 5) + ":00Z"));
  for (int i = 0; i < 4; ++i) runs.push_back(historyRun(200 + i, "B", "pr", 2e-3, "2026-12-02T11:00:00Z"));
  RunSummary unfinished = historyRun(300, "A", "main", 9e-3, "2026-12-09T00:00:00Z");
  unfinished.complete = false;
  runs.push_back(unfinished);

  const auto all = buildHistory(runs, "");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].workKey, "A");  // the most runs first
  EXPECT_EQ(all[0].name, "small plt L=2 B=4 P=32 cpu");
  ASSERT_EQ(all[0].points.size(), 14u);  // the unfinished run is left out
  EXPECT_EQ(all[0].points.front().runId, 100);
  EXPECT_EQ(all[0].points.back().runId, 113);
  ASSERT_EQ(all[0].changes.size(), 1u);
  EXPECT_EQ(all[0].changes[0].index, 8u);
  EXPECT_EQ(all[0].points[8].commit, "c108");
  EXPECT_TRUE(all[1].changes.empty());

  const auto pr = buildHistory(runs, "pr");
  ASSERT_EQ(pr.size(), 1u);
  EXPECT_EQ(pr[0].workKey, "B");
  EXPECT_TRUE(buildHistory(runs, "nope").empty());
  EXPECT_EQ(historyLabels(runs), (std::vector<std::string>{"main", "pr"}));
}

}  // namespace looplab::gui
