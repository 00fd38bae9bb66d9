// The CUPTI record parser: one CUpti_Activity record in, our plain structs out (activity.hpp).
// Strings (kernel names, marker names) are copied at once, because CUPTI reuses its buffers.
// Needs only CUPTI's headers, so tests feed it hand-built records on machines without a GPU.
#pragma once
#include <cupti_activity.h>

#include <string>

#include "profiler/activity.hpp"

namespace looplab::profiler {

enum class ParseResult : unsigned char { parsed, skipped };

// Appends the record to `out` (kernels, memcpys, ..., markers). Kinds we do not read are
// counted in out.unknown_records and return skipped. Timestamps are copied as CUPTI gives them.
ParseResult parse_record(const CUpti_Activity* record, DeviceActivity& out);

// CUPTI's overhead kinds in words ("CUPTI buffer flush").
std::string overhead_name(std::uint32_t kind);

}  // namespace looplab::profiler
