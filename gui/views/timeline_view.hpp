// The timeline view: the selected run's representative decode step on parallel lanes (measured
// ops, kernels, the step's unattributed gaps, predicted ops) with zoom and pan.
#pragma once
#include "gui/data/store_loader.hpp"
#include "gui/views/view_page.hpp"

class QLabel;

namespace looplab::gui {

class TimelineWidget;

class TimelineView : public ViewPage {
  Q_OBJECT

 public:
  explicit TimelineView(QWidget* parent = nullptr);
  QString title() const override { return QStringLiteral("Timeline"); }
  QWidget* exportTarget() override;

  void setRun(RunDetailSnapshot run);
  TimelineWidget* timeline() const { return m_timeline; }
  QString headerText() const;

 private:
  QLabel* m_header = nullptr;
  TimelineWidget* m_timeline = nullptr;
};

}  // namespace looplab::gui
