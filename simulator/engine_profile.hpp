// Engine profiles: how an inference engine executes a step on a GPU, loaded from
// data/engines/NAME.json. The same plan costs differently under looplab's CUDA graphs, a Python
// serving engine with a scheduler between steps, or PyTorch eager mode; a profile says how, and
// every number in it carries its source.
#pragma once
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/plan.hpp"
#include "simulator/hardware.hpp"

namespace looplab {

struct EngineProfile {
  std::string name;                       // file stem: looplab-graph, vllm, llama.cpp...
  std::string description;                // what the profile stands for, versions included
  LaunchMode launch = LaunchMode::graph;  // graph: the hardware's graph launch gap per kernel;
                                          // stream: its stream launch gap
  // Host time to issue one kernel (stream launches and eager frameworks; 0 under CUDA graphs).
  // A step takes max(device time, host issue time): the host runs ahead of the GPU.
  SourcedValue host_per_kernel_s{0, "CUDA graph replay: one launch per step"};
  // Host work per step outside the kernels: scheduling, input preparation, sampling, detokenizing.
  SourcedValue step_overhead_s{0, "none"};
  SourcedValue step_overhead_per_seq_s{0, "none"};
  // Time a request spends before its first token beyond its prefill step: admission, tokenizing,
  // the first sampling and its return to the caller (time to first token minus the prefill).
  SourcedValue request_overhead_s{0, "none"};
  // Kernels an op of each kind takes: 0 = fused into a neighbour (no launch of its own), 2+ = the
  // engine runs it as several kernels (an unfused eager RMSNorm is several).
  std::array<double, kOpKindCount> kernels_per_op{};
  // Decode attention split along the context (see efficiency::decode_splits): -1 fill the SMs
  // (flash-decoding), 0 none, N a fixed partition of N keys.
  std::int64_t decode_split_tokens = -1;
  // Compute efficiency of attention kernels relative to the GEMM ceiling (FlashAttention reaches
  // a fraction of what a GEMM does on the same GPU).
  SourcedValue attention_efficiency{1, "none"};
  // GEMM kernels that cannot use the whole device: a cap per SM on the weight-streaming rate
  // (too few loads in flight to cover DRAM latency on a GPU with many SMs) and on the tensor-core
  // rate (kernels written for an older instruction set). 0: no cap (cuBLAS-class kernels).
  SourcedValue gemm_sm_bandwidth_bytes_per_s{0, "no cap"};
  SourcedValue gemm_sm_flops{0, "no cap"};
  // Bytes per query-key score that go through DRAM: 0 for flash attention (scores stay on chip);
  // an attention built from a GEMM, a softmax and a GEMM writes the fp32 scores and reads them
  // back (write, softmax read and write, read: 16 bytes). Every row scores every key of its
  // cache (a causal mask is applied to the full score matrix).
  SourcedValue attention_score_bytes{0, "flash attention: scores stay on chip"};
  // Which of the numbers above `looplab validate` may fit on the published validation set.
  std::vector<std::string> fitted;
};

// Throws InputError naming the key.
EngineProfile engine_profile_from_json(const nlohmann::json& j, const std::string& name, const std::string& where);
nlohmann::json engine_profile_to_json(const EngineProfile& e);

// A name (data/engines/NAME.json) or a path to a JSON file; unknown names throw
// InputError("engine", ...) listing the known ones. With ProfileFit::project the numbers the
// profile lists under "fitted" take the project's fitted values (data/validation/fit.json) where
// the fit has the engine; ProfileFit::priors keeps the file's own numbers (what a fit starts from).
enum class ProfileFit : std::uint8_t { project, priors };
EngineProfile load_engine_profile(const std::string& name_or_path, ProfileFit fit = ProfileFit::project);
std::vector<std::string> engine_profile_names();

// looplab's own CUDA engine under the launch mode (data/engines/looplab-graph.json or
// looplab-stream.json, loaded once): what predictions use when no --engine is given.
const EngineProfile& looplab_engine_profile(LaunchMode launch);

// The profile behind CostModel::roofline: one kernel per op at the launch mode's gap, no host,
// step or request time, attention at the GEMM ceiling, no caps.
EngineProfile roofline_engine_profile(LaunchMode launch);

}  // namespace looplab
