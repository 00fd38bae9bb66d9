// CompareView (see compare_view.hpp).
#include "gui/views/compare_view.hpp"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>

#include "engine/core/config.hpp"
#include "engine/core/kv.hpp"
#include "gui/data/predictor.hpp"
#include "gui/models/format.hpp"
#include "gui/models/ladder_model.hpp"
#include "gui/models/verdict.hpp"
#include "gui/views/chart_helpers.hpp"
#include "gui/views/palette.hpp"
#include "gui/views/table_setup.hpp"

namespace looplab::gui {

namespace {
QString variantText(Variant v) {
  const std::string_view s = to_string(v);
  return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size()));
}

// A log2 axis over [lo, hi] (values >= 1), padded to whole powers of two and a little beyond, so a
// marker on the first or last power of two is drawn whole rather than cut by the plot's edge.
QLogValueAxis* log2Axis(double lo, double hi, const QString& title) {
  auto* axis = new QLogValueAxis;
  axis->setBase(2.0);
  const double a = std::pow(2.0, std::floor(std::log2(std::max(lo, 1.0))));
  double b = std::pow(2.0, std::ceil(std::log2(std::max(hi, 1.0))));
  if (b <= a) b = a * 2.0;
  axis->setRange(a / 1.2, b * 1.2);
  axis->setLabelFormat(QStringLiteral("%g"));
  axis->setTitleText(title);
  return axis;
}
}  // namespace

CompareView::CompareView(QWidget* parent) : ViewPage(parent) {
  m_latencyChart = makeChartView(this);
  m_kvChart = makeChartView(this);
  auto* charts = new QSplitter(Qt::Horizontal, this);
  charts->addWidget(m_latencyChart);
  charts->addWidget(m_kvChart);

  m_caption = new QLabel(this);
  m_caption->setWordWrap(true);
  m_ladder = new LadderModel(this);
  try {
    m_ladder->setPaper(loadPaperLadder((data_dir() / "paper" / "plt-table2.json").string()));
  } catch (const std::exception& e) {
    m_caption->setToolTip(QString::fromUtf8(e.what()));  // the reference columns stay empty
  }
  m_ladderTable = makeTable(m_ladder, this);

  auto* bottom = new QWidget(this);
  auto* bottomLayout = new QVBoxLayout(bottom);
  bottomLayout->setContentsMargins(0, 0, 0, 0);
  bottomLayout->addWidget(m_caption);
  bottomLayout->addWidget(m_ladderTable, 1);

  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(charts);
  split->addWidget(bottom);
  split->setSizes({520, 240});
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(split);
  setRuns({}, nullptr);
}

QString CompareView::ladderCaption() const { return m_caption->text(); }

void CompareView::setRuns(std::vector<RunSummary> runs, RunDetailSnapshot current) {
  m_runs = std::move(runs);
  m_current = std::move(current);
  const LadderGroup group = pickLadderGroup(m_runs);
  m_ladder->setRuns(group.runs);
  fitColumns(m_ladderTable);
  if (group.runs.empty()) {
    m_caption->setText(
        QStringLiteral("No runs to compare: select runs in the runs browser and press "
                       "Compare selected."));
  } else {
    QString caption = QStringLiteral(
                          "Five-variant ladder (paper Table 2): %1 on %2, batch %3, context %4; "
                          "newest run per variant, ratios relative to vanilla. The paper "
                          "columns are its Seed-MoE figures at batch 4 (hover for the source).")
                          .arg(QString::fromStdString(group.model), QString::fromStdString(group.hardware))
                          .arg(group.batch)
                          .arg(group.contextLen);
    // Say which runs make a measured ratio uncertain; the cells say it too ("1.23× (noisy)").
    // By verdict rank (noisy before unusable): the verdict and its runs.
    std::map<int, std::pair<OptionalVerdict, QStringList>> notQuiet;
    for (const LadderEntry& e : m_ladder->entries()) {
      if (!e.runId || isQuiet(e.verdict)) continue;
      auto& [verdict, ids] = notQuiet[verdictRank(e.verdict)];
      verdict = e.verdict;
      ids << QString::number(*e.runId);
    }
    if (!notQuiet.empty()) {
      QStringList groups;
      for (const auto& [rank, entry] : notQuiet) {
        const auto& [verdict, ids] = entry;
        groups << verdictText(verdict) + QStringLiteral(": run") +
                      (ids.size() > 1 ? QStringLiteral("s ") : QStringLiteral(" ")) + ids.join(QStringLiteral(", "));
      }
      caption += QStringLiteral(
                     " Measured ratios involving a run that is not quiet are marked "
                     "(%1); hover them for why.")
                     .arg(groups.join(QStringLiteral("; ")));
    }
    m_caption->setText(caption);
  }
  fillLatencyChart();
  fillKvChart();
}

void CompareView::fillLatencyChart() {
  QChart* chart = m_latencyChart->chart();
  clearChart(chart);
  const LadderGroup group = pickLadderGroup(m_runs);
  // One model, machine and context: only batch varies along the x axis.
  std::map<Variant, std::vector<const RunSummary*>> byVariant;
  double maxBatch = 1.0;
  double maxS = 0.0;
  for (const RunSummary& r : m_runs) {
    if (r.model != group.model || r.hardware != group.hardware || r.contextLen != group.contextLen) continue;
    byVariant[r.variant].push_back(&r);
    maxBatch = std::max(maxBatch, static_cast<double>(r.batch));
    maxS = std::max({maxS, r.measuredStepS.value_or(0.0), r.predictedStepS.value_or(0.0)});
  }
  if (byVariant.empty()) {
    showEmptyChart(chart, QStringLiteral("Decode latency vs batch: no runs to compare"));
    return;
  }
  // Simulator lines need the config of a run of this model (the current run's).
  std::optional<ModelConfig> config;
  if (m_predictor != nullptr && m_current && m_current->summary.model == group.model) {
    try {
      config = parse_config_text(m_current->configJson, "run config");
    } catch (const std::exception&) {
      config.reset();
    }
  }
  struct Line {
    Variant variant;
    std::vector<std::pair<double, double>> points;  // (batch, seconds)
  };
  std::vector<Line> lines;
  for (auto& [variant, runs] : byVariant) {
    std::sort(runs.begin(), runs.end(), [](const RunSummary* a, const RunSummary* b) { return a->batch < b->batch; });
    Line line{variant, {}};
    if (config) {
      for (double b = 1.0; b <= maxBatch * 1.0001; b *= 2.0) {
        WhatIfRequest req;
        req.configJson = m_current->configJson;
        req.variant = variant;
        req.loops = variant == Variant::vanilla ? 1 : std::max<std::int64_t>(2, runs.front()->loops);
        req.window = runs.front()->window;
        req.batch = static_cast<std::int64_t>(b);
        req.contextLen = group.contextLen;
        req.hardware = group.hardware;
        // The run's own spec: a measured `host` spec is stored with the run, not in data/.
        if (m_current->summary.hardware == group.hardware) req.hardwareJson = m_current->hardwareJson;
        try {
          line.points.emplace_back(b, m_predictor->predict(req).stepS);
        } catch (const std::exception&) {
          line.points.clear();
          break;
        }
      }
    }
    if (line.points.empty()) {
      for (const RunSummary* r : runs) {
        if (r->predictedStepS) line.points.emplace_back(static_cast<double>(r->batch), *r->predictedStepS);
      }
    }
    for (const auto& p : line.points) maxS = std::max(maxS, p.second);
    lines.push_back(std::move(line));
  }
  const TimeUnit unit = timeUnitFor(maxS);
  auto* x = log2Axis(1.0, maxBatch, QStringLiteral("batch (sequences)"));
  // Log latency: variants differ by loops (2x and more) and measured outliers by far more; a
  // linear axis would flatten everything under the slowest point.
  double minS = maxS;
  for (const auto& [variant, runs] : byVariant) {
    for (const RunSummary* r : runs) {
      for (const auto& v : {r->measuredStepS, r->predictedStepS}) {
        if (v && *v > 0.0) minS = std::min(minS, *v);
      }
    }
  }
  for (const Line& line : lines) {
    for (const auto& p : line.points) {
      if (p.second > 0.0) minS = std::min(minS, p.second);
    }
  }
  auto* y = new QLogValueAxis;
  y->setBase(10.0);
  y->setRange(minS * unit.scale / 1.5, maxS * unit.scale * 1.5);
  y->setLabelFormat(QStringLiteral("%g"));
  y->setMinorTickCount(-1);
  y->setTitleText(QStringLiteral("decode step latency (%1, log)").arg(unit.name));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (const Line& line : lines) {
    auto* predicted = new QLineSeries;
    predicted->setName(variantText(line.variant) + QStringLiteral(" predicted"));
    QPen pen(variantColor(line.variant));
    pen.setWidthF(2.0);
    pen.setStyle(Qt::DashLine);
    predicted->setPen(pen);
    for (const auto& [b, s] : line.points) predicted->append(b, s * unit.scale);
    chart->addSeries(predicted);
    predicted->attachAxis(x);
    predicted->attachAxis(y);
    chart->legend()->markers(predicted).front()->setVisible(false);  // the variant's points name it
    auto* measured = new QScatterSeries;
    measured->setName(variantText(line.variant));
    measured->setColor(variantColor(line.variant));
    measured->setMarkerSize(9.0);
    for (const RunSummary* r : byVariant[line.variant]) {
      if (r->measuredStepS) measured->append(static_cast<double>(r->batch), *r->measuredStepS * unit.scale);
    }
    chart->addSeries(measured);
    measured->attachAxis(x);
    measured->attachAxis(y);
  }
  chart->setTitle(QStringLiteral("Decode step vs batch: %1 on %2, context %3<br>points measured, dashed "
                                 "lines %4")
                      .arg(QString::fromStdString(group.model), QString::fromStdString(group.hardware))
                      .arg(group.contextLen)
                      .arg(config ? QStringLiteral("simulated (uncalibrated)") : QStringLiteral("stored predictions")));
}

void CompareView::fillKvChart() {
  QChart* chart = m_kvChart->chart();
  clearChart(chart);
  if (!m_current) {
    showEmptyChart(chart, QStringLiteral("KV bytes vs context: select a run"));
    return;
  }
  ModelConfig config;
  try {
    config = parse_config_text(m_current->configJson, "run config");
  } catch (const std::exception& e) {
    showEmptyChart(
        chart,
        QStringLiteral("KV bytes vs context: the run's config cannot be read (%1)").arg(QString::fromUtf8(e.what())));
    return;
  }
  const RunSummary& s = m_current->summary;
  // The CPU backend keeps everything in fp32; GPUs store KV in the config's dtype.
  const std::int64_t elementBytes = s.backend == "cpu" ? 4 : bytes_per_element(config.dtype);
  const std::int64_t loops = std::max<std::int64_t>(2, config.loops);
  const double maxContext = std::max(8192.0, 4.0 * static_cast<double>(s.contextLen));
  double maxBytes = 0.0;
  std::vector<std::pair<Variant, std::vector<std::pair<double, double>>>> lines;
  for (Variant v : kAllVariants) {
    ModelConfig c = config;
    c.variant = v;
    c.loops = v == Variant::vanilla ? 1 : loops;
    std::vector<std::pair<double, double>> pts;
    for (double n = 16.0; n <= maxContext * 1.0001; n *= 2.0) {
      try {
        const auto bytes =
            static_cast<double>(kv_bytes_formula(c, s.batch, static_cast<std::int64_t>(n), elementBytes));
        pts.emplace_back(n, bytes);
        maxBytes = std::max(maxBytes, bytes);
      } catch (const std::exception&) {
        break;
      }
    }
    lines.emplace_back(v, std::move(pts));
  }
  double minBytes = maxBytes;
  for (const auto& line : lines)
    for (const auto& point : line.second)
      if (point.second > 0) minBytes = std::min(minBytes, point.second);
  const double scale = maxBytes >= 1e9 ? 1e-9 : maxBytes >= 1e6 ? 1e-6 : 1e-3;
  const QString unitName = maxBytes >= 1e9   ? QStringLiteral("GB")
                           : maxBytes >= 1e6 ? QStringLiteral("MB")
                                             : QStringLiteral("kB");
  auto* x = log2Axis(16.0, maxContext, QStringLiteral("context (tokens)"));
  // Log-log: the KV cache grows linearly with the context, a straight line of slope one here
  // (a linear y over a log x would draw that growth as an exponential).
  auto* y = new QLogValueAxis;
  y->setBase(10.0);
  y->setRange(std::max(minBytes, 1.0) * scale / 1.5, std::max(maxBytes, 1.0) * scale * 1.5);
  y->setLabelFormat(QStringLiteral("%g"));
  y->setTitleText(QStringLiteral("KV cache (%1), log scale").arg(unitName));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (const auto& [v, pts] : lines) {
    auto* series = new QLineSeries;
    series->setName(variantText(v));
    QPen pen(variantColor(v));
    pen.setWidthF(v == Variant::plt ? 3.0 : 2.0);
    if (v == Variant::clp) pen.setStyle(Qt::DashLine);  // equal to looped: keep both visible
    series->setPen(pen);
    for (const auto& [n, b] : pts) series->append(n, b * scale);
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
  }
  // Stored runs of this model and batch as points, to check the formula against the store.
  auto* stored = new QScatterSeries;
  stored->setName(QStringLiteral("stored runs"));
  stored->setColor(Qt::black);
  stored->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
  stored->setMarkerSize(7.0);
  for (const RunSummary& r : m_runs) {
    if (r.model == s.model && r.batch == s.batch && r.kvBytes) {
      const auto tokens = r.kvTokens > 0 ? r.kvTokens : r.contextLen;
      stored->append(static_cast<double>(tokens), static_cast<double>(*r.kvBytes) * scale);
    }
  }
  chart->addSeries(stored);
  stored->attachAxis(x);
  stored->attachAxis(y);
  chart->setTitle(QStringLiteral("KV cache vs context: %1, batch %2, L=%3, w=%4<br>lines: the KV layout formula")
                      .arg(QString::fromStdString(s.model))
                      .arg(s.batch)
                      .arg(loops)
                      .arg(config.window));
}

}  // namespace looplab::gui
