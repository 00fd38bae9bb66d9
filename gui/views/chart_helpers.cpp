// Chart helpers (see chart_helpers.hpp).
#include "gui/views/chart_helpers.hpp"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QLegend>

namespace looplab::gui {

QChartView* makeChartView(QWidget* parent) {
  auto* chart = new QChart;
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setMargins(QMargins(4, 4, 4, 4));
  auto* view = new QChartView(chart, parent);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(260, 200);
  return view;
}

void clearChart(QChart* chart) {
  chart->removeAllSeries();
  for (QAbstractAxis* axis : chart->axes()) {
    chart->removeAxis(axis);
    delete axis;
  }
}

void showEmptyChart(QChart* chart, const QString& message) {
  clearChart(chart);
  chart->setTitle(message);
}

}  // namespace looplab::gui
