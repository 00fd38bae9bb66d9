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
#include "gui/models/run_text.hpp"
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
                                 "Measured: median over every decode step of every repeat (a kind: "
                                 "its ops summed per step); the <b>Mean</b> column adds up: kinds "
                                 "(or ops) + <b>unattributed</b> = <b>step</b>. "
                                 "Error = (predicted &minus; measured) / measured; "
                                 "<span style='color:%4'>orange</span> figures are not quiet.")
                      .arg(boundColor(Bound::memory).name(), boundColor(Bound::compute).name(),
                           boundColor(Bound::launch).name(), verdictColor(1).name()));
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

bool RunView::headerMarked() const { return !m_header->styleSheet().isEmpty(); }

void RunView::setRun(RunDetailSnapshot run) {
  m_run = std::move(run);
  if (!m_run) {
    m_headerVerdict.reset();
    m_header->setStyleSheet(QString());
    m_header->setText(QStringLiteral("<b>No run selected.</b> Open a store and pick a run in the runs browser."));
    m_kindModel->setOps({});
    m_opModel->setOps({});
    showEmptyChart(m_kindChart->chart(), QStringLiteral("Time per op kind"));
    showEmptyChart(m_histChart->chart(), QStringLiteral("Decode step latency"));
    return;
  }
  fillHeader();
  const OptionalVerdict verdict = m_run->summary.verdict;
  m_kindModel->setMeasured(m_run->ops, m_run->decodeKinds(), verdict);
  m_opModel->setOps(m_run->ops, m_kindModel->summaryRows(), verdict);
  for (int i = 0; i < m_tabs->count(); ++i) fitColumns(qobject_cast<QTableView*>(m_tabs->widget(i)));
  fillKindChart();
  fillHistogram();
}

void RunView::fillHeader() {
  const RunSummary& s = m_run->summary;
  const RunDetail& d = *m_run;
  auto html = [](const QString& t) { return t.toHtmlEscaped(); };
  QString text =
      QStringLiteral(
          "<b>Run %1</b> &middot; %2 &middot; <b>%3</b> L=%4 w=%5 &middot; batch %6 "
          "&middot; context %7 &middot; %8 on %9 &middot; %10")
          .arg(s.id)
          .arg(QString::fromStdString(s.model).toHtmlEscaped(), variantText(s.variant))
          .arg(s.loops)
          .arg(s.window)
          .arg(s.batch)
          .arg(s.contextLen)
          .arg(QString::fromStdString(s.backend).toHtmlEscaped(), QString::fromStdString(s.hardware).toHtmlEscaped(),
               QString::fromStdString(s.createdAt).toHtmlEscaped());
  if (!s.complete) text += QStringLiteral(" &middot; <b style='color:#D55E00'>incomplete</b>");
  // The verdict first: a number from a noisy run must not read as a fact.
  m_headerVerdict = s.verdict;
  const QColor color = verdictColor(verdictRank(s.verdict));
  text += QStringLiteral("<br><b style='color:%1'>%2</b>").arg(color.name(), html(verdictText(s.verdict).toUpper()));
  if (!s.verdictReason.empty())
    text += QStringLiteral(": ") + html(QString::fromStdString(s.verdictReason));
  else if (!s.verdict)
    text += QStringLiteral(": the store holds no noise statistics for this run");
  if (d.repeats > 0) {
    text += QStringLiteral(" &middot; %1 repeats of %2 decode steps").arg(d.repeats).arg(d.decodeSteps);
    if (!d.stopReason.empty()) text += QStringLiteral(", stopped on ") + html(QString::fromStdString(d.stopReason));
  }
  // The median in bold, its interval, spread and verdict after it.
  auto phaseHtml = [&](const PhaseFigures& p) {
    const QString all = phaseText(p);
    if (!p.medianS) return html(all);
    const QString median = formatDuration(*p.medianS);
    return QStringLiteral("<b>") + html(median) + QStringLiteral("</b>") + html(all.mid(median.size()));
  };
  text += QStringLiteral("<br>Decode step: measured ") + phaseHtml(d.decode);
  if (d.decode.unattributedS) text += QStringLiteral(", unattributed %1").arg(formatDuration(*d.decode.unattributedS));
  text += QStringLiteral(" &middot; predicted <b>%1</b> (error %2)")
              .arg(formatOptionalDuration(s.predictedStepS),
                   html(s.errorPct() ? markedByVerdict(formatPercent(*s.errorPct()), s.verdict)
                                     : QStringLiteral("\u2014")));
  text += QStringLiteral("<br>Prefill step: %1 &middot; KV cache %2 &middot; weights %3")
              .arg(phaseHtml(d.prefill),
                   s.kvBytes ? formatBytes(static_cast<double>(*s.kvBytes)) : QStringLiteral("\u2014"),
                   s.weightBytes ? formatBytes(static_cast<double>(*s.weightBytes)) : QStringLiteral("\u2014"));
  text += QStringLiteral("<br>Machine: ") + html(machineText(d.machine, d.threads));
  m_header->setText(text);
  // Noisy and unusable runs (and runs without a verdict) get a colored frame: visible at a glance.
  if (isQuiet(s.verdict)) {
    m_header->setStyleSheet(QString());
  } else {
    QColor background = color;
    background.setAlpha(28);
    m_header->setStyleSheet(QStringLiteral("QLabel { border-left: 6px solid %1; background: rgba(%2, %3, %4, %5); "
                                           "padding: 3px 6px; }")
                                .arg(color.name())
                                .arg(background.red())
                                .arg(background.green())
                                .arg(background.blue())
                                .arg(background.alpha()));
  }
}

void RunView::fillKindChart() {
  QChart* chart = m_kindChart->chart();
  clearChart(chart);
  // The kinds and the step's unattributed time: the parts of the step (the step row would dwarf
  // them and is in the table).
  std::vector<OpKindRow> rows;
  for (const OpKindRow& r : m_kindModel->rows()) {
    if (r.type != RowType::step) rows.push_back(r);
  }
  if (rows.empty()) {
    showEmptyChart(chart, QStringLiteral("Time per op kind: the run has no op rows"));
    return;
  }
  double maxS = 0.0;
  for (const OpKindRow& r : rows) maxS = std::max({maxS, r.measuredS().value_or(0.0), r.predictedS.value_or(0.0)});
  const TimeUnit unit = timeUnitFor(maxS);
  auto* measured = new QBarSet(QStringLiteral("measured"));
  auto* predicted = new QBarSet(QStringLiteral("predicted"));
  measured->setColor(measuredColor());
  predicted->setColor(predictedColor());
  QStringList categories;
  // Horizontal bars list the first kind at the bottom: add in reverse so the plan reads top-down.
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    categories << (it->type == RowType::kind
                       ? it->name() + QStringLiteral(" [") + QString::fromLatin1(boundName(it->bound)).left(1) +
                             QStringLiteral("]")
                       : it->name());
    *measured << it->measuredS().value_or(0.0) * unit.scale;
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
  chart->setTitle(QStringLiteral("One decode step per op kind: medians<br>[m]emory, [c]ompute, [l]aunch bound"));
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
  const Histogram h = makeHistogram(decode, std::min<int>(12, std::max<int>(4, static_cast<int>(decode.size()) / 4)));
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
  // The store's statistics when the run has them (the same samples, lab/stats.hpp's definition).
  const PhaseFigures& p = m_run->decode;
  QString title = QStringLiteral("Decode step latency, %1 steps: median %2")
                      .arg(decode.size())
                      .arg(formatDuration(p.medianS.value_or(percentile(decode, 0.5))));
  if (p.ciLoS && p.ciHiS) title += QLatin1Char(' ') + formatInterval(*p.ciLoS, *p.ciHiS);
  title += QStringLiteral(", p10 %1, p90 %2")
               .arg(formatDuration(p.p10S.value_or(percentile(decode, 0.1))),
                    formatDuration(p.p90S.value_or(percentile(decode, 0.9))));
  if (p.verdict) title += QStringLiteral(": ") + verdictText(p.verdict);
  if (!prefill.empty()) {
    title += QStringLiteral("<br>prefill median %1")
                 .arg(formatDuration(m_run->prefill.medianS.value_or(percentile(prefill, 0.5))));
  }
  chart->setTitle(title);
}

}  // namespace looplab::gui
