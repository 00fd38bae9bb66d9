// Formatting helpers (see format.hpp). Three significant digits: enough to compare runs by eye.
#include "gui/models/format.hpp"

#include <cmath>

namespace looplab::gui {

namespace {
const QString kMissing = QStringLiteral("\u2014");

QString threeDigits(double v) {
  const double a = std::abs(v);
  const int decimals = a >= 100.0 ? 0 : a >= 10.0 ? 1 : 2;
  return QString::number(v, 'f', decimals);
}

QString scaled(double value, const char* const* prefixes, int count, double base, const QString& unit) {
  int i = 0;
  double v = value;
  while (i + 1 < count && std::abs(v) >= base) {
    v /= base;
    ++i;
  }
  return threeDigits(v) + QLatin1Char(' ') + QString::fromUtf8(prefixes[i]) + unit;
}
}  // namespace

QString formatDuration(double seconds) {
  if (!std::isfinite(seconds)) return kMissing;
  const double a = std::abs(seconds);
  if (a == 0.0) return QStringLiteral("0 s");
  if (a < 1e-6) return threeDigits(seconds * 1e9) + QStringLiteral(" ns");
  if (a < 1e-3) return threeDigits(seconds * 1e6) + QStringLiteral(" \u00b5s");
  if (a < 1.0) return threeDigits(seconds * 1e3) + QStringLiteral(" ms");
  return threeDigits(seconds) + QStringLiteral(" s");
}

QString formatBytes(double bytes) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P"};
  if (!std::isfinite(bytes)) return kMissing;
  if (std::abs(bytes) < 1000.0) return QString::number(bytes, 'f', 0) + QStringLiteral(" B");
  return scaled(bytes, kPrefixes, 6, 1000.0, QStringLiteral("B"));
}

QString formatRate(double perSecond, const char* unit) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  if (!std::isfinite(perSecond)) return kMissing;
  return scaled(perSecond, kPrefixes, 7, 1000.0, QString::fromUtf8(unit));
}

QString formatCount(double value) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P"};
  if (!std::isfinite(value)) return kMissing;
  if (std::abs(value) < 1000.0) return QString::number(value, 'f', 0);
  return scaled(value, kPrefixes, 6, 1000.0, QString());
}

QString formatPercent(double pct) {
  if (!std::isfinite(pct)) return kMissing;
  return (pct >= 0.0 ? QStringLiteral("+") : QString()) + QString::number(pct, 'f', 1) + QStringLiteral(" %");
}

QString formatHalfWidth(double pct) {
  if (!std::isfinite(pct)) return kMissing;
  return QStringLiteral("\u00b1") + QString::number(pct, 'f', 1) + QStringLiteral(" %");
}

QString formatInterval(double loS, double hiS) {
  return QLatin1Char('[') + formatDuration(loS) + QStringLiteral(", ") + formatDuration(hiS) + QLatin1Char(']');
}

TimeUnit timeUnitFor(double maxSeconds) {
  const double a = std::abs(maxSeconds);
  if (!std::isfinite(a) || a >= 1.0) return {1.0, QStringLiteral("s")};
  if (a >= 1e-3) return {1e3, QStringLiteral("ms")};
  if (a >= 1e-6) return {1e6, QStringLiteral("\u00b5s")};
  return {1e9, QStringLiteral("ns")};
}

QString formatOptionalDuration(const std::optional<double>& seconds) {
  return seconds ? formatDuration(*seconds) : kMissing;
}

QString formatOptionalPercent(const std::optional<double>& pct) { return pct ? formatPercent(*pct) : kMissing; }

}  // namespace looplab::gui
