// Hardware specs: memory, bandwidth, peak FLOP/s per dtype, SMs, L2 and launch overhead of one
// device, loaded from data/hardware/*.json where every number carries its source.
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/variant.hpp"

namespace looplab {

enum class HardwareKind : std::uint8_t {
  gpu,   // runs the CUDA backend in config.dtype
  host,  // runs the CPU backend: fp32 always, per-op overhead instead of kernel launches
};
std::string_view to_string(HardwareKind k);

// Which of a number's values a prediction uses:
//   achievable  what real kernels reach (sustained copy bandwidth, large-GEMM throughput) as
//               published by microbenchmarks or measured here; falls back to measured, then datasheet
//   measured    a value measured on the device itself; falls back to the datasheet
//   datasheet   the vendor's peak; falls back to the measured value
enum class Ceiling : std::uint8_t { measured, datasheet, achievable };
std::string_view to_string(Ceiling c);
std::optional<Ceiling> parse_ceiling(std::string_view s);

// How the engine issues kernels: one launch per op on a stream, or replayed from a CUDA graph.
enum class LaunchMode : std::uint8_t { graph, stream };
std::string_view to_string(LaunchMode m);
std::optional<LaunchMode> parse_launch_mode(std::string_view s);

struct SourcedValue {
  double value = 0;
  std::string source;  // datasheet, paper, blog or measurement it comes from
};

// One quantity with a datasheet value, a measured one, an achievable one, or several.
struct SpecNumber {
  std::optional<SourcedValue> datasheet;
  std::optional<SourcedValue> measured;
  std::optional<SourcedValue> achievable;
  const SourcedValue& pick(Ceiling c) const;  // the chosen value, falling back to the other
  double value(Ceiling c) const { return pick(c).value; }
  bool present() const { return datasheet.has_value() || measured.has_value() || achievable.has_value(); }
};

struct HardwareSpec {
  std::string name;         // file stem: h200, h100-sxm, host...
  std::string description;  // "NVIDIA H200 SXM 141 GB"
  HardwareKind kind = HardwareKind::gpu;
  SpecNumber memory_bytes;        // device memory (measured = usable as reported)
  SpecNumber mem_bw_bytes_per_s;  // DRAM bandwidth, reads + writes counted
  SpecNumber peak_flops_bf16;     // dense tensor-core peak (absent on the host)
  SpecNumber peak_flops_f32;      // dense fp32 peak (the host: the CPU backend's matmul)
  SpecNumber sm_count;            // SMs (host: cores the backend uses)
  SpecNumber l2_bytes;            // last-level on-chip cache: L2 on a GPU, the LLC on a host
  SpecNumber launch_stream_s;     // fixed cost per op launched on a stream (host: per-op cost)
  SpecNumber launch_graph_s;      // fixed cost per op inside a CUDA graph

  // Peak FLOP/s for a model stored in `dtype`; the host always computes in fp32.
  const SpecNumber& peak_flops(DType dtype) const;
  const SpecNumber& launch_overhead(LaunchMode m) const;
  // Bytes per element the device moves for a model stored in `dtype` (host: 4).
  std::int64_t bytes_per_element(DType dtype) const;
};

// Throws InputError naming the key ("mem_bw_bytes_per_s.measured.source: missing").
HardwareSpec hardware_from_json(const nlohmann::json& j, const std::string& name, const std::string& where);
nlohmann::json hardware_to_json(const HardwareSpec& h);

// A name (data/hardware/NAME.json) or a path to a JSON file. Unknown names throw
// InputError("hardware", ...) listing the known ones.
HardwareSpec load_hardware(const std::string& name_or_path);
std::vector<std::string> hardware_names();

}  // namespace looplab
