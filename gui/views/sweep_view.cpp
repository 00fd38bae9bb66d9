// SweepView (see sweep_view.hpp).
#include "gui/views/sweep_view.hpp"

#include <QAbstractProxyModel>
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
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "engine/core/config.hpp"
#include "gui/data/predictor.hpp"
#include "gui/data/stored_sweeps.hpp"
#include "gui/geometry/pareto.hpp"
#include "gui/models/format.hpp"
#include "gui/models/op_kind_model.hpp"
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
  m_shown = new SweepShownProxy(m_model, this);
  m_pointOps = new OpTableModel(this);
  m_pointKinds = new OpKindModel(this);

  auto* open = new QPushButton(QStringLiteral("Open sweep..."), this);
  m_file = new QLabel(QStringLiteral("no sweep open"), this);
  m_x = new QComboBox(this);
  m_y = new QComboBox(this);
  m_maxX = new QCheckBox(QStringLiteral("larger is better"), this);
  m_maxY = new QCheckBox(QStringLiteral("larger is better"), this);
  m_count = new QLabel(this);
  m_log = new QCheckBox(QStringLiteral("log scale"), this);
  m_log->setChecked(true);
  m_log->setToolTip(QStringLiteral("log axes where the shown values span two powers of ten"));
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

  // Colour and filters: the category columns, each "all" or one of the sweep's values.
  m_colourBy = new QComboBox(this);
  m_colourBy->addItem(QStringLiteral("none"), QString());
  for (const std::string& c : categoryColumns())
    m_colourBy->addItem(QString::fromStdString(c), QString::fromStdString(c));
  m_colourBy->setCurrentIndex(m_colourBy->findData(QStringLiteral("variant")));
  auto* filterBar = new QHBoxLayout;
  filterBar->addWidget(new QLabel(QStringLiteral("colour by:"), this));
  filterBar->addWidget(m_colourBy);
  filterBar->addSpacing(16);
  for (const std::string& c : categoryColumns()) {
    auto* combo = new QComboBox(this);
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    combo->setToolTip(QStringLiteral("show only the points of one %1").arg(QString::fromStdString(c)));
    filterBar->addWidget(new QLabel(QString::fromStdString(c) + QLatin1Char(':'), this));
    filterBar->addWidget(combo);
    m_filters.push_back(combo);
  }
  filterBar->addStretch(1);
  m_grouping = new QLabel(this);
  m_grouping->setWordWrap(true);

  m_chart = makeChartView(this);
  m_table = makeTable(m_shown, this);
  m_details = new QLabel(QStringLiteral("Click a point to see its configuration and predicted step."), this);
  m_details->setWordWrap(true);
  m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_opsTable = makeTable(m_pointOps, this);
  for (int c : {OpTableModel::MeasuredColumn, OpTableModel::MeanColumn, OpTableModel::ErrorColumn})
    m_opsTable->setColumnHidden(c, true);
  // The point's step per op kind: predicted time, its share of the step, the bound.
  m_kindsTable = makeTable(m_pointKinds, this);
  for (int c :
       {OpKindModel::MeasuredColumn, OpKindModel::IntervalColumn, OpKindModel::MeanColumn, OpKindModel::ErrorColumn})
    m_kindsTable->setColumnHidden(c, true);
  m_pointTabs = new QTabWidget(this);
  m_pointTabs->addTab(m_kindsTable, QStringLiteral("per op kind"));
  m_pointTabs->addTab(m_opsTable, QStringLiteral("per op"));
  auto* pointPane = new QWidget(this);
  auto* pointLayout = new QVBoxLayout(pointPane);
  pointLayout->setContentsMargins(0, 0, 0, 0);
  pointLayout->addWidget(m_details);
  pointLayout->addWidget(m_pointTabs, 1);

  auto* top = new QSplitter(Qt::Horizontal, this);
  top->addWidget(m_chart);
  top->addWidget(pointPane);
  top->setSizes({660, 400});
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(m_table);
  split->setSizes({580, 140});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addLayout(filterBar);
  layout->addWidget(m_grouping);
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
  connect(m_colourBy, &QComboBox::currentIndexChanged, this, [this] {
    if (!m_filling) fillChart();
  });
  for (QComboBox* combo : m_filters) {
    connect(combo, &QComboBox::currentIndexChanged, this, [this] {
      if (!m_filling) applyFilterFromCombos();
    });
  }
  connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (!current.isValid() || m_filling) return;
    const QModelIndex source = toModel(current);
    if (source.row() != m_selected) selectPoint(source.row());
  });
  showEmptyChart(m_chart->chart(), QStringLiteral("Open a sweep result (looplab sweep SPEC.json --out FILE.csv), "
                                                  "or a store that keeps sweeps (looplab sweep --db FILE)"));
}

QModelIndex SweepView::toModel(const QModelIndex& index) {
  QModelIndex i = index;
  while (const auto* proxy = qobject_cast<const QAbstractProxyModel*>(i.model())) i = proxy->mapToSource(i);
  return i;
}

QChart* SweepView::chart() const { return m_chart->chart(); }

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
  m_pointKinds->setOps({});
  refreshFilters();
  refreshAxes();
  // Start on the fronts' leftmost point (smallest x), so the point pane is never empty.
  const int xc = m_x->currentData().toInt();
  if (xc >= 0 && static_cast<std::size_t>(xc) < m_model->table().columns.size()) {
    const auto line = paretoLine(m_model->table().columns[static_cast<std::size_t>(xc)].values, m_model->front());
    if (!line.empty()) selectPoint(static_cast<int>(line.front()));
  }
}

void SweepView::refreshFilters() {
  m_filling = true;
  const SweepTable& t = m_model->table();
  const std::vector<std::string>& columns = categoryColumns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    QComboBox* combo = m_filters[i];
    combo->clear();
    combo->addItem(QStringLiteral("all"), QString());
    for (const std::string& v : distinctValues(t, columns[i])) {
      if (!v.empty()) combo->addItem(QString::fromStdString(v), QString::fromStdString(v));
    }
    combo->setEnabled(combo->count() > 2);  // one value (or none): nothing to pick
  }
  m_filling = false;
}

void SweepView::applyFilterFromCombos() {
  SweepFilter f;
  std::string* fields[] = {&f.hardware, &f.model, &f.variant, &f.batch};
  for (std::size_t i = 0; i < m_filters.size() && i < 4; ++i)
    *fields[i] = m_filters[i]->currentData().toString().toStdString();
  m_model->setFilter(f);
  // A point the filter hides is no longer the selection: the leftmost front point takes over.
  if (m_selected >= 0 && !m_model->isShown(static_cast<std::size_t>(m_selected))) {
    m_selected = -1;
    m_pointOps->setOps({});
    m_pointKinds->setOps({});
    m_details->setText(QStringLiteral("The selected point is filtered out."));
    const int xc = m_x->currentData().toInt();
    if (xc >= 0 && static_cast<std::size_t>(xc) < m_model->table().columns.size()) {
      const auto line = paretoLine(m_model->table().columns[static_cast<std::size_t>(xc)].values, m_model->front());
      if (!line.empty()) m_selected = static_cast<int>(line.front());
    }
  }
  fillChart();
  if (m_selected >= 0) selectPoint(m_selected);
}

void SweepView::setFilter(const SweepFilter& filter) {
  m_filling = true;
  const std::string* fields[] = {&filter.hardware, &filter.model, &filter.variant, &filter.batch};
  for (std::size_t i = 0; i < m_filters.size() && i < 4; ++i) {
    const int at = m_filters[i]->findData(QString::fromStdString(*fields[i]));
    m_filters[i]->setCurrentIndex(at >= 0 ? at : 0);
  }
  m_filling = false;
  applyFilterFromCombos();
}

void SweepView::setColourBy(const std::string& column) {
  const int at = m_colourBy->findData(QString::fromStdString(column));
  m_colourBy->setCurrentIndex(at >= 0 ? at : 0);  // fills the chart through the signal
}

QString SweepView::groupingText() const { return m_grouping->text(); }

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
  m_frontLines.clear();
  const SweepTable& t = m_model->table();
  const int xc = m_x->currentData().toInt();
  const int yc = m_y->currentData().toInt();
  const int n = static_cast<int>(t.columns.size());
  if (t.rows == 0 || m_x->count() == 0 || xc < 0 || yc < 0 || xc >= n || yc >= n) {
    showEmptyChart(chart,
                   t.rows == 0 ? QStringLiteral("The sweep has no rows") : QStringLiteral("Pick two numeric columns"));
    m_count->clear();
    m_grouping->clear();
    return;
  }
  const auto& xs = t.columns[static_cast<std::size_t>(xc)].values;
  const auto& ys = t.columns[static_cast<std::size_t>(yc)].values;
  const auto& front = m_model->front();
  const SweepGroups& groups = m_model->groups();
  // Units from the largest shown value of each axis: "decode step (ms)", "KV cache (GB)".
  double maxX = 0.0;
  double maxY = 0.0;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (!m_model->isShown(r) || std::isnan(xs[r]) || std::isnan(ys[r])) continue;
    maxX = std::max(maxX, std::abs(xs[r]));
    maxY = std::max(maxY, std::abs(ys[r]));
  }
  m_xUnit = axisUnitFor(t.columns[static_cast<std::size_t>(xc)].name, maxX);
  m_yUnit = axisUnitFor(t.columns[static_cast<std::size_t>(yc)].name, maxY);
  const double sx = m_xUnit.scale;
  const double sy = m_yUnit.scale;

  // The points: one series per category of the colour column (or one grey series), points
  // that break the sweep's constraints apart (they stand on no front).
  const std::string colourColumn = m_colourBy->currentData().toString().toStdString();
  const bool colour = !colourColumn.empty() && t.columnIndex(colourColumn) >= 0;
  const std::vector<std::string> categories = colour ? distinctValues(t, colourColumn) : std::vector<std::string>{};
  const std::vector<int> category = colour ? categoryOf(t, colourColumn) : std::vector<int>(t.rows, 0);
  const int feasibleColumn = t.columnIndex("feasible");
  const bool hasFeasible = feasibleColumn >= 0 && t.columns[static_cast<std::size_t>(feasibleColumn)].numeric;
  std::vector<QList<QPointF>> points(std::max<std::size_t>(categories.size(), 1));
  QList<QPointF> infeasible;
  QList<QPointF> frontPoints;
  double x0 = std::numeric_limits<double>::infinity();
  double x1 = -x0;
  double y0 = x0;
  double y1 = -x0;
  int shownCount = 0;
  std::map<int, std::vector<std::size_t>> frontOfGroup;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (!m_model->isShown(r) || std::isnan(xs[r]) || std::isnan(ys[r])) continue;
    const QPointF p(xs[r] * sx, ys[r] * sy);
    ++shownCount;
    if (hasFeasible && !(t.columns[static_cast<std::size_t>(feasibleColumn)].values[r] > 0.0)) {
      infeasible.append(p);
    } else {
      points[static_cast<std::size_t>(std::max(category[r], 0)) % points.size()].append(p);
    }
    if (front[r]) {
      frontPoints.append(p);
      frontOfGroup[groups.group[r]].push_back(r);
    }
    x0 = std::min(x0, p.x());
    x1 = std::max(x1, p.x());
    y0 = std::min(y0, p.y());
    y1 = std::max(y1, p.y());
  }
  if (shownCount == 0) {
    showEmptyChart(chart, QStringLiteral("No point passes the filters"));
    m_count->clear();
    m_grouping->setText(QStringLiteral("No point passes the filters."));
    return;
  }
  for (auto& [g, rows] : frontOfGroup) {
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
    m_frontLines.push_back(rows);
  }

  std::vector<QXYSeries*> series;
  std::vector<QXYSeries*> unlisted;  // in the chart, not in the legend
  const QString colourName = QString::fromStdString(colourColumn);
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].isEmpty()) continue;
    auto* s = new QScatterSeries;
    QColor c(0xA0, 0xA0, 0xA0);
    if (colour) {
      const std::string& value = categories[i];
      const auto variant = colourColumn == "variant" ? parse_variant(value) : std::nullopt;
      c = variant ? variantColor(*variant) : categoryColor(static_cast<int>(i));
      s->setName(value.empty()             ? colourName + QStringLiteral(" (none)")
                 : colourColumn == "batch" ? QStringLiteral("batch ") + QString::fromStdString(value)
                                           : QString::fromStdString(value));
    } else {
      s->setName(QStringLiteral("configurations"));
    }
    s->setColor(c);
    s->setBorderColor(c.darker(130));
    s->setMarkerSize(colour ? 8.0 : 7.0);
    s->replace(points[i]);
    series.push_back(s);
  }
  if (!infeasible.isEmpty()) {
    auto* s = new QScatterSeries;
    s->setName(QStringLiteral("breaks a constraint"));
    s->setColor(QColor(0xE4, 0xE4, 0xE4));
    s->setBorderColor(QColor(0xB8, 0xB8, 0xB8));
    s->setMarkerSize(6.0);
    s->replace(infeasible);
    series.insert(series.begin(), s);
  }
  // Each workload's front, a line through its points in x order (up to 300 workloads: beyond,
  // the markers alone), and the front points marked: orange when uncoloured, rings otherwise.
  const QColor lineColour = colour ? QColor(0x33, 0x33, 0x33) : predictedColor();
  constexpr std::size_t kMaxLines = 300;
  for (std::size_t i = 0; i < m_frontLines.size() && i < kMaxLines; ++i) {
    if (m_frontLines[i].size() < 2) continue;
    auto* line = new QLineSeries;
    QPen pen(lineColour);
    pen.setWidthF(1.3);
    line->setPen(pen);
    for (std::size_t r : m_frontLines[i]) line->append(xs[r] * sx, ys[r] * sy);
    series.push_back(line);
    unlisted.push_back(line);
  }
  auto* onFront = new QScatterSeries;
  onFront->setName(QStringLiteral("Pareto front of its workload"));
  if (colour) {
    onFront->setColor(Qt::transparent);
    onFront->setPen(QPen(QColor(0x22, 0x22, 0x22), 1.6));
    onFront->setMarkerSize(13.0);
  } else {
    onFront->setColor(predictedColor());
    onFront->setMarkerSize(11.0);
  }
  onFront->replace(frontPoints);
  series.push_back(onFront);
  m_selectedSeries = new QScatterSeries;
  m_selectedSeries->setName(QStringLiteral("selected"));
  m_selectedSeries->setColor(Qt::transparent);
  m_selectedSeries->setBorderColor(Qt::black);
  m_selectedSeries->setPen(QPen(Qt::black, 2.0));
  m_selectedSeries->setMarkerSize(18.0);
  if (m_selected >= 0 && static_cast<std::size_t>(m_selected) < t.rows &&
      m_model->isShown(static_cast<std::size_t>(m_selected))) {
    const auto r = static_cast<std::size_t>(m_selected);
    m_selectedSeries->append(xs[r] * sx, ys[r] * sy);
  }
  series.push_back(m_selectedSeries);
  unlisted.push_back(m_selectedSeries);

  // Log axes when asked and the range holds two powers of ten (sweeps span decades: batch 1 to
  // 64, contexts 1k to 16k; with fewer a log axis would have one labelled tick or none); linear
  // ones padded 5 %, never below zero for non-negative data. Labels "%g" in the axis's unit:
  // 0.5, 20, 1000, never 1e-05.
  auto makeAxis = [&](double lo, double hi, const QString& title) -> QAbstractAxis* {
    // A log axis labels powers of ten only: it needs two of them in range to read.
    const bool twoDecades = lo > 0.0 && std::floor(std::log10(hi * 1.3)) - std::ceil(std::log10(lo / 1.3)) >= 1.0;
    if (m_log->isChecked() && twoDecades) {
      auto* a = new QLogValueAxis;
      a->setBase(10.0);
      a->setRange(lo / 1.3, hi * 1.3);
      a->setLabelFormat(QStringLiteral("%g"));
      a->setMinorTickCount(-1);
      a->setTitleText(title);
      return a;
    }
    const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::abs(lo) * 0.1, 1e-12);
    auto* a = new QValueAxis;
    a->setRange(lo >= 0.0 ? std::max(0.0, lo - pad) : lo - pad, hi + pad);
    a->applyNiceNumbers();
    a->setLabelFormat(QStringLiteral("%g"));
    a->setTitleText(title);
    return a;
  };
  QAbstractAxis* ax = makeAxis(x0, x1, m_xUnit.title());
  QAbstractAxis* ay = makeAxis(y0, y1, m_yUnit.title());
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);
  for (QXYSeries* s : series) {
    chart->addSeries(s);
    s->attachAxis(ax);
    s->attachAxis(ay);
  }
  // The legend names the kinds of points; the front lines and the selection ring explain
  // themselves.
  for (QXYSeries* s : unlisted) {
    for (QLegendMarker* m : chart->legend()->markers(s)) m->setVisible(false);
  }
  for (QXYSeries* s : series) {
    if (auto* scatter = qobject_cast<QScatterSeries*>(s); scatter != nullptr && scatter != m_selectedSeries) {
      connect(scatter, &QScatterSeries::clicked, this,
              [this, sx, sy](const QPointF& p) { selectPoint(nearestPoint(QPointF(p.x() / sx, p.y() / sy))); });
    }
  }
  const int frontCount = static_cast<int>(frontPoints.size());
  chart->setTitle(QStringLiteral("%1 vs %2: %3 of %4 configurations shown, %5 on a workload's Pareto front")
                      .arg(m_yUnit.label, m_xUnit.label)
                      .arg(shownCount)
                      .arg(t.rows)
                      .arg(frontCount));
  m_count->setText(QStringLiteral("%1 on a front").arg(frontCount));
  // Which grouping the fronts use, in words.
  QStringList columns;
  for (const std::string& c : groups.columns) columns << QString::fromStdString(c);
  QString text = groups.columns.empty()
                     ? QStringLiteral(
                           "One Pareto front for all shown points (the sweep has no hardware, batch "
                           "or context column to group by)")
                     : QStringLiteral("One Pareto front per workload (same %1, as looplab sweep groups its fronts)")
                           .arg(columns.join(QStringLiteral(", ")));
  text += hasFeasible ? QStringLiteral(" among the shown points that meet the sweep's constraints: ")
                      : QStringLiteral(" among the shown points: ");
  text += QStringLiteral("%1 workloads with a front, %2 points on one.").arg(m_frontLines.size()).arg(frontCount);
  if (m_frontLines.size() > kMaxLines) text += QStringLiteral(" Lines drawn for the first %1.").arg(kMaxLines);
  m_grouping->setText(text);
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
  auto usable = [&](std::size_t r) { return m_model->isShown(r) && !std::isnan(xs[r]) && !std::isnan(ys[r]); };
  // Distances in units of each axis's range, so that a click means the same in x and in y.
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (!usable(r)) continue;
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
    if (!usable(r)) continue;
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
    // The plotted values as the axes read them: "decode step = 0.758 ms".
    const AxisUnit* unit = static_cast<int>(c) == xc ? &m_xUnit : static_cast<int>(c) == yc ? &m_yUnit : nullptr;
    if (unit != nullptr && (unit->scale != 1.0 || !unit->unit.isEmpty())) {
      parts << QStringLiteral("%1 = %2 %3")
                   .arg(unit->label, QString::number(t.columns[c].values[r] * unit->scale, 'g', 4), unit->unit);
      continue;
    }
    parts << QStringLiteral("%1 = %2").arg(QString::fromStdString(name), QString::fromStdString(value));
  }
  const SweepGroups& groups = m_model->groups();
  const QString workload = r < groups.group.size() && !groups.columns.empty()
                               ? QString::fromStdString(groups.names[static_cast<std::size_t>(groups.group[r])])
                               : QString();
  QString text = QStringLiteral("<b>Point %1%2</b>: %3")
                     .arg(row)
                     .arg(m_model->front()[r] ? QStringLiteral(" (on its workload's Pareto front)") : QString())
                     .arg(parts.join(QStringLiteral(", ")).toHtmlEscaped());
  if (!workload.isEmpty()) text += QStringLiteral("<br>Workload: ") + workload.toHtmlEscaped();
  // The file's own flag: looplab sweep's front over three objectives, not the chart's two.
  if (const int pc = t.columnIndex("pareto"); pc >= 0 && t.columns[static_cast<std::size_t>(pc)].numeric) {
    text +=
        t.columns[static_cast<std::size_t>(pc)].values[r] > 0.0
            ? QStringLiteral("<br>On looplab sweep's front of its workload (decode step, KV bytes, compute per token).")
            : QStringLiteral(
                  "<br>Not on looplab sweep's front of its workload (decode step, KV bytes, compute per token).");
  }
  // Per-op prediction: the row names a model, variant, shape and hardware.
  auto textOf = [&](const char* name) -> std::string {
    const int c = t.columnIndex(name);
    return c < 0 ? std::string() : t.cellText(r, static_cast<std::size_t>(c));
  };
  auto numberOf = [&](std::initializer_list<const char*> names, std::int64_t fallback) {
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
  m_pointKinds->setOps({});
  if (m_predictor == nullptr) {
    text += QStringLiteral("<br>Per-op prediction: this build has no simulator.");
  } else {
    try {
      const ModelConfig config = load_model(textOf("model"));
      WhatIfRequest req;
      req.configJson = config_to_json(config).dump();
      const auto variant = parse_variant(textOf("variant"));
      req.variant = variant ? *variant : config.variant;
      req.loops = numberOf({"loops"}, config.loops);
      req.window = numberOf({"window"}, config.window);
      req.batch = numberOf({"batch"}, 1);
      req.contextLen = numberOf({"context", "context_len"}, 1);
      req.hardware = textOf("hardware");
      const Prediction p = m_predictor->predict(req);
      m_pointOps->setOps(p.ops);
      m_pointKinds->setPrediction(p.ops, p.stepS);
      fitColumns(m_opsTable);
      fitColumns(m_kindsTable);
      // The largest kind, in words: where this design's step goes.
      const OpKindRow* top = nullptr;
      for (const OpKindRow& k : m_pointKinds->rows()) {
        if (k.type == RowType::kind && k.predictedS &&
            (top == nullptr || *k.predictedS > top->predictedS.value_or(0.0)))
          top = &k;
      }
      text += QStringLiteral("<br>Simulated decode step %1, KV %2, %3 ops in %4 kinds")
                  .arg(formatDuration(p.stepS), formatBytes(static_cast<double>(p.kvBytes)))
                  .arg(p.ops.size())
                  .arg(aggregateByKind(p.ops).size());
      if (top != nullptr && p.stepS > 0.0) {
        text += QStringLiteral("; most of it %1 (%2 %, %3-bound)")
                    .arg(top->name())
                    .arg(*top->predictedS / p.stepS * 100.0, 0, 'f', 1)
                    .arg(QString::fromLatin1(boundName(top->bound)));
      }
      text += QLatin1Char('.');
    } catch (const std::exception& e) {
      text += QStringLiteral("<br>Per-op prediction unavailable: ") + QString::fromUtf8(e.what()).toHtmlEscaped();
    }
  }
  m_details->setText(text);
  // The table follows the chart: its row becomes current and scrolls into view. The view's
  // model sits on a chain of proxies (sort, tint, filter) over the sweep model.
  std::vector<const QAbstractProxyModel*> chain;
  const auto* proxy = qobject_cast<const QAbstractProxyModel*>(m_table->model());
  while (proxy != nullptr) {
    chain.push_back(proxy);
    proxy = qobject_cast<const QAbstractProxyModel*>(proxy->sourceModel());
  }
  QModelIndex index = m_model->index(row, 0);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) index = (*it)->mapFromSource(index);
  if (index.isValid() && m_table->currentIndex().row() != index.row()) {
    m_filling = true;
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    m_filling = false;
  }
  if (m_selectedSeries != nullptr) {
    m_selectedSeries->clear();
    if (xc >= 0 && yc >= 0 && m_model->isShown(r)) {
      m_selectedSeries->append(t.columns[static_cast<std::size_t>(xc)].values[r] * m_xUnit.scale,
                               t.columns[static_cast<std::size_t>(yc)].values[r] * m_yUnit.scale);
    }
  }
}

}  // namespace looplab::gui
