// The five-variant ladder of the paper's Table 2 for a set of runs of one shape: decode latency
// (measured and predicted) and KV bytes, each also relative to the vanilla run. A measured ratio
// involving a run that is not quiet is marked with the verdict ("1.23× (noisy)").
#pragma once
#include <QAbstractTableModel>
#include <array>
#include <vector>

#include "gui/models/snapshots.hpp"
#include "gui/models/verdict.hpp"

namespace looplab::gui {

struct LadderEntry {
  Variant variant = Variant::vanilla;
  std::optional<std::int64_t> runId;
  std::optional<double> measuredS;
  std::optional<double> measuredHalfWidthPct;  // the median's 95% interval, +- percent
  std::optional<double> predictedS;
  std::optional<std::int64_t> kvBytes;
  OptionalVerdict verdict;  // the run's
  std::string verdictReason;
};

// The paper's Table 2 relative to its vanilla row, per variant in ladder order (empty where the
// file has no row), for the reference columns of the ladder.
struct PaperLadder {
  std::array<std::optional<double>, 5> latencyRatio{};
  std::array<std::optional<double>, 5> kvRatio{};
  std::string source;
};
// Reads data/paper/plt-table2.json (`table2_batch4.<variant>.latency_ms` and `.kv`, `source`).
// Throws InputError naming the key when the file is malformed.
PaperLadder loadPaperLadder(const std::string& path);

// One entry per variant, in ladder order. Where several runs share a variant, the newest (the
// highest id) stands for it; variants without a run have empty entries.
std::array<LadderEntry, 5> ladderFromRuns(const std::vector<RunSummary>& runs);

// Runs of one shape on one machine: the rows of one ladder.
struct LadderGroup {
  std::string model;
  std::string hardware;
  std::int64_t batch = 0;
  std::int64_t contextLen = 0;
  std::vector<RunSummary> runs;
};

// The (model, hardware, batch, context) group of `runs` with the most distinct variants; among
// equals, the one holding the newest run. Empty runs give an empty group.
LadderGroup pickLadderGroup(const std::vector<RunSummary>& runs);

// value / vanilla value, empty when either is missing or vanilla is zero.
std::optional<double> relativeTo(const std::optional<double>& value, const std::optional<double>& vanilla);

class LadderModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    VariantColumn,
    RunColumn,
    MeasuredColumn,
    PredictedColumn,
    MeasuredRatioColumn,
    PredictedRatioColumn,
    KvColumn,
    KvRatioColumn,
    PaperLatencyRatioColumn,
    PaperKvRatioColumn,
    ColumnCount
  };

  explicit LadderModel(QObject* parent = nullptr);

  void setRuns(const std::vector<RunSummary>& runs);
  void setPaper(PaperLadder paper);
  const std::array<LadderEntry, 5>& entries() const { return m_entries; }
  // The verdict a measured ratio of this row carries: the row's run and vanilla's combined.
  OptionalVerdict measuredRatioVerdict(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::optional<double> value(const LadderEntry& e, int column) const;
  QVariant toolTip(const LadderEntry& e, int row, int column) const;

  std::array<LadderEntry, 5> m_entries{};
  PaperLadder m_paper;
};

}  // namespace looplab::gui
