// Flags the gpu test main takes beyond GoogleTest's own: --perf turns the op harness into a
// timing run (median device time and bandwidth per case).
#pragma once

namespace looplab::gpu::test {

bool perf_mode();

}  // namespace looplab::gpu::test
