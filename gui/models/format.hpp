// Number formatting shared by the models: durations, bytes and rates in SI decimal units.
#pragma once
#include <QString>
#include <cstdint>
#include <optional>

namespace looplab::gui {

QString formatDuration(double seconds);                                // "812 ns", "12.3 µs", "4.56 ms", "1.23 s"
QString formatBytes(double bytes);                                     // "512 B", "1.50 MB", "2.05 GB"
QString formatRate(double perSecond, const char* unit);                // "1.23 TFLOP/s" for unit "FLOP/s"
QString formatCount(double value);                                     // "1.2 G", "340 M" for FLOPs
QString formatPercent(double pct);                                     // "+12.3 %", "-4.0 %"
QString formatHalfWidth(double pct);                                   // "±2.2 %": half a 95% interval
QString formatInterval(double loS, double hiS);                        // "[5.10 ms, 5.33 ms]"
QString formatOptionalDuration(const std::optional<double>& seconds);  // "—" when absent
QString formatOptionalPercent(const std::optional<double>& pct);

// A unit for a chart axis holding times up to maxSeconds: value_in_unit = seconds * scale.
struct TimeUnit {
  double scale = 1.0;
  QString name;  // "ns", "µs", "ms", "s"
};
TimeUnit timeUnitFor(double maxSeconds);

}  // namespace looplab::gui
