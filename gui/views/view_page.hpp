// A page of the main window: it has a title, and a part that Export renders (its chart, or the
// whole page when the page is a chart with tables).
#pragma once
#include <QWidget>

namespace looplab::gui {

class ViewPage : public QWidget {
  Q_OBJECT

 public:
  using QWidget::QWidget;
  virtual QString title() const = 0;
  virtual QWidget* exportTarget() { return this; }
};

}  // namespace looplab::gui
