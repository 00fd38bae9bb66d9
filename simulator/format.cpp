// SI formatting with four significant figures or so.
#include "simulator/format.hpp"

#include <cmath>
#include <cstdio>

namespace looplab {

namespace {

std::string scaled(double v, const char* unit, const char* const* prefixes, int count) {
  int i = 0;
  double a = std::abs(v);
  while (i + 1 < count && a >= 1000) {
    a /= 1000;
    v /= 1000;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, a >= 100 ? "%.1f %s%s" : (a >= 10 ? "%.2f %s%s" : "%.3f %s%s"), v, prefixes[i], unit);
  return buf;
}

}  // namespace

std::string format_bytes(double bytes) {
  static const char* const p[] = {"", "k", "M", "G", "T", "P"};
  return scaled(bytes, "B", p, 6);
}

std::string format_flops(double flops) {
  static const char* const p[] = {"", "k", "M", "G", "T", "P"};
  return scaled(flops, "FLOP", p, 6);
}

std::string format_time(double s) {
  char buf[64];
  const double a = std::abs(s);
  if (a >= 1)
    std::snprintf(buf, sizeof buf, "%.3f s", s);
  else if (a >= 1e-3)
    std::snprintf(buf, sizeof buf, "%.3f ms", s * 1e3);
  else if (a >= 1e-6)
    std::snprintf(buf, sizeof buf, "%.2f us", s * 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.1f ns", s * 1e9);
  return buf;
}

std::string format_percent(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", f * 100);
  return buf;
}

}  // namespace looplab
