// RunView (see run_view.hpp).
#include "gui/views/run_view.hpp"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

#include "gui/geometry/histogram.hpp"
#include "gui/geometry/time_axis.hpp"
#include "gui/models/format.hpp"
#include "gui/models/op_kind_model.hpp"
#include "gui/models/op_table_model.hpp"
#include "gui/views/chart_helpers.hpp"
#include "gui/views/palette.hpp"
#include "gui/views/table_setup.hpp"

namespace looplab::gui {

namespace {
QString variantText(Variant v) {
  const std::string_view s = to_string(v);
  return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}
}  // namespace

RunView::RunView(QWidget* parent) : ViewPage(parent) {
  m_kindModel = new OpKindModel(this);
  m_opModel = new OpTableModel(this);

  m_header = new QLabel(this);
  m_header->setTextFormat(Qt::RichText);
  m_header->setWordWrap(true);
  m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);

  m_kindChart = makeChartView(this);
  m_histChart = makeChartView(this);

  m_tabs = new QTabWidget(this);
  m_tabs->addTab(makeTable(m_kindModel, m_tabs), QStringLiteral("Per op kind"));
  m_tabs->addTab(makeTable(m_opModel, m_tabs), QStringLiteral("Per op"));
  auto* legend = new QLabel(this);
  legend->setTextFormat(Qt::RichText);
  legend->setWordWrap(true);
  legend->setText(QStringLiteral("Rows tinted by the predicted bound: "
                                 "<span style='color:%1'>&#9632; memory</span> &nbsp; "
                                 "<span style='color:%2'>&#9632; compute</span> &nbsp; "
                                 "<span style='color:%3'>&#9632; launch</span>. "
                                 "Error = (predicted &minus; measured) / measured.")
                      .arg(boundColor(Bound::memory).name(), boundColor(Bound::compute).name(),
                           boundColor(Bound::launch).name()));
  auto* tablePane = new QWidget(this);
  auto* tableLayout = new QVBoxLayout(tablePane);
  tableLayout->setContentsMargins(0, 0, 0, 0);
  tableLayout->addWidget(legend);
  tableLayout->addWidget(m_tabs, 1);

  // The per-kind bars take the full height on the left (one bar pair per kind, read top-down);
  // the distribution sits above the tables on the right.
  auto* right = new QSplitter(Qt::Vertical, this);
  right->addWidget(m_histChart);
  right->addWidget(tablePane);
  right->setSizes({300, 500});
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(m_kindChart);
  split->addWidget(right);
  split->setSizes({450, 650});

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_header);
  layout->addWidget(split, 1);
  setRun(nullptr);
}

QString RunView::headerText() const { return m_header->text(); }

void RunView::setRun(RunDetailSnapshot run) {
  m_run = std::move(run);
  if (!m_run) {
    m_header->setText(
        QStringLiteral("<b>No run selected.</b> Open a store and pick a run in the runs browser."));
    m_kindModel->setOps({});
    m_opModel->setOps({});
    showEmptyChart(m_kindChart->chart(), QStringLiteral("Time per op kind"));
    showEmptyChart(m_histChart->chart(), QStringLiteral("Decode step latency"));
    return;
  }
  const RunSummary& s = m_run->summary;
  QString text = QStringLiteral(
                     "<b>Run %1</b> &middot; %2 &middot; <b>%3</b> L=%4 w=%5 &middot; batch %6 "
                     "&middot; context %7 &middot; %8 on %9 &middot; %10")
                     .arg(s.id)
                     .arg(QString::fromStdString(s.model).toHtmlEscaped(), variantText(s.variant))
                     .arg(s.loops)
                     .arg(s.window)
                     .arg(s.batch)
                     .arg(s.contextLen)
                     .arg(QString::fromStdString(s.backend).toHtmlEscaped(),
                          QString::fromStdString(s.hardware).toHtmlEscaped(),
                          QString::fromStdString(s.createdAt).toHtmlEscaped());
  if (!s.complete) text += QStringLiteral(" &middot; <b style='color:#D55E00'>incomplete</b>");
  text +=
      QStringLiteral(
          "<br>Decode step: measured <b>%1</b>, predicted <b>%2</b> (error %3) &middot; "
          "KV cache %4 &middot; weights %5")
          .arg(formatOptionalDuration(s.measuredStepS), formatOptionalDuration(s.predictedStepS),
               formatOptionalPercent(s.errorPct()),
               s.kvBytes ? formatBytes(static_cast<double>(*s.kvBytes)) : QStringLiteral("\u2014"),
               s.weightBytes ? formatBytes(static_cast<double>(*s.weightBytes))
                             : QStringLiteral("\u2014"));
  m_header->setText(text);
  m_kindModel->setOps(m_run->ops);
  m_opModel->setOps(m_run->ops);
  for (int i = 0; i < m_tabs->count(); ++i)
    fitColumns(qobject_cast<QTableView*>(m_tabs->widget(i)));
  fillKindChart();
  fillHistogram();
}

void RunView::fillKindChart() {
  QChart* chart = m_kindChart->chart();
  clearChart(chart);
  const auto& rows = m_kindModel->rows();
  if (rows.empty()) {
    showEmptyChart(chart, QStringLiteral("Time per op kind: the run has no op rows"));
    return;
  }
  double maxS = 0.0;
  for (const OpKindRow& r : rows)
    maxS = std::max({maxS, r.measuredS.value_or(0.0), r.predictedS.value_or(0.0)});
  const TimeUnit unit = timeUnitFor(maxS);
  auto* measured = new QBarSet(QStringLiteral("measured"));
  auto* predicted = new QBarSet(QStringLiteral("predicted"));
  measured->setColor(measuredColor());
  predicted->setColor(predictedColor());
  QStringList categories;
  // Horizontal bars list the first kind at the bottom: add in reverse so the plan reads top-down.
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    const std::string_view k = to_string(it->kind);
    categories << QString::fromLatin1(k.data(), static_cast<qsizetype>(k.size())) +
                      QStringLiteral(" [") + QString::fromLatin1(boundName(it->bound)).left(1) +
                      QStringLiteral("]");
    *measured << it->measuredS.value_or(0.0) * unit.scale;
    *predicted << it->predictedS.value_or(0.0) * unit.scale;
  }
  auto* series = new QHorizontalBarSeries;
  series->append(measured);
  series->append(predicted);
  chart->addSeries(series);
  auto* kinds = new QBarCategoryAxis;
  kinds->append(categories);
  chart->addAxis(kinds, Qt::AlignLeft);
  series->attachAxis(kinds);
  auto* time = new QValueAxis;
  time->setTitleText(QStringLiteral("time per decode step (%1)").arg(unit.name));
  time->setMin(0.0);
  time->setMax(maxS * unit.scale * 1.05);
  time->applyNiceNumbers();
  chart->addAxis(time, Qt::AlignBottom);
  series->attachAxis(time);
  chart->setTitle(
      QStringLiteral("One decode step per op kind<br>[m]emory, [c]ompute, [l]aunch bound"));
}

void RunView::fillHistogram() {
  QChart* chart = m_histChart->chart();
  clearChart(chart);
  std::vector<double> decode;
  std::vector<double> prefill;
  for (const StepSample& s : m_run->steps) {
    (s.phase == Phase::decode ? decode : prefill).push_back(s.latencyS);
  }
  if (decode.empty()) {
    showEmptyChart(chart, QStringLiteral("Decode step latency: no decode steps stored"));
    return;
  }
  const Histogram h = makeHistogram(
      decode, std::min<int>(12, std::max<int>(4, static_cast<int>(decode.size()) / 4)));
  const TimeUnit unit = timeUnitFor(h.binLeft(h.counts.size()));
  auto* set = new QBarSet(QStringLiteral("decode steps"));
  set->setColor(measuredColor());
  QStringList labels;
  std::int64_t maxCount = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    *set << static_cast<double>(h.counts[i]);
    maxCount = std::max(maxCount, h.counts[i]);
    // Short labels (a category axis cuts long ones to "1..."): whole numbers from 10 up.
    const double centre = (h.binLeft(i) + h.binWidth / 2.0) * unit.scale;
    labels << (centre >= 10.0 ? QString::number(centre, 'f', 0) : QString::number(centre, 'g', 2));
  }
  auto* series = new QBarSeries;
  series->append(set);
  series->setBarWidth(0.95);
  chart->addSeries(series);
  auto* bins = new QBarCategoryAxis;
  bins->append(labels);
  bins->setTitleText(QStringLiteral("step latency (%1, bin centre)").arg(unit.name));
  if (h.counts.size() > 8) bins->setLabelsAngle(-45);  // many bins: slanted labels stay whole
  chart->addAxis(bins, Qt::AlignBottom);
  series->attachAxis(bins);
  auto* counts = new QValueAxis;
  // Whole-number ticks: a count axis labelled 0, 0, 1, 2 (rounded fractions) misleads.
  const double top = static_cast<double>(maxCount) + 1.0;
  counts->setRange(0.0, top);
  counts->setTickType(QValueAxis::TicksDynamic);
  counts->setTickAnchor(0.0);
  counts->setTickInterval(std::max(1.0, niceStep(top / 5.0)));
  counts->setLabelFormat(QStringLiteral("%d"));
  counts->setTitleText(QStringLiteral("steps"));
  chart->addAxis(counts, Qt::AlignLeft);
  series->attachAxis(counts);
  chart->legend()->hide();
  QString title =
      QStringLiteral("Decode step latency, %1 steps: median %2, p10 %3, p90 %4")
          .arg(decode.size())
          .arg(formatDuration(percentile(decode, 0.5)), formatDuration(percentile(decode, 0.1)),
               formatDuration(percentile(decode, 0.9)));
  if (!prefill.empty()) {
    title += QStringLiteral("<br>prefill median %1").arg(formatDuration(percentile(prefill, 0.5)));
  }
  chart->setTitle(title);
}

}  // namespace looplab::gui
