// The what-if panel: change loops, window, batch, context, variant or hardware of the selected
// run and see the simulator's new prediction at once, next to the run's own prediction and
// measurement.
#pragma once
#include "gui/data/predictor.hpp"
#include "gui/data/store_loader.hpp"
#include "gui/views/view_page.hpp"

class QComboBox;
class QLabel;
class QSpinBox;
class QTableView;

namespace looplab::gui {

class OpKindModel;

class WhatIfPanel : public ViewPage {
  Q_OBJECT

 public:
  explicit WhatIfPanel(QWidget* parent = nullptr);
  QString title() const override { return QStringLiteral("What-if"); }

  // Null means no simulator: the panel says so and predicts nothing.
  void setPredictor(const Predictor* predictor);
  void setRun(RunDetailSnapshot run);
  // The request the controls describe now.
  WhatIfRequest request() const;
  // The last prediction, when the last request succeeded.
  const std::optional<Prediction>& prediction() const { return m_prediction; }
  QString resultText() const;

  QSpinBox* loopsBox() const { return m_loops; }
  QSpinBox* windowBox() const { return m_window; }
  QSpinBox* batchBox() const { return m_batch; }
  QSpinBox* contextBox() const { return m_context; }
  QComboBox* hardwareBox() const { return m_hardware; }
  QComboBox* variantBox() const { return m_variant; }
  OpKindModel* kindModel() const { return m_kinds; }

 signals:
  void predicted();

 private:
  void repredict();
  void resetToRun();

  const Predictor* m_predictor = nullptr;
  RunDetailSnapshot m_run;
  std::optional<Prediction> m_prediction;
  QComboBox* m_variant = nullptr;
  QSpinBox* m_loops = nullptr;
  QSpinBox* m_window = nullptr;
  QSpinBox* m_batch = nullptr;
  QSpinBox* m_context = nullptr;
  QComboBox* m_hardware = nullptr;
  QLabel* m_result = nullptr;
  OpKindModel* m_kinds = nullptr;
  QTableView* m_table = nullptr;
  bool m_filling = false;
};

}  // namespace looplab::gui
