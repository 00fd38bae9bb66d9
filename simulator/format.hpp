// Human-readable quantities for the text output of predict, sweep and calibrate.
#pragma once
#include <string>

namespace looplab {

std::string format_bytes(double bytes);       // "545.3 MB" (SI)
std::string format_time(double seconds);      // "776.3 us", "12.41 ms", "1.203 s"
std::string format_flops(double flops);       // "19.33 GFLOP"
std::string format_percent(double fraction);  // "3.2%"

}  // namespace looplab
