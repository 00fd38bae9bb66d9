// RunListModel: display, sort values and header of the runs table (see run_list_model.hpp).
#include "gui/models/run_list_model.hpp"

#include <cmath>

#include "gui/models/format.hpp"
#include "gui/models/roles.hpp"
#include "gui/models/verdict.hpp"

namespace looplab::gui {

RunListModel::RunListModel(QObject* parent)
    : QAbstractTableModel(parent), m_runs(std::make_shared<const std::vector<RunSummary>>()) {}

void RunListModel::setRuns(std::shared_ptr<const std::vector<RunSummary>> runs) {
  beginResetModel();
  m_runs = runs ? std::move(runs) : std::make_shared<const std::vector<RunSummary>>();
  m_rowOfId.clear();
  m_rowOfId.reserve(static_cast<qsizetype>(m_runs->size()));
  for (std::size_t i = 0; i < m_runs->size(); ++i) {
    m_rowOfId.insert(static_cast<qint64>((*m_runs)[i].id), static_cast<int>(i));
  }
  endResetModel();
}

void RunListModel::setRuns(std::vector<RunSummary> runs) {
  setRuns(std::make_shared<const std::vector<RunSummary>>(std::move(runs)));
}

const RunSummary* RunListModel::runAt(int row) const {
  if (row < 0 || row >= static_cast<int>(m_runs->size())) return nullptr;
  return &(*m_runs)[static_cast<std::size_t>(row)];
}

int RunListModel::rowOfId(qint64 id) const { return m_rowOfId.value(id, -1); }

int RunListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_runs->size());
}

int RunListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

namespace {
QString text(const std::string& s) { return QString::fromStdString(s); }
QString variantText(Variant v) {
  return QString::fromLatin1(to_string(v).data(), static_cast<qsizetype>(to_string(v).size()));
}

// A comparable key: numbers as double, missing numbers as NaN (sorted last by lessThan).
double numberKey(const RunSummary& r, int column) {
  const double nan = std::nan("");
  switch (column) {
    case RunListModel::IdColumn:
      return static_cast<double>(r.id);
    case RunListModel::LoopsColumn:
      return static_cast<double>(r.loops);
    case RunListModel::WindowColumn:
      return r.variant == Variant::plt ? static_cast<double>(r.window) : nan;
    case RunListModel::BatchColumn:
      return static_cast<double>(r.batch);
    case RunListModel::ContextColumn:
      return static_cast<double>(r.contextLen);
    case RunListModel::MeasuredColumn:
      return r.measuredStepS.value_or(nan);
    case RunListModel::IntervalColumn:
      return r.measuredHalfWidthPct().value_or(nan);
    case RunListModel::VerdictColumn:  // best first; runs without a verdict last
      return r.verdict ? static_cast<double>(verdictRank(r.verdict)) : nan;
    case RunListModel::PredictedColumn:
      return r.predictedStepS.value_or(nan);
    case RunListModel::ErrorColumn:
      return r.errorPct().value_or(nan);
    case RunListModel::VariantColumn:
      return static_cast<double>(r.variant);
    default:
      return nan;
  }
}

bool isTextColumn(int column) {
  return column == RunListModel::ModelColumn || column == RunListModel::BackendColumn ||
         column == RunListModel::HardwareColumn || column == RunListModel::CreatedColumn;
}

const std::string& textKey(const RunSummary& r, int column) {
  switch (column) {
    case RunListModel::ModelColumn:
      return r.model;
    case RunListModel::BackendColumn:
      return r.backend;
    case RunListModel::HardwareColumn:
      return r.hardware;
    default:
      return r.createdAt;
  }
}
}  // namespace

bool RunListModel::lessThan(int leftRow, int rightRow, int column) const {
  const RunSummary& a = (*m_runs)[static_cast<std::size_t>(leftRow)];
  const RunSummary& b = (*m_runs)[static_cast<std::size_t>(rightRow)];
  if (isTextColumn(column)) {
    const int c = textKey(a, column).compare(textKey(b, column));
    return c != 0 ? c < 0 : a.id < b.id;
  }
  const double x = numberKey(a, column);
  const double y = numberKey(b, column);
  if (std::isnan(x) != std::isnan(y)) return !std::isnan(x);  // missing values last
  if (!std::isnan(x) && x != y) return x < y;
  return a.id < b.id;  // ties broken by id, so sorting is stable across reloads
}

QVariant RunListModel::display(const RunSummary& r, int column) const {
  switch (column) {
    case IdColumn:
      return static_cast<qint64>(r.id);
    case ModelColumn:
      return text(r.model);
    case VariantColumn:
      return variantText(r.variant);
    case LoopsColumn:
      return static_cast<qint64>(r.loops);
    case WindowColumn:  // only plt has a local window
      return r.variant == Variant::plt ? QVariant(static_cast<qint64>(r.window)) : QVariant(QStringLiteral("\u2014"));
    case BatchColumn:
      return static_cast<qint64>(r.batch);
    case ContextColumn:
      return static_cast<qint64>(r.contextLen);
    case BackendColumn:
      return text(r.backend);
    case HardwareColumn:
      return text(r.hardware);
    case CreatedColumn:
      return r.complete ? text(r.createdAt) : text(r.createdAt) + QStringLiteral(" (incomplete)");
    case MeasuredColumn:
      return formatOptionalDuration(r.measuredStepS);
    case IntervalColumn: {
      const auto pct = r.measuredHalfWidthPct();
      return pct ? formatHalfWidth(*pct) : QStringLiteral("\u2014");
    }
    case PredictedColumn:
      return formatOptionalDuration(r.predictedStepS);
    case ErrorColumn:  // a ratio to the measurement: marked when the run is not quiet
      return r.errorPct() ? markedByVerdict(formatPercent(*r.errorPct()), r.verdict) : QStringLiteral("\u2014");
    case VerdictColumn:
      return r.verdict ? verdictText(r.verdict) : QStringLiteral("\u2014");
    default:
      return {};
  }
}

QVariant RunListModel::sortValue(const RunSummary& r, int column) const {
  if (isTextColumn(column)) return text(textKey(r, column));
  const double v = numberKey(r, column);
  return std::isnan(v) ? QVariant() : QVariant(v);
}

QVariant RunListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const RunSummary& r = (*m_runs)[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
      return display(r, column);
    case Qt::TextAlignmentRole:
      return isTextColumn(column) || column == VariantColumn || column == VerdictColumn
                 ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                 : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole:
      return toolTip(r, column);
    case SortRole:
      return sortValue(r, column);
    case MissingRole:
      return !isTextColumn(column) && std::isnan(numberKey(r, column));
    case RunIdRole:
      return static_cast<qint64>(r.id);
    case VariantRole:
      return static_cast<int>(r.variant);
    case VerdictRole:  // the verdict cell, and the figures it qualifies, are colored by it
      if ((column == VerdictColumn || column == ErrorColumn || column == IntervalColumn) && r.verdict &&
          !isQuiet(r.verdict))
        return verdictRank(r.verdict);
      return {};
    default:
      return {};
  }
}

QVariant RunListModel::toolTip(const RunSummary& r, int column) const {
  switch (column) {
    case MeasuredColumn:
      return QStringLiteral("median decode step latency over every (repeat, step)");
    case IntervalColumn:
      if (!r.measuredCiLoS || !r.measuredCiHiS) return {};
      return QStringLiteral("95% bootstrap interval of the median decode step: ") +
             formatInterval(*r.measuredCiLoS, *r.measuredCiHiS);
    case ErrorColumn:
      return QStringLiteral("(predicted - measured) / measured; ") + verdictExplanation(r.verdict, r.verdictReason);
    case VerdictColumn:
      return verdictExplanation(r.verdict, r.verdictReason);
    default:
      return {};
  }
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  if (role == Qt::ToolTipRole) {
    if (section == ErrorColumn) return QStringLiteral("(predicted - measured) / measured");
    if (section == IntervalColumn)
      return QStringLiteral("half the 95% interval of the median decode step, relative to it");
    if (section == VerdictColumn)
      return QStringLiteral("the run's noise verdict: quiet, noisy or unusable (hover a cell for why)");
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  static const char* const kNames[ColumnCount] = {"ID",    "Model",   "Variant",  "Loops",      "Window",
                                                  "Batch", "Context", "Measured", "\u00b1 95%", "Predicted",
                                                  "Error", "Verdict", "Backend",  "Hardware",   "Created"};
  return QString::fromUtf8(kNames[section]);
}

}  // namespace looplab::gui
