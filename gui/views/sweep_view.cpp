// SweepView (see sweep_view.hpp).
#include "gui/views/sweep_view.hpp"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPushButton>
#include <QScatterSeries>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "engine/core/config.hpp"
#include "gui/data/predictor.hpp"
#include "gui/data/stored_sweeps.hpp"
#include "gui/geometry/pareto.hpp"
#include "gui/models/format.hpp"
#include "gui/models/op_table_model.hpp"
#include "gui/models/roles.hpp"
#include "gui/models/sweep_csv.hpp"
#include "gui/models/sweep_model.hpp"
#include "gui/views/chart_helpers.hpp"
#include "gui/views/palette.hpp"
#include "gui/views/table_setup.hpp"

namespace looplab::gui {

namespace {
bool nameHas(const std::string& name, std::initializer_list<const char*> parts) {
  return std::any_of(parts.begin(), parts.end(), [&](const char* p) { return name.find(p) != std::string::npos; });
}

// Throughput-like columns are better large; everything else (latency, bytes) better small.
bool betterLarge(const std::string& name) { return nameHas(name, {"tokens_per_s", "throughput", "per_s"}); }
}  // namespace

SweepView::SweepView(QWidget* parent) : ViewPage(parent) {
  m_model = new SweepModel(this);
  m_pointOps = new OpTableModel(this);

  auto* open = new QPushButton(QStringLiteral("Open sweep..."), this);
  m_file = new QLabel(QStringLiteral("no sweep open"), this);
  m_x = new QComboBox(this);
  m_y = new QComboBox(this);
  m_maxX = new QCheckBox(QStringLiteral("larger is better"), this);
  m_maxY = new QCheckBox(QStringLiteral("larger is better"), this);
  m_count = new QLabel(this);
  m_log = new QCheckBox(QStringLiteral("log scale"), this);
  m_log->setChecked(true);
  auto* bar = new QHBoxLayout;
  bar->addWidget(open);
  bar->addWidget(m_file);
  bar->addStretch(1);
  bar->addWidget(new QLabel(QStringLiteral("x:"), this));
  bar->addWidget(m_x);
  bar->addWidget(m_maxX);
  bar->addWidget(new QLabel(QStringLiteral("y:"), this));
  bar->addWidget(m_y);
  bar->addWidget(m_maxY);
  bar->addWidget(m_log);
  bar->addWidget(m_count);

  m_chart = makeChartView(this);
  m_table = makeTable(m_model, this);
  m_details = new QLabel(QStringLiteral("Click a point to see its configuration and per-op prediction."), this);
  m_details->setWordWrap(true);
  m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_opsTable = makeTable(m_pointOps, this);
  for (int c : {OpTableModel::MeasuredColumn, OpTableModel::MeanColumn, OpTableModel::ErrorColumn})
    m_opsTable->setColumnHidden(c, true);
  auto* pointPane = new QWidget(this);
  auto* pointLayout = new QVBoxLayout(pointPane);
  pointLayout->setContentsMargins(0, 0, 0, 0);
  pointLayout->addWidget(m_details);
  pointLayout->addWidget(m_opsTable, 1);

  auto* top = new QSplitter(Qt::Horizontal, this);
  top->addWidget(m_chart);
  top->addWidget(pointPane);
  top->setSizes({640, 420});
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(m_table);
  split->setSizes({540, 200});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(split, 1);

  connect(open, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open a sweep result"), QString(),
                                                      QStringLiteral("Sweep CSV (*.csv);;All files (*)"));
    if (path.isEmpty()) return;
    const QString error = openFile(path);
    if (!error.isEmpty()) m_details->setText(QStringLiteral("Cannot open the sweep: ") + error);
  });
  auto axesChanged = [this] {
    if (!m_filling) setAxes(m_x->currentData().toInt(), m_y->currentData().toInt());
  };
  auto goalsChanged = [this] {
    if (!m_filling) recompute();
  };
  connect(m_x, &QComboBox::currentIndexChanged, this, axesChanged);
  connect(m_y, &QComboBox::currentIndexChanged, this, axesChanged);
  connect(m_maxX, &QCheckBox::toggled, this, goalsChanged);
  connect(m_maxY, &QCheckBox::toggled, this, goalsChanged);
  connect(m_log, &QCheckBox::toggled, this, [this] { fillChart(); });
  connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (!current.isValid() || m_filling) return;
    const auto* proxy = qobject_cast<const QSortFilterProxyModel*>(current.model());
    const QModelIndex tint = proxy != nullptr ? proxy->mapToSource(current) : current;
    const auto* tintProxy = qobject_cast<const QAbstractProxyModel*>(tint.model());
    const QModelIndex source = tintProxy != nullptr ? tintProxy->mapToSource(tint) : tint;
    if (source.row() != m_selected) selectPoint(source.row());
  });
  showEmptyChart(m_chart->chart(), QStringLiteral("Open a sweep result (looplab sweep SPEC.json --out FILE.csv), "
                                                  "or a store that keeps sweeps (looplab sweep --db FILE)"));
}

namespace {

// "STORE.db#ID": that sweep of the store; the text before '#' must name a file.
std::optional<std::pair<QString, qint64>> storeAndId(const QString& path) {
  const qsizetype hash = path.lastIndexOf(QLatin1Char('#'));
  if (hash <= 0) return std::nullopt;
  bool ok = false;
  const qint64 id = path.mid(hash + 1).toLongLong(&ok);
  if (!ok || !QFileInfo(path.left(hash)).isFile()) return std::nullopt;
  return std::pair{path.left(hash), id};
}

bool isSqliteFile(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return false;
  return f.read(16) == QByteArray("SQLite format 3\0", 16);
}

}  // namespace

QString SweepView::openFile(const QString& path) {
  try {
    std::optional<std::pair<QString, qint64>> stored = storeAndId(path);
    if (!stored && isSqliteFile(path)) {
      // a store: its newest sweep
      const auto sweeps = listStoredSweeps(path.toStdString());
      if (sweeps.empty())
        return QStringLiteral("%1 keeps no sweep (looplab sweep SPEC.json --db FILE stores one)").arg(path);
      stored = std::pair{path, static_cast<qint64>(sweeps.back().id)};
    }
    if (stored) {
      const std::string db = stored->first.toStdString();
      QString name = QStringLiteral("sweep %1").arg(stored->second);
      for (const StoredSweep& w : listStoredSweeps(db))
        if (w.id == stored->second) name = QString::fromStdString(w.name) + QStringLiteral(" (sweep %1)").arg(w.id);
      setTable(loadStoredSweep(db, stored->second),
               name + QStringLiteral(" in ") + QFileInfo(stored->first).fileName());
    } else {
      setTable(loadSweepCsv(path.toStdString()), QFileInfo(path).fileName());
    }
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

void SweepView::setTable(SweepTable table, const QString& name) {
  m_model->setTable(std::move(table));
  fitColumns(m_table);
  m_file->setText(name);
  m_selected = -1;
  m_pointOps->setOps({});
  refreshAxes();
  // Start on the front's first point (smallest x), so the per-op pane is never empty.
  const int xc = m_x->currentData().toInt();
  if (xc >= 0 && static_cast<std::size_t>(xc) < m_model->table().columns.size()) {
    const auto line = paretoLine(m_model->table().columns[static_cast<std::size_t>(xc)].values, m_model->front());
    if (!line.empty()) selectPoint(static_cast<int>(line.front()));
  }
}

void SweepView::refreshAxes() {
  m_filling = true;
  m_x->clear();
  m_y->clear();
  const SweepTable& t = m_model->table();
  int xDefault = -1;
  int yDefault = -1;
  for (int c : m_model->numericColumns()) {
    const QString name = QString::fromStdString(t.columns[static_cast<std::size_t>(c)].name);
    m_x->addItem(name, c);
    m_y->addItem(name, c);
  }
  // `looplab sweep` writes decode_step_s and kv_bytes: latency against memory is the first
  // question; other files fall back to latency- and KV-like names, then the first two numbers.
  const std::vector<int> numeric = m_model->numericColumns();
  auto find = [&](std::initializer_list<const char*> parts, bool exact) {
    for (int c : numeric) {
      const std::string& n = t.columns[static_cast<std::size_t>(c)].name;
      for (const char* p : parts) {
        if (exact ? n == p : n.find(p) != std::string::npos) return c;
      }
    }
    return -1;
  };
  xDefault = find({"decode_step_s"}, true);
  if (xDefault < 0) xDefault = find({"latency", "step_s", "time_s"}, false);
  yDefault = find({"kv_bytes"}, true);
  if (yDefault < 0) yDefault = find({"kv"}, false);
  if (xDefault < 0 && !numeric.empty()) xDefault = numeric.front();
  if (yDefault < 0 && numeric.size() > 1) yDefault = numeric[numeric[0] == xDefault ? 1 : 0];
  m_x->setCurrentIndex(m_x->findData(xDefault));
  m_y->setCurrentIndex(m_y->findData(yDefault));
  m_filling = false;
  setAxes(xDefault, yDefault);
}

void SweepView::setAxes(int xColumn, int yColumn) {
  const SweepTable& t = m_model->table();
  const int n = static_cast<int>(t.columns.size());
  m_filling = true;
  if (m_x->findData(xColumn) >= 0) m_x->setCurrentIndex(m_x->findData(xColumn));
  if (m_y->findData(yColumn) >= 0) m_y->setCurrentIndex(m_y->findData(yColumn));
  // A new axis starts with its natural direction; the checkboxes override it.
  if (xColumn >= 0 && xColumn < n) m_maxX->setChecked(betterLarge(t.columns[static_cast<std::size_t>(xColumn)].name));
  if (yColumn >= 0 && yColumn < n) m_maxY->setChecked(betterLarge(t.columns[static_cast<std::size_t>(yColumn)].name));
  m_filling = false;
  recompute();
}

void SweepView::recompute() {
  m_model->setAxes(m_x->currentData().toInt(), m_y->currentData().toInt(),
                   m_maxX->isChecked() ? Goal::maximize : Goal::minimize,
                   m_maxY->isChecked() ? Goal::maximize : Goal::minimize);
  fillChart();
}

void SweepView::fillChart() {
  QChart* chart = m_chart->chart();
  clearChart(chart);
  m_selectedSeries = nullptr;
  const SweepTable& t = m_model->table();
  const int xc = m_x->currentData().toInt();
  const int yc = m_y->currentData().toInt();
  const int n = static_cast<int>(t.columns.size());
  if (t.rows == 0 || m_x->count() == 0 || xc < 0 || yc < 0 || xc >= n || yc >= n) {
    showEmptyChart(chart,
                   t.rows == 0 ? QStringLiteral("The sweep has no rows") : QStringLiteral("Pick two numeric columns"));
    m_count->clear();
    return;
  }
  const auto& xs = t.columns[static_cast<std::size_t>(xc)].values;
  const auto& ys = t.columns[static_cast<std::size_t>(yc)].values;
  const auto& front = m_model->front();
  auto* others = new QScatterSeries;
  others->setName(QStringLiteral("configurations"));
  others->setColor(QColor(0xB0, 0xB0, 0xB0));
  others->setBorderColor(QColor(0x90, 0x90, 0x90));
  others->setMarkerSize(7.0);
  auto* onFront = new QScatterSeries;
  onFront->setName(QStringLiteral("Pareto front"));
  onFront->setColor(predictedColor());
  onFront->setMarkerSize(11.0);
  QList<QPointF> otherPoints;
  QList<QPointF> frontPoints;
  double x0 = std::numeric_limits<double>::infinity();
  double x1 = -x0;
  double y0 = x0;
  double y1 = -x0;
  int frontCount = 0;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (std::isnan(xs[r]) || std::isnan(ys[r])) continue;
    (front[r] ? frontPoints : otherPoints).append(QPointF(xs[r], ys[r]));
    frontCount += front[r] ? 1 : 0;
    x0 = std::min(x0, xs[r]);
    x1 = std::max(x1, xs[r]);
    y0 = std::min(y0, ys[r]);
    y1 = std::max(y1, ys[r]);
  }
  others->replace(otherPoints);
  onFront->replace(frontPoints);
  auto* line = new QLineSeries;
  line->setName(QStringLiteral("front"));
  QPen pen(predictedColor());
  pen.setWidthF(1.5);
  line->setPen(pen);
  for (std::size_t r : paretoLine(xs, front)) line->append(xs[r], ys[r]);
  m_selectedSeries = new QScatterSeries;
  m_selectedSeries->setName(QStringLiteral("selected"));
  m_selectedSeries->setColor(Qt::transparent);
  m_selectedSeries->setBorderColor(Qt::black);
  m_selectedSeries->setPen(QPen(Qt::black, 2.0));
  m_selectedSeries->setMarkerSize(18.0);
  if (m_selected >= 0 && static_cast<std::size_t>(m_selected) < t.rows) {
    m_selectedSeries->append(xs[static_cast<std::size_t>(m_selected)], ys[static_cast<std::size_t>(m_selected)]);
  }
  // Log axes when asked and every value is positive (sweeps span decades: batch 1 to 64,
  // contexts 1k to 16k); linear ones padded 5 %, never below zero for non-negative data.
  auto makeAxis = [&](double lo, double hi, const QString& title) -> QAbstractAxis* {
    if (m_log->isChecked() && lo > 0.0) {
      auto* a = new QLogValueAxis;
      a->setBase(10.0);
      a->setRange(lo / 1.3, hi * 1.3);
      a->setLabelFormat(QStringLiteral("%.3g"));
      a->setMinorTickCount(0);
      a->setTitleText(title);
      return a;
    }
    const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::abs(lo) * 0.1, 1e-12);
    auto* a = new QValueAxis;
    a->setRange(lo >= 0.0 ? std::max(0.0, lo - pad) : lo - pad, hi + pad);
    a->setLabelFormat(QStringLiteral("%.3g"));
    a->setTitleText(title);
    return a;
  };
  QAbstractAxis* ax = makeAxis(x0, x1, m_x->currentText());
  QAbstractAxis* ay = makeAxis(y0, y1, m_y->currentText());
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);
  for (QXYSeries* s : std::initializer_list<QXYSeries*>{others, line, onFront, m_selectedSeries}) {
    chart->addSeries(s);
    s->attachAxis(ax);
    s->attachAxis(ay);
  }
  // The legend names the two kinds of points; the front line and the selection ring explain
  // themselves.
  for (QXYSeries* s : std::initializer_list<QXYSeries*>{line, m_selectedSeries}) {
    chart->legend()->markers(s).front()->setVisible(false);
  }
  for (QScatterSeries* s : {others, onFront}) {
    connect(s, &QScatterSeries::clicked, this, [this](const QPointF& p) { selectPoint(nearestPoint(p)); });
  }
  chart->setTitle(QStringLiteral("%1 vs %2: %3 configurations, %4 on the Pareto front")
                      .arg(m_y->currentText(), m_x->currentText())
                      .arg(otherPoints.size() + frontPoints.size())
                      .arg(frontCount));
  m_count->setText(QStringLiteral("%1 on the front").arg(frontCount));
}

int SweepView::nearestPoint(QPointF value) const {
  const SweepTable& t = m_model->table();
  const int xc = m_x->currentData().toInt();
  const int yc = m_y->currentData().toInt();
  if (t.rows == 0 || xc < 0 || yc < 0 || xc >= static_cast<int>(t.columns.size()) ||
      yc >= static_cast<int>(t.columns.size())) {
    return -1;
  }
  const auto& xs = t.columns[static_cast<std::size_t>(xc)].values;
  const auto& ys = t.columns[static_cast<std::size_t>(yc)].values;
  // Distances in units of each axis's range, so that a click means the same in x and in y.
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (std::isnan(xs[r]) || std::isnan(ys[r])) continue;
    x0 = std::min(x0, xs[r]);
    x1 = std::max(x1, xs[r]);
    y0 = std::min(y0, ys[r]);
    y1 = std::max(y1, ys[r]);
  }
  const double sx = x1 > x0 ? x1 - x0 : 1.0;
  const double sy = y1 > y0 ? y1 - y0 : 1.0;
  int best = -1;
  double bestD = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (std::isnan(xs[r]) || std::isnan(ys[r])) continue;
    const double dx = (xs[r] - value.x()) / sx;
    const double dy = (ys[r] - value.y()) / sy;
    if (dx * dx + dy * dy < bestD) {
      bestD = dx * dx + dy * dy;
      best = static_cast<int>(r);
    }
  }
  return best;
}

QString SweepView::pointDetails() const { return m_details->text(); }

void SweepView::selectPoint(int row) {
  const SweepTable& t = m_model->table();
  if (row < 0 || static_cast<std::size_t>(row) >= t.rows) return;
  m_selected = row;
  const auto r = static_cast<std::size_t>(row);
  // The configuration (text columns and the shape numbers) and the two plotted values.
  const int xc = m_x->currentData().toInt();
  const int yc = m_y->currentData().toInt();
  QStringList parts;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const std::string& name = t.columns[c].name;
    const bool shape = name == "loops" || name == "window" || name == "batch" || name == "context";
    if (t.columns[c].numeric && !shape && static_cast<int>(c) != xc && static_cast<int>(c) != yc) continue;
    const std::string value = t.cellText(r, c);
    if (value.empty()) continue;
    parts << QStringLiteral("%1 = %2").arg(QString::fromStdString(name), QString::fromStdString(value));
  }
  QString text = QStringLiteral("<b>Point %1%2</b>: %3")
                     .arg(row)
                     .arg(m_model->front()[r] ? QStringLiteral(" (on the Pareto front)") : QString())
                     .arg(parts.join(QStringLiteral(", ")).toHtmlEscaped());
  // Per-op prediction: the row names a model, variant, shape and hardware.
  auto text_of = [&](const char* name) -> std::string {
    const int c = t.columnIndex(name);
    return c < 0 ? std::string() : t.cellText(r, static_cast<std::size_t>(c));
  };
  auto number_of = [&](std::initializer_list<const char*> names, std::int64_t fallback) {
    for (const char* name : names) {
      const int c = t.columnIndex(name);
      if (c >= 0 && t.columns[static_cast<std::size_t>(c)].numeric) {
        const double v = t.columns[static_cast<std::size_t>(c)].values[r];
        if (!std::isnan(v)) return static_cast<std::int64_t>(std::llround(v));
      }
    }
    return fallback;
  };
  m_pointOps->setOps({});
  if (m_predictor == nullptr) {
    text += QStringLiteral("<br>Per-op prediction: this build has no simulator.");
  } else {
    try {
      const ModelConfig config = load_model(text_of("model"));
      WhatIfRequest req;
      req.configJson = config_to_json(config).dump();
      const auto variant = parse_variant(text_of("variant"));
      req.variant = variant ? *variant : config.variant;
      req.loops = number_of({"loops"}, config.loops);
      req.window = number_of({"window"}, config.window);
      req.batch = number_of({"batch"}, 1);
      req.contextLen = number_of({"context", "context_len"}, 1);
      req.hardware = text_of("hardware");
      const Prediction p = m_predictor->predict(req);
      m_pointOps->setOps(p.ops);
      fitColumns(m_opsTable);
      text += QStringLiteral("<br>Simulated decode step %1, KV %2, %3 ops.")
                  .arg(formatDuration(p.stepS), formatBytes(static_cast<double>(p.kvBytes)))
                  .arg(p.ops.size());
    } catch (const std::exception& e) {
      text += QStringLiteral("<br>Per-op prediction unavailable: ") + QString::fromUtf8(e.what()).toHtmlEscaped();
    }
  }
  m_details->setText(text);
  // The table follows the chart: its row becomes current and scrolls into view.
  if (auto* proxy = qobject_cast<QSortFilterProxyModel*>(m_table->model())) {
    const auto* tint = qobject_cast<const QAbstractProxyModel*>(proxy->sourceModel());
    const QModelIndex source = m_model->index(row, 0);
    const QModelIndex index = proxy->mapFromSource(tint != nullptr ? tint->mapFromSource(source) : source);
    if (index.isValid() && m_table->currentIndex().row() != index.row()) {
      m_filling = true;
      m_table->setCurrentIndex(index);
      m_table->scrollTo(index);
      m_filling = false;
    }
  }
  if (m_selectedSeries != nullptr) {
    m_selectedSeries->clear();
    if (xc >= 0 && yc >= 0) {
      m_selectedSeries->append(t.columns[static_cast<std::size_t>(xc)].values[r],
                               t.columns[static_cast<std::size_t>(yc)].values[r]);
    }
  }
}

}  // namespace looplab::gui
