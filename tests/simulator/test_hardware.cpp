// Hardware specs: every shipped spec loads with a source on every number; bad specs name the key.
#include <gtest/gtest.h>

#include <functional>

#include "engine/core/error.hpp"
#include "simulator/hardware.hpp"

using namespace looplab;
using nlohmann::json;

namespace {

std::string field_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.field();
  }
  return "<no error>";
}

json minimal_gpu() {
  auto v = [](double x) { return json{{"datasheet", {{"value", x}, {"source", "test"}}}}; };
  return {{"kind", "gpu"},
          {"memory_bytes", v(1e9)},
          {"mem_bw_bytes_per_s", v(1e12)},
          {"peak_flops", {{"bf16", v(1e14)}, {"f32", v(1e13)}}},
          {"sm_count", v(10)},
          {"l2_bytes", v(1e6)},
          {"launch_overhead_s", {{"stream", v(2e-6)}, {"graph", v(1e-6)}}}};
}

}  // namespace

TEST(Hardware, ShippedSpecsLoadWithSources) {
  const std::vector<std::string> want = {"a100-80gb", "h100-sxm", "h200", "h800", "l40s", "rtx-4090"};
  for (const std::string& name : want) {
    SCOPED_TRACE(name);
    const HardwareSpec h = load_hardware(name);
    EXPECT_EQ(h.name, name);
    EXPECT_EQ(h.kind, HardwareKind::gpu);
    for (const SpecNumber* n : {&h.memory_bytes, &h.mem_bw_bytes_per_s, &h.peak_flops_bf16, &h.peak_flops_f32,
                                &h.sm_count, &h.l2_bytes, &h.launch_stream_s, &h.launch_graph_s}) {
      ASSERT_TRUE(n->present());
      EXPECT_FALSE(n->pick(Ceiling::datasheet).source.empty());
      EXPECT_FALSE(n->pick(Ceiling::measured).source.empty());
    }
    // Datasheet GPU bandwidths between 0.5 and 5 TB/s, bf16 peaks between 100 and 1000 TFLOP/s.
    EXPECT_GT(h.mem_bw_bytes_per_s.value(Ceiling::datasheet), 0.5e12);
    EXPECT_LT(h.mem_bw_bytes_per_s.value(Ceiling::datasheet), 5e12);
    EXPECT_GT(h.peak_flops_bf16.value(Ceiling::datasheet), 100e12);
    EXPECT_LT(h.peak_flops_bf16.value(Ceiling::datasheet), 1000e12);
  }
}

TEST(Hardware, H200HasMeasuredCeilingsBesideTheDatasheet) {
  const HardwareSpec h = load_hardware("h200");
  EXPECT_EQ(h.mem_bw_bytes_per_s.value(Ceiling::datasheet), 4.8e12);
  EXPECT_EQ(h.mem_bw_bytes_per_s.value(Ceiling::measured), 4.3e12);
  EXPECT_EQ(h.peak_flops_bf16.value(Ceiling::datasheet), 989e12);
  EXPECT_EQ(h.peak_flops_bf16.value(Ceiling::measured), 790e12);
  EXPECT_EQ(h.peak_flops_f32.value(Ceiling::measured), 67e12);    // falls back to the datasheet
  EXPECT_EQ(h.launch_graph_s.value(Ceiling::datasheet), 1.3e-6);  // falls back to the measurement
  EXPECT_EQ(h.sm_count.value(Ceiling::measured), 132);
}

TEST(Hardware, JsonRoundTrip) {
  // Every number of data/hardware/l40s.json survives to_json -> from_json, with its source; the
  // spec has datasheet values, achievable memory and bandwidth, and launch overheads measured
  // (on an H100).
  const HardwareSpec back = hardware_from_json(hardware_to_json(load_hardware("l40s")), "l40s", "round trip");
  EXPECT_EQ(back.name, "l40s");
  EXPECT_EQ(back.kind, HardwareKind::gpu);
  EXPECT_EQ(back.description, "NVIDIA L40S 48 GB (Ada Lovelace)");
  EXPECT_EQ(back.memory_bytes.value(Ceiling::datasheet), 51539607552);  // "48 GB" of memory chips: GiB
  EXPECT_EQ(back.mem_bw_bytes_per_s.value(Ceiling::achievable), 830e9);
  EXPECT_EQ(back.peak_flops_bf16.value(Ceiling::achievable), 362e12);  // no achievable value: the datasheet's
  EXPECT_EQ(back.mem_bw_bytes_per_s.value(Ceiling::datasheet), 864e9);
  EXPECT_EQ(back.peak_flops_bf16.value(Ceiling::datasheet), 362e12);
  EXPECT_EQ(back.peak_flops_f32.value(Ceiling::datasheet), 91.6e12);
  EXPECT_EQ(back.sm_count.value(Ceiling::datasheet), 142);
  EXPECT_EQ(back.l2_bytes.value(Ceiling::datasheet), 100663296);  // 96 MiB
  EXPECT_FALSE(back.l2_bytes.measured.has_value());
  EXPECT_FALSE(back.launch_stream_s.datasheet.has_value());
  EXPECT_EQ(back.launch_stream_s.value(Ceiling::measured), 2.1e-6);
  EXPECT_EQ(back.launch_graph_s.value(Ceiling::measured), 1.3e-6);
  EXPECT_EQ(back.mem_bw_bytes_per_s.pick(Ceiling::datasheet).source, "NVIDIA L40S datasheet: 864 GB/s");
  EXPECT_EQ(back.launch_graph_s.pick(Ceiling::measured).source.rfind("Hazy Research 'No Bubbles' blog (2025)", 0), 0u);
}

TEST(Hardware, BadSpecsNameTheKey) {
  EXPECT_EQ(field_of([] { load_hardware("h300"); }), "hardware");
  EXPECT_EQ(field_of([] { load_hardware("host-that-does-not-exist.json"); }), "hardware");
  EXPECT_NO_THROW(hardware_from_json(minimal_gpu(), "x", "test"));
  json j = minimal_gpu();
  j["mem_bw_bytes_per_s"]["datasheet"].erase("source");
  EXPECT_EQ(field_of([&] { hardware_from_json(j, "x", "test"); }), "mem_bw_bytes_per_s.datasheet.source");
  j = minimal_gpu();
  j["mem_bw_bytes_per_s"]["datasheet"]["source"] = "";
  EXPECT_EQ(field_of([&] { hardware_from_json(j, "x", "test"); }), "mem_bw_bytes_per_s.datasheet.source");
  j = minimal_gpu();
  j["l2_byte"] = j["l2_bytes"];
  EXPECT_EQ(field_of([&] { hardware_from_json(j, "x", "test"); }), "l2_byte");
  j = minimal_gpu();
  j["peak_flops"].erase("bf16");  // a GPU needs its tensor-core peak
  EXPECT_EQ(field_of([&] { hardware_from_json(j, "x", "test"); }), "peak_flops.bf16");
  j["kind"] = "host";  // the host computes in fp32 only
  EXPECT_NO_THROW(hardware_from_json(j, "x", "test"));
  j = minimal_gpu();
  j["sm_count"]["datasheet"]["value"] = 0;
  EXPECT_EQ(field_of([&] { hardware_from_json(j, "x", "test"); }), "sm_count.datasheet.value");
  j = minimal_gpu();
  j["launch_overhead_s"]["graph"] = json::object();
  EXPECT_EQ(field_of([&] { hardware_from_json(j, "x", "test"); }), "launch_overhead_s.graph");
}
