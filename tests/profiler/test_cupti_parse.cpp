// The CUPTI record parser fed hand-built CUDA 13 activity records, every field checked. Needs
// CUPTI's headers only: runs on machines without a GPU.
#include <gtest/gtest.h>

#include <cstring>

#include "profiler/attribution.hpp"
#include "profiler/cupti/cupti_parse.hpp"
#include "profiler/kernel_names.hpp"

using namespace looplab;
using namespace looplab::profiler;

namespace {

template <class T>
T zeroed() {
  T r;
  std::memset(&r, 0, sizeof r);
  return r;
}
const CUpti_Activity* as_record(const void* p) { return static_cast<const CUpti_Activity*>(p); }

}  // namespace

TEST(CuptiParse, Kernel) {
  auto r = zeroed<CUpti_ActivityKernel10>();
  r.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
  r.cacheConfig.config.requested = 1;
  r.cacheConfig.config.executed = 2;
  r.registersPerThread = 72;
  r.start = 1'000'000'123;
  r.end = 1'000'004'567;
  r.deviceId = 3;
  r.contextId = 4;
  r.streamId = 13;
  r.gridX = 132;
  r.gridY = 2;
  r.gridZ = 1;
  r.blockX = 256;
  r.blockY = 1;
  r.blockZ = 1;
  r.staticSharedMemory = 4096;
  r.dynamicSharedMemory = 49152;
  r.localMemoryPerThread = 16;
  r.localMemoryTotal = 1024;
  r.localMemoryTotal_v2 = 123456789012ull;
  r.correlationId = 777;
  r.gridId = 31337;
  r.name = "_ZN7looplab3gpu11rmsnorm_f32EPKfPfi";
  r.launchType = 1;
  r.sharedMemoryExecuted = 65536;
  r.graphNodeId = 555;
  r.graphId = 6;
  DeviceActivity a;
  ASSERT_EQ(parse_record(as_record(&r), a), ParseResult::parsed);
  ASSERT_EQ(a.kernels.size(), 1u);
  const KernelActivity& k = a.kernels[0];
  EXPECT_EQ(k.start_ns, 1'000'000'123);
  EXPECT_EQ(k.end_ns, 1'000'004'567);
  EXPECT_EQ(k.device_id, 3u);
  EXPECT_EQ(k.context_id, 4u);
  EXPECT_EQ(k.stream_id, 13u);
  EXPECT_EQ(k.correlation_id, 777u);
  EXPECT_EQ(k.mangled_name, "_ZN7looplab3gpu11rmsnorm_f32EPKfPfi");
  EXPECT_EQ(k.name, "looplab::gpu::rmsnorm_f32(float const*, float*, int)");
  EXPECT_EQ(short_kernel_name(k.name), "rmsnorm_f32");
  EXPECT_EQ(k.grid_x, 132);
  EXPECT_EQ(k.grid_y, 2);
  EXPECT_EQ(k.grid_z, 1);
  EXPECT_EQ(k.block_x, 256);
  EXPECT_EQ(k.block_y, 1);
  EXPECT_EQ(k.block_z, 1);
  EXPECT_EQ(k.registers_per_thread, 72);
  EXPECT_EQ(k.static_shared_memory, 4096);
  EXPECT_EQ(k.dynamic_shared_memory, 49152);
  EXPECT_EQ(k.local_memory_per_thread, 16u);
  EXPECT_EQ(k.local_memory_total, 123456789012ull);  // the 64-bit field wins over the 32-bit one
  EXPECT_EQ(k.grid_id, 31337);
  EXPECT_EQ(k.launch_type, 1);
  EXPECT_EQ(k.cache_config, 1 | (2 << 4));
  EXPECT_EQ(k.shared_memory_executed, 65536u);
  EXPECT_EQ(k.graph_node_id, 555u);
  EXPECT_EQ(k.graph_id, 6u);
  EXPECT_FALSE(k.op);

  // The plain KERNEL kind uses the same record; a 32-bit-only local memory total is kept.
  r.kind = CUPTI_ACTIVITY_KIND_KERNEL;
  r.localMemoryTotal_v2 = 0;
  r.name = "not_mangled";
  ASSERT_EQ(parse_record(as_record(&r), a), ParseResult::parsed);
  EXPECT_EQ(a.kernels[1].local_memory_total, 1024u);
  EXPECT_EQ(a.kernels[1].name, "not_mangled");
}

TEST(CuptiParse, MemcpyMemsetSync) {
  auto c = zeroed<CUpti_ActivityMemcpy6>();
  c.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
  c.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_HTOD;
  c.srcKind = CUPTI_ACTIVITY_MEMORY_KIND_PINNED;
  c.dstKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
  c.bytes = 1ull << 33;
  c.start = 10;
  c.end = 20;
  c.deviceId = 1;
  c.contextId = 2;
  c.streamId = 3;
  c.correlationId = 4;
  auto s = zeroed<CUpti_ActivityMemset4>();
  s.kind = CUPTI_ACTIVITY_KIND_MEMSET;
  s.value = 0xab;
  s.bytes = 4096;
  s.start = 30;
  s.end = 35;
  s.deviceId = 5;
  s.contextId = 6;
  s.streamId = 7;
  s.correlationId = 8;
  s.memoryKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
  auto y = zeroed<CUpti_ActivitySynchronization2>();
  y.kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
  y.type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE;
  y.start = 40;
  y.end = 90;
  y.correlationId = 9;
  y.contextId = 10;
  y.streamId = 11;
  y.cudaEventId = 12;
  DeviceActivity a;
  EXPECT_EQ(parse_record(as_record(&c), a), ParseResult::parsed);
  EXPECT_EQ(parse_record(as_record(&s), a), ParseResult::parsed);
  EXPECT_EQ(parse_record(as_record(&y), a), ParseResult::parsed);
  ASSERT_EQ(a.memcpys.size(), 1u);
  const MemcpyActivity& m = a.memcpys[0];
  EXPECT_EQ(m.copy_kind, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD);
  EXPECT_EQ(m.src_kind, CUPTI_ACTIVITY_MEMORY_KIND_PINNED);
  EXPECT_EQ(m.dst_kind, CUPTI_ACTIVITY_MEMORY_KIND_DEVICE);
  EXPECT_EQ(m.bytes, 1ull << 33);
  EXPECT_EQ(m.start_ns, 10);
  EXPECT_EQ(m.end_ns, 20);
  EXPECT_EQ(m.device_id, 1u);
  EXPECT_EQ(m.context_id, 2u);
  EXPECT_EQ(m.stream_id, 3u);
  EXPECT_EQ(m.correlation_id, 4u);
  ASSERT_EQ(a.memsets.size(), 1u);
  const MemsetActivity& ms = a.memsets[0];
  EXPECT_EQ(ms.value, 0xabu);
  EXPECT_EQ(ms.bytes, 4096u);
  EXPECT_EQ(ms.start_ns, 30);
  EXPECT_EQ(ms.end_ns, 35);
  EXPECT_EQ(ms.device_id, 5u);
  EXPECT_EQ(ms.context_id, 6u);
  EXPECT_EQ(ms.stream_id, 7u);
  EXPECT_EQ(ms.correlation_id, 8u);
  EXPECT_EQ(ms.memory_kind, CUPTI_ACTIVITY_MEMORY_KIND_DEVICE);
  ASSERT_EQ(a.syncs.size(), 1u);
  const SyncActivity& sy = a.syncs[0];
  EXPECT_EQ(sy.type, static_cast<std::uint32_t>(CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE));
  EXPECT_EQ(sy.start_ns, 40);
  EXPECT_EQ(sy.end_ns, 90);
  EXPECT_EQ(sy.correlation_id, 9u);
  EXPECT_EQ(sy.context_id, 10u);
  EXPECT_EQ(sy.stream_id, 11u);
  EXPECT_EQ(sy.cuda_event_id, 12u);
}

TEST(CuptiParse, ApiCallsAndExternalCorrelation) {
  auto r = zeroed<CUpti_ActivityAPI>();
  r.kind = CUPTI_ACTIVITY_KIND_RUNTIME;
  r.cbid = 211;
  r.start = 100;
  r.end = 104;
  r.processId = 4321;
  r.threadId = 4322;
  r.correlationId = 55;
  r.returnValue = 0;
  auto d = r;
  d.kind = CUPTI_ACTIVITY_KIND_DRIVER;
  d.returnValue = 1;
  auto e = zeroed<CUpti_ActivityExternalCorrelation>();
  e.kind = CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION;
  e.externalKind = CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;
  e.externalId = encode_external_id(9, 41);
  e.correlationId = 55;
  DeviceActivity a;
  EXPECT_EQ(parse_record(as_record(&r), a), ParseResult::parsed);
  EXPECT_EQ(parse_record(as_record(&d), a), ParseResult::parsed);
  EXPECT_EQ(parse_record(as_record(&e), a), ParseResult::parsed);
  ASSERT_EQ(a.api_calls.size(), 2u);
  EXPECT_EQ(a.api_calls[0].domain, ApiDomain::runtime);
  EXPECT_EQ(a.api_calls[0].cbid, 211u);
  EXPECT_EQ(a.api_calls[0].start_ns, 100);
  EXPECT_EQ(a.api_calls[0].end_ns, 104);
  EXPECT_EQ(a.api_calls[0].process_id, 4321u);
  EXPECT_EQ(a.api_calls[0].thread_id, 4322u);
  EXPECT_EQ(a.api_calls[0].correlation_id, 55u);
  EXPECT_EQ(a.api_calls[0].return_value, 0u);
  EXPECT_EQ(a.api_calls[1].domain, ApiDomain::driver);
  EXPECT_EQ(a.api_calls[1].return_value, 1u);
  ASSERT_EQ(a.correlations.size(), 1u);
  EXPECT_EQ(a.correlations[0].external_kind, kLooplabCorrelationKind);
  EXPECT_EQ(a.correlations[0].external_id, encode_external_id(9, 41));
  EXPECT_EQ(a.correlations[0].correlation_id, 55u);

  // The attribution joins a kernel of call 55 to step 9, op 41.
  auto k = zeroed<CUpti_ActivityKernel10>();
  k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
  k.correlationId = 55;
  k.name = "k";
  parse_record(as_record(&k), a);
  attribute(a);
  ASSERT_TRUE(a.kernels[0].op);
  EXPECT_EQ(a.kernels[0].op->step, 9);
  EXPECT_EQ(a.kernels[0].op->op_index, 41u);
}

TEST(CuptiParse, MarkersOverheadAndUnknownKinds) {
  auto start = zeroed<CUpti_ActivityMarker2>();
  start.kind = CUPTI_ACTIVITY_KIND_MARKER;
  start.flags = CUPTI_ACTIVITY_FLAG_MARKER_START;
  start.timestamp = 1000;
  start.id = 17;
  start.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  start.objectId.pt.processId = 11;
  start.objectId.pt.threadId = 12;
  start.name = "layer3.loop2.attn_global";
  start.domain = "looplab";
  auto end = zeroed<CUpti_ActivityMarker2>();
  end.kind = CUPTI_ACTIVITY_KIND_MARKER;
  end.flags = CUPTI_ACTIVITY_FLAG_MARKER_END;
  end.timestamp = 2500;
  end.id = 17;
  auto o = zeroed<CUpti_ActivityOverhead3>();
  o.kind = CUPTI_ACTIVITY_KIND_OVERHEAD;
  o.overheadKind = CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH;
  o.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  o.objectId.pt.processId = 11;
  o.objectId.pt.threadId = 13;
  o.start = 3000;
  o.end = 3300;
  auto other = zeroed<CUpti_ActivityAPI>();
  other.kind = CUPTI_ACTIVITY_KIND_CONTEXT;
  DeviceActivity a;
  EXPECT_EQ(parse_record(as_record(&start), a), ParseResult::parsed);
  EXPECT_EQ(parse_record(as_record(&end), a), ParseResult::parsed);
  EXPECT_EQ(parse_record(as_record(&o), a), ParseResult::parsed);
  EXPECT_EQ(parse_record(as_record(&other), a), ParseResult::skipped);
  EXPECT_EQ(a.unknown_records, 1u);
  ASSERT_EQ(a.markers.size(), 2u);
  EXPECT_EQ(a.markers[0].phase, MarkerPhase::start);
  EXPECT_EQ(a.markers[0].timestamp_ns, 1000);
  EXPECT_EQ(a.markers[0].id, 17u);
  EXPECT_EQ(a.markers[0].process_id, 11u);
  EXPECT_EQ(a.markers[0].thread_id, 12u);
  EXPECT_EQ(a.markers[0].name, "layer3.loop2.attn_global");
  EXPECT_EQ(a.markers[0].domain, "looplab");
  EXPECT_EQ(a.markers[1].phase, MarkerPhase::end);
  EXPECT_EQ(a.markers[1].name, "");
  auto ranges = pair_markers(a.markers);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].end_ns - ranges[0].start_ns, 1500);
  ASSERT_EQ(a.overheads.size(), 1u);
  EXPECT_EQ(a.overheads[0].kind, static_cast<std::uint32_t>(CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH));
  EXPECT_EQ(a.overheads[0].name, "CUPTI buffer flush");
  EXPECT_EQ(a.overheads[0].start_ns, 3000);
  EXPECT_EQ(a.overheads[0].end_ns, 3300);
  EXPECT_EQ(a.overheads[0].process_id, 11u);
  EXPECT_EQ(a.overheads[0].thread_id, 13u);
}
