// WhatIfPanel (see what_if_panel.hpp).
#include "gui/views/what_if_panel.hpp"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include "gui/models/format.hpp"
#include "gui/models/op_kind_model.hpp"
#include "gui/models/verdict.hpp"
#include "gui/views/table_setup.hpp"

namespace looplab::gui {

namespace {
QSpinBox* spin(QWidget* parent, int lo, int hi) {
  auto* box = new QSpinBox(parent);
  box->setRange(lo, hi);
  box->setKeyboardTracking(true);  // predict on every keystroke: the simulator takes microseconds
  return box;
}

QString relative(double value, const std::optional<double>& base) {
  if (!base || !(*base > 0.0)) return QStringLiteral("\u2014");
  return QString::number(value / *base, 'f', 2) + QStringLiteral("\u00d7");
}
}  // namespace

WhatIfPanel::WhatIfPanel(QWidget* parent) : ViewPage(parent) {
  m_variant = new QComboBox(this);
  for (Variant v : kAllVariants) {
    m_variant->addItem(QString::fromLatin1(to_string(v).data(), static_cast<qsizetype>(to_string(v).size())),
                       static_cast<int>(v));
  }
  m_loops = spin(this, 1, 16);
  m_window = spin(this, 1, 1 << 20);
  m_batch = spin(this, 1, 4096);
  m_context = spin(this, 1, 1 << 24);
  m_hardware = new QComboBox(this);
  auto* reset = new QPushButton(QStringLiteral("Back to the run"), this);

  auto* form = new QFormLayout;
  form->addRow(QStringLiteral("Variant"), m_variant);
  form->addRow(QStringLiteral("Loops L"), m_loops);
  form->addRow(QStringLiteral("Window w"), m_window);
  form->addRow(QStringLiteral("Batch"), m_batch);
  form->addRow(QStringLiteral("Context"), m_context);
  form->addRow(QStringLiteral("Hardware"), m_hardware);
  form->addRow(QString(), reset);

  m_result = new QLabel(this);
  m_result->setTextFormat(Qt::RichText);
  m_result->setWordWrap(true);
  m_result->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* top = new QHBoxLayout;
  top->addLayout(form);
  top->addWidget(m_result, 1);

  m_kinds = new OpKindModel(this);
  m_table = makeTable(m_kinds, this);
  // A prediction has nothing measured: only the predicted columns.
  for (int c : {OpKindModel::MeasuredColumn, OpKindModel::IntervalColumn, OpKindModel::MeanColumn,
                OpKindModel::ShareColumn, OpKindModel::ErrorColumn}) {
    m_table->setColumnHidden(c, true);
  }
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(new QLabel(QStringLiteral("Predicted decode step per op kind (tinted by bound):"), this));
  layout->addWidget(m_table, 1);

  for (QSpinBox* box : {m_loops, m_window, m_batch, m_context}) {
    connect(box, &QSpinBox::valueChanged, this, [this] {
      if (!m_filling) repredict();
    });
  }
  for (QComboBox* box : {m_variant, m_hardware}) {
    connect(box, &QComboBox::currentIndexChanged, this, [this] {
      if (!m_filling) repredict();
    });
  }
  connect(reset, &QPushButton::clicked, this, &WhatIfPanel::resetToRun);
  setPredictor(nullptr);
}

void WhatIfPanel::setPredictor(const Predictor* predictor) {
  m_predictor = predictor;
  m_filling = true;
  m_hardware->clear();
  if (m_predictor != nullptr) {
    for (const std::string& name : m_predictor->hardwareNames()) m_hardware->addItem(QString::fromStdString(name));
  }
  m_filling = false;
  resetToRun();
}

void WhatIfPanel::setRun(RunDetailSnapshot run) {
  m_run = std::move(run);
  resetToRun();
}

void WhatIfPanel::resetToRun() {
  if (m_run) {
    const RunSummary& s = m_run->summary;
    m_filling = true;
    m_variant->setCurrentIndex(m_variant->findData(static_cast<int>(s.variant)));
    m_loops->setValue(static_cast<int>(s.loops));
    m_window->setValue(static_cast<int>(std::max<std::int64_t>(1, s.window)));
    m_batch->setValue(static_cast<int>(s.batch));
    m_context->setValue(static_cast<int>(s.contextLen));
    const int hw = m_hardware->findText(QString::fromStdString(s.hardware));
    if (hw >= 0) {
      m_hardware->setCurrentIndex(hw);
    } else if (!s.hardware.empty()) {
      m_hardware->addItem(QString::fromStdString(s.hardware));  // the run's spec, even if not in data/
      m_hardware->setCurrentIndex(m_hardware->count() - 1);
    }
    m_filling = false;
  }
  repredict();
}

WhatIfRequest WhatIfPanel::request() const {
  WhatIfRequest r;
  if (m_run) r.configJson = m_run->configJson;
  r.variant = static_cast<Variant>(m_variant->currentData().toInt());
  r.loops = m_loops->value();
  r.window = m_window->value();
  r.batch = m_batch->value();
  r.contextLen = m_context->value();
  r.hardware = m_hardware->currentText().toStdString();
  if (m_run && r.hardware == m_run->summary.hardware) r.hardwareJson = m_run->hardwareJson;
  return r;
}

QString WhatIfPanel::resultText() const { return m_result->text(); }

void WhatIfPanel::repredict() {
  m_prediction.reset();
  if (m_predictor == nullptr) {
    m_result->setText(
        QStringLiteral("<b>No simulator in this build</b>: what-if predictions need looplab::simulator."));
    m_kinds->setOps({});
    return;
  }
  if (!m_run) {
    m_result->setText(QStringLiteral("Select a run: the what-if starts from its model and shape."));
    m_kinds->setOps({});
    return;
  }
  QElapsedTimer timer;
  timer.start();
  try {
    m_prediction = m_predictor->predict(request());
  } catch (const std::exception& e) {
    m_result->setText(QStringLiteral("<b>No prediction</b>: %1").arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
    m_kinds->setOps({});
    emit predicted();
    return;
  }
  const qint64 elapsedUs = timer.nsecsElapsed() / 1000;
  const Prediction& p = *m_prediction;
  const RunSummary& s = m_run->summary;
  QString text =
      QStringLiteral(
          "<b>Decode step %1</b> (%2 tokens/s for the batch)<br>"
          "&nbsp;&nbsp;vs the run's prediction %3 (%4), vs its measurement %5 (%6)<br>"
          "KV cache %7 &middot; weights %8 &middot; %9<br>"
          "<span style='color:#666'>simulated in %10 &micro;s</span>")
          .arg(formatDuration(p.stepS), QString::number(p.tokensPerS, 'f', 0), formatOptionalDuration(s.predictedStepS),
               relative(p.stepS, s.predictedStepS), formatOptionalDuration(s.measuredStepS),
               // A ratio to a measurement: marked unless the run is quiet.
               s.measuredStepS ? markedByVerdict(relative(p.stepS, s.measuredStepS), s.verdict)
                               : relative(p.stepS, s.measuredStepS),
               formatBytes(static_cast<double>(p.kvBytes)), formatBytes(static_cast<double>(p.weightBytes)),
               p.fitsInMemory ? QStringLiteral("fits in device memory")
                              : QStringLiteral("<b style='color:#D55E00'>out of device memory</b>"))
          .arg(elapsedUs);
  m_result->setText(text);
  m_kinds->setOps(p.ops);
  fitColumns(m_table);
  emit predicted();
}

}  // namespace looplab::gui
