// The roofline view: the selected run's ops on its hardware's roofline (datasheet and measured
// ceilings), measured and predicted side by side.
#pragma once
#include "gui/data/store_loader.hpp"
#include "gui/views/view_page.hpp"

class QLabel;

namespace looplab::gui {

class RooflineWidget;

class RooflineView : public ViewPage {
  Q_OBJECT

 public:
  explicit RooflineView(QWidget* parent = nullptr);
  QString title() const override { return QStringLiteral("Roofline"); }
  QWidget* exportTarget() override;

  void setRun(const RunDetailSnapshot& run);
  RooflineWidget* plot() const { return m_plot; }

 private:
  QLabel* m_header = nullptr;
  RooflineWidget* m_plot = nullptr;
};

}  // namespace looplab::gui
