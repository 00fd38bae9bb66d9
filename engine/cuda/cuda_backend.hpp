// CudaBackend: the Backend of engine/core/backend.hpp on an NVIDIA GPU. bf16 weights, KV and GEMM
// inputs, fp32 residual stream, GEMM accumulation, norms and softmax; cuBLASLt GEMMs; one kernel
// per plan op (engine/cuda/ops). Decode steps are captured as a CUDA graph per (variant, batch)
// shape on their second occurrence and replayed afterwards (GraphMode::decode).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/core/backend.hpp"
#include "engine/cuda/activations.hpp"
#include "engine/cuda/device.hpp"
#include "engine/cuda/device_kv.hpp"
#include "engine/cuda/device_weights.hpp"
#include "engine/cuda/graph.hpp"
#include "engine/cuda/ops/gemm.hpp"
#include "engine/cuda/stream.hpp"

namespace looplab::gpu {

enum class GraphMode : std::uint8_t {
  off,     // every op launched eagerly (per-op profiling sees every kernel under its op)
  decode,  // decode steps replay a captured graph; run_op only checks the op sequence
};

// Which kernels run the plan's ops: the reference path (cuBLASLt GEMMs, one kernel per op), or
// the fused decode path as far as it exists (so far: the skinny GEMM, launch_gemv, for GEMMs of
// up to 16 rows; every other op as in the reference path).
enum class KernelSet : std::uint8_t { reference, fused };

struct CudaBackendOptions {
  int device = 0;
  GraphMode graphs = GraphMode::decode;
  KernelSet kernels = KernelSet::reference;
};

class CudaBackend final : public Backend {
 public:
  // Selects the device; throws GpuError("no CUDA device: ...") when there is none.
  explicit CudaBackend(const CudaBackendOptions& options = {});
  ~CudaBackend() override;

  std::string_view name() const override { return "cuda"; }
  BackendDevice device_info() const override;
  bool supports_op(const OpDesc& op) const override;
  std::int64_t kv_bytes_per_element() const override { return 2; }

  void prepare(const ModelConfig& config, const Weights& weights, const KvLayout& layout,
               std::int64_t max_rows) override;
  void reset_sequences() override;

  void begin_step(const StepIO& io) override;
  void run_op(const OpDesc& op) override;
  void end_step() override;

  std::vector<std::int32_t> sampled_tokens() override;
  std::vector<float> final_hidden() override;
  std::vector<float> last_logits() override;
  std::int64_t kv_bytes_allocated() const override { return kv_.bytes_allocated(); }
  void set_gate_override(GateOverride g) override;

  // CUDA specifics.
  void set_graph_mode(GraphMode mode);
  GraphMode graph_mode() const { return options_.graphs; }
  const DeviceInfo& device() const { return device_; }
  cudaStream_t stream() const { return stream_.get(); }
  std::int64_t weight_bytes() const { return weights_.bytes(); }
  // Decode steps of the current shape that replayed a graph (for tests and benchmarks).
  std::int64_t graph_replays() const { return graph_replays_; }

 private:
  enum class StepMode : std::uint8_t { eager, capture, replay };
  using GraphKey = std::tuple<int, std::int64_t, std::int64_t>;  // variant, batch, loops
  struct DecodeGraph {
    GraphExec exec;
    std::vector<OpDesc> ops;  // the ops it was captured from (kv_len cleared), to check replays
    std::int64_t eager_steps = 0;
  };

  void dispatch(const OpDesc& op);
  void op_embed(const OpDesc& op);
  void op_reinject(const OpDesc& op);
  void op_norm(const OpDesc& op, const DeviceBuffer& weight);
  void op_gemm(const OpDesc& op);
  void op_rope_kv_append(const OpDesc& op);
  void op_attn_global(const OpDesc& op);
  void op_attn_local_gate(const OpDesc& op);
  void op_state_save(const OpDesc& op);
  void op_final_norm(const OpDesc& op);
  void op_argmax(const OpDesc& op);

  std::int64_t row0(const OpDesc& op) const { return multi_loop_ ? (op.loop_lo - 1) * batch_ : 0; }
  std::int64_t rows_per_loop() const { return phase_ == Phase::prefill ? batch_ * prompt_len_ : batch_; }
  int decode_splits(const OpDesc& op) const;
  void drop_graphs() { graphs_.clear(); }

  CudaBackendOptions options_;
  DeviceInfo device_;
  Stream stream_;
  std::unique_ptr<GemmRunner> gemm_;

  ModelConfig config_;
  bool prepared_ = false;
  std::int64_t batch_ = 0, max_rows_ = 0, capacity_ = 0, loops_ = 1;
  std::int64_t d_ = 0, qd_ = 0, kvd_ = 0, ld_qkv_ = 0, ffn_ = 0, vocab_ = 0;
  DeviceWeights weights_;
  DeviceKv kv_;
  Activations act_;

  // Current step.
  const StepPlan* plan_ = nullptr;
  Phase phase_ = Phase::decode;
  std::int64_t prompt_len_ = 1, step_rows_ = 0;
  bool multi_loop_ = false;
  bool step_ended_ = false;
  StepMode mode_ = StepMode::eager;
  std::size_t op_index_ = 0;
  std::optional<StreamCapture> capture_;
  std::vector<OpDesc> capture_ops_;
  GateOverride gate_override_ = GateOverride::none;

  std::map<GraphKey, DecodeGraph> graphs_;
  DecodeGraph* active_graph_ = nullptr;
  std::int64_t graph_replays_ = 0;
};

}  // namespace looplab::gpu
