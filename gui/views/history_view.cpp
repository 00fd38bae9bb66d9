// History view (history_view.hpp).
#include "gui/views/history_view.hpp"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "gui/models/format.hpp"
#include "gui/views/chart_helpers.hpp"
#include "gui/views/palette.hpp"

namespace looplab::gui {

HistoryView::HistoryView(QWidget* parent) : ViewPage(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(QStringLiteral("Workload"), this));
  m_workload = new QComboBox(this);
  m_workload->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  controls->addWidget(m_workload, 1);
  controls->addWidget(new QLabel(QStringLiteral("Label"), this));
  m_label = new QComboBox(this);
  controls->addWidget(m_label);
  layout->addLayout(controls);
  m_chart = makeChartView(this);
  layout->addWidget(m_chart, 1);
  m_changes = new QLabel(this);
  m_changes->setWordWrap(true);
  m_changes->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_changes);
  connect(m_workload, &QComboBox::currentIndexChanged, this, [this] { fillChart(); });
  connect(m_label, &QComboBox::currentIndexChanged, this, [this] { rebuild(); });
  showEmptyChart(m_chart->chart(), QStringLiteral("No runs: open a results store"));
}

void HistoryView::setRuns(std::vector<RunSummary> runs) {
  m_runs = std::move(runs);
  const QString was = m_label->currentData().toString();
  {
    const QSignalBlocker block(m_label);
    m_label->clear();
    m_label->addItem(QStringLiteral("every label"), QString());
    for (const std::string& l : historyLabels(m_runs))
      m_label->addItem(QString::fromStdString(l), QString::fromStdString(l));
    const int keep = m_label->findData(was);
    m_label->setCurrentIndex(keep >= 0 ? keep : 0);
  }
  rebuild();
}

void HistoryView::selectLabel(const QString& label) {
  const int i = m_label->findData(label);
  if (i >= 0) m_label->setCurrentIndex(i);
}

void HistoryView::rebuild() {
  m_series = buildHistory(m_runs, m_label->currentData().toString().toStdString());
  const QSignalBlocker block(m_workload);
  m_workload->clear();
  for (const HistorySeries& s : m_series)
    m_workload->addItem(QStringLiteral("%1 (%2 runs, %3 change points)")
                            .arg(QString::fromStdString(s.name))
                            .arg(s.points.size())
                            .arg(s.changes.size()));
  m_workload->setCurrentIndex(m_series.empty() ? -1 : 0);
  fillChart();
}

int HistoryView::currentSeries() const { return m_workload->currentIndex(); }

void HistoryView::selectSeries(int index) {
  if (index >= 0 && index < m_workload->count()) m_workload->setCurrentIndex(index);
}

QString HistoryView::changeText() const {
  const int i = currentSeries();
  if (i < 0 || i >= static_cast<int>(m_series.size())) return {};
  const HistorySeries& s = m_series[static_cast<std::size_t>(i)];
  if (s.changes.empty())
    return QStringLiteral("No change point (E-divisive means, permutation test at alpha 0.01, %1 runs).")
        .arg(s.points.size());
  QStringList lines;
  for (const stats::ChangePoint& c : s.changes) {
    const HistoryPoint& p = s.points[c.index];
    lines << QStringLiteral("Change point before run %1 (%2, commit %3): mean %4 -> %5 (%6%7%), p %8")
                 .arg(p.runId)
                 .arg(QString::fromStdString(p.createdAt.substr(0, 19)))
                 .arg(QString::fromStdString(p.commit.substr(0, 12)))
                 .arg(formatDuration(c.before_mean), formatDuration(c.after_mean))
                 .arg(c.after_mean >= c.before_mean ? QStringLiteral("+") : QString())
                 .arg(100.0 * (c.after_mean / c.before_mean - 1.0), 0, 'f', 1)
                 .arg(c.p, 0, 'g', 2);
  }
  return lines.join(QLatin1Char('\n'));
}

qint64 HistoryView::runNear(QPointF value) const {
  const int i = currentSeries();
  if (i < 0 || i >= static_cast<int>(m_series.size())) return -1;
  const auto& pts = m_series[static_cast<std::size_t>(i)].points;
  if (pts.empty()) return -1;
  const auto k =
      static_cast<std::size_t>(std::clamp<double>(std::round(value.x()) - 1, 0, static_cast<double>(pts.size() - 1)));
  return pts[k].runId;
}

void HistoryView::fillChart() {
  QChart* chart = m_chart->chart();
  const int i = currentSeries();
  if (i < 0 || i >= static_cast<int>(m_series.size())) {
    showEmptyChart(chart, m_runs.empty() ? QStringLiteral("No runs: open a results store")
                                         : QStringLiteral("No complete run with a decode step for this label"));
    m_changes->clear();
    return;
  }
  clearChart(chart);
  const HistorySeries& s = m_series[static_cast<std::size_t>(i)];
  auto* median = new QLineSeries;
  median->setName(QStringLiteral("median decode step"));
  median->setColor(measuredColor());
  auto* points = new QScatterSeries;
  points->setName(QStringLiteral("run (click to open)"));
  points->setColor(measuredColor());
  points->setMarkerSize(7);
  auto* lo = new QLineSeries;
  auto* hi = new QLineSeries;
  lo->setName(QStringLiteral("95% interval of each run's median"));
  for (QLineSeries* b : {lo, hi}) {
    QPen pen(measuredColor().lighter(160));
    pen.setStyle(Qt::DashLine);
    b->setPen(pen);
  }
  double y0 = std::numeric_limits<double>::infinity(), y1 = 0;
  for (std::size_t k = 0; k < s.points.size(); ++k) {
    const HistoryPoint& p = s.points[k];
    const double x = static_cast<double>(k + 1);
    const double ms = p.medianS * 1e3;
    median->append(x, ms);
    points->append(x, ms);
    const double l = p.ciLoS.value_or(p.medianS) * 1e3, h = p.ciHiS.value_or(p.medianS) * 1e3;
    lo->append(x, l);
    hi->append(x, h);
    y0 = std::min(y0, l);
    y1 = std::max(y1, h);
  }
  auto* ax = new QValueAxis;
  ax->setRange(0.5, static_cast<double>(s.points.size()) + 0.5);
  ax->setLabelFormat(QStringLiteral("%d"));
  ax->setTitleText(QStringLiteral("run, oldest first"));
  auto* ay = new QValueAxis;
  const double pad = std::max((y1 - y0) * 0.08, y1 * 0.01);
  ay->setRange(std::max(0.0, y0 - pad), y1 + pad);
  ay->setTitleText(QStringLiteral("decode step (ms)"));
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);
  std::vector<QXYSeries*> all{lo, hi, median, points};
  // each change point: a vertical red line between the last run before it and the first after
  for (const stats::ChangePoint& c : s.changes) {
    auto* mark = new QLineSeries;
    mark->setName(QStringLiteral("change point"));
    QPen pen(QColor(200, 40, 40));
    pen.setWidth(2);
    mark->setPen(pen);
    const double x = static_cast<double>(c.index) + 0.5;
    mark->append(x, std::max(0.0, y0 - pad));
    mark->append(x, y1 + pad);
    all.push_back(mark);
  }
  for (QXYSeries* series : all) {
    chart->addSeries(series);
    series->attachAxis(ax);
    series->attachAxis(ay);
  }
  chart->legend()->markers(hi).front()->setVisible(false);
  for (std::size_t k = 1; k < s.changes.size(); ++k)
    chart->legend()->markers(all[4 + k]).front()->setVisible(false);  // one legend entry for them all
  connect(points, &QScatterSeries::clicked, this, [this](const QPointF& p) {
    const qint64 id = runNear(p);
    if (id >= 0) emit runActivated(id);
  });
  chart->setTitle(QStringLiteral("%1: %2 runs, %3 change point(s)")
                      .arg(QString::fromStdString(s.name))
                      .arg(s.points.size())
                      .arg(s.changes.size()));
  m_changes->setText(changeText());
}

}  // namespace looplab::gui
