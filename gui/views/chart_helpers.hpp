// Small helpers shared by the chart views: a chart view with the house look, and an empty-state
// message drawn over a chart that has no data yet.
#pragma once
#include <QString>

class QChart;
class QChartView;
class QWidget;

namespace looplab::gui {

// A QChartView with antialiasing, no animations (screenshots must be deterministic) and the
// legend at the bottom.
QChartView* makeChartView(QWidget* parent);
// Replaces the chart's series and axes with nothing and shows `message` as the title.
void showEmptyChart(QChart* chart, const QString& message);
// Removes every series and axis of the chart.
void clearChart(QChart* chart);

}  // namespace looplab::gui
