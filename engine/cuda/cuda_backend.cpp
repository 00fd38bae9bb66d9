// CudaBackend: device selection, prepare (weights, KV, activations), the step lifecycle with
// decode-graph capture and replay, and the host readbacks. The ops are in cuda_backend_ops.cpp.
#include "engine/cuda/cuda_backend.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "engine/core/error.hpp"
#include "engine/core/step_rows.hpp"
#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/attn_global.hpp"

namespace looplab::gpu {
namespace {

// An op as far as a captured graph is concerned: the context length changes every decode step
// without changing a single kernel argument (kernels read the position from device memory).
OpDesc graph_signature(OpDesc op) {
  op.kv_len = 0;
  return op;
}

}  // namespace

CudaBackend::CudaBackend(const CudaBackendOptions& options)
    : options_(options), device_(require_device(options.device)), gemm_(std::make_unique<GemmRunner>()) {}

CudaBackend::~CudaBackend() {
  capture_.reset();
  LOOPLAB_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(stream_.get()));
}

bool CudaBackend::supports_op(const OpDesc& op) const {
  if (static_cast<int>(op.kind) >= kOpKindCount || op.rows > max_rows_) return false;
  if (is_attention(op.kind) || op.kind == OpKind::rope_kv_append)
    return op.head_dim > 0 && op.head_dim <= kMaxHeadDim && op.head_dim % 2 == 0 && op.kv_heads > 0 &&
           op.heads % op.kv_heads == 0;
  return true;
}

int CudaBackend::decode_splits(const OpDesc& op) const {
  AttnGlobalArgs a;
  a.seqs = batch_;
  a.loops = op.loop_hi - op.loop_lo + 1;
  a.q_per_loop = 1;
  a.sets = op.kv == KvSource::shared ? KvSets::one_shared : KvSets::per_loop;
  a.heads = op.heads;
  a.kv_heads = op.kv_heads;
  a.head_dim = op.head_dim;
  return attn_global_splits(a, capacity_, device_.sm_count);
}

void CudaBackend::prepare(const ModelConfig& config, const Weights& weights, const KvLayout& layout,
                          std::int64_t max_rows) {
  validate(config);
  if (config.head_dim > kMaxHeadDim)
    throw InputError("head_dim", std::to_string(config.head_dim) + " is above the cuda backend's limit of " +
                                     std::to_string(kMaxHeadDim));
  if (layout.bytes_per_element != kv_bytes_per_element())
    throw std::invalid_argument("CudaBackend stores bf16 KV: the layout must use 2 bytes per element");
  if (max_rows < layout.batch) throw std::invalid_argument("CudaBackend::prepare: max_rows below the batch");
  capture_.reset();
  drop_graphs();
  prepared_ = false;
  LOOPLAB_CUDA_CHECK(cudaSetDevice(device_.ordinal));
  LOOPLAB_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));

  config_ = config;
  d_ = config.hidden;
  qd_ = config.q_dim();
  kvd_ = config.kv_dim();
  ld_qkv_ = qd_ + 2 * kvd_;
  ffn_ = config.ffn;
  vocab_ = config.vocab;
  loops_ = config.effective_loops();
  batch_ = layout.batch;
  capacity_ = layout.capacity_tokens;
  max_rows_ = max_rows;

  // Free the previous model's buffers before allocating the next one's.
  weights_ = DeviceWeights();
  kv_ = DeviceKv();
  act_ = Activations();
  weights_ = DeviceWeights(config, weights);
  kv_ = DeviceKv(config, layout);

  // Room for the partial results of the widest decode attention (splits depend on the capacity,
  // not on the step, so every decode step and its graph use the same split count).
  std::size_t partials = 0;
  const StepPlan decode = plan_step(config, {Phase::decode, batch_, capacity_});
  for (const OpDesc& op : decode.ops)
    if (op.kind == OpKind::attn_global) {
      AttnGlobalArgs a;
      a.seqs = batch_;
      a.loops = op.loop_hi - op.loop_lo + 1;
      a.q_per_loop = 1;
      a.heads = op.heads;
      a.head_dim = op.head_dim;
      partials = std::max(partials, attn_global_partials_bytes(a, decode_splits(op)));
    }
  act_ = Activations(config, batch_, max_rows, partials);
  LOOPLAB_CUDA_CHECK(cudaDeviceSynchronize());  // uploads and memsets done before the stream runs
  prepared_ = true;
  reset_sequences();
}

void CudaBackend::reset_sequences() {
  if (!prepared_) return;
  if (act_.saved.bytes() > 0)
    LOOPLAB_CUDA_CHECK(cudaMemsetAsync(act_.saved.get(), 0, act_.saved.bytes(), stream_.get()));
  stream_.synchronize();
}

void CudaBackend::set_gate_override(GateOverride g) {
  if (g != gate_override_) drop_graphs();  // the gate mode is a captured kernel argument
  gate_override_ = g;
}

BackendDevice CudaBackend::device_info() const {
  auto version = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };
  return {device_.name, version(device_.driver_version), version(device_.runtime_version)};
}

void CudaBackend::set_graph_mode(GraphMode mode) {
  if (mode != options_.graphs) drop_graphs();
  options_.graphs = mode;
}

void CudaBackend::begin_step(const StepIO& io) {
  if (!prepared_) throw std::logic_error("CudaBackend::begin_step before prepare");
  capture_.reset();
  const StepRows r = check_step(io, batch_, capacity_, vocab_);
  if (r.rows > max_rows_) throw std::invalid_argument("begin_step: more rows than prepared");
  phase_ = r.phase;
  prompt_len_ = r.prompt_len;
  step_rows_ = r.rows;
  multi_loop_ = r.multi_loop;
  plan_ = io.plan;

  // The step's position and tokens go to device memory, outside any graph: a replayed graph
  // reads them from there.
  auto* host = act_.step_in_host.as<std::int32_t>();
  host[0] = static_cast<std::int32_t>(io.position);
  std::memcpy(host + 1, io.tokens.data(), io.tokens.size() * sizeof(std::int32_t));
  LOOPLAB_CUDA_CHECK(cudaMemcpyAsync(act_.step_in.get(), host, (io.tokens.size() + 1) * sizeof(std::int32_t),
                                     cudaMemcpyHostToDevice, stream_.get()));

  op_index_ = 0;
  mode_ = StepMode::eager;
  active_graph_ = nullptr;
  if (phase_ == Phase::decode && options_.graphs == GraphMode::decode) {
    DecodeGraph& g = graphs_[GraphKey{static_cast<int>(io.plan->variant), batch_, io.plan->loops}];
    active_graph_ = &g;
    if (g.exec.valid()) {
      mode_ = StepMode::replay;
    } else if (g.eager_steps >= 1) {
      // Captured on the second decode step, once the first has loaded every kernel and chosen
      // every GEMM algorithm eagerly.
      mode_ = StepMode::capture;
      capture_ops_.clear();
      capture_.emplace(stream_.get());
    } else {
      ++g.eager_steps;
    }
  }
}

void CudaBackend::run_op(const OpDesc& op) {
  if (plan_ == nullptr) throw std::logic_error("run_op outside a step");
  if (op.rows > max_rows_)
    throw std::logic_error(op_name(op) + ": " + std::to_string(op.rows) + " rows exceed the prepared " +
                           std::to_string(max_rows_));
  if (mode_ == StepMode::replay) {
    const auto& ops = active_graph_->ops;
    if (op_index_ >= ops.size() || !(graph_signature(op) == ops[op_index_]))
      throw std::logic_error("decode graph replay: " + describe(op) + " is not the op the graph was captured with");
    ++op_index_;
    return;
  }
  try {
    dispatch(op);
  } catch (const GpuError& e) {
    capture_.reset();
    throw GpuError(op_name(op) + ": " + e.what());
  } catch (...) {
    capture_.reset();
    throw;
  }
  if (mode_ == StepMode::capture) capture_ops_.push_back(graph_signature(op));
  ++op_index_;
}

void CudaBackend::end_step() {
  if (plan_ == nullptr) throw std::logic_error("end_step outside a step");
  plan_ = nullptr;
  if (mode_ == StepMode::capture) {
    Graph graph = capture_->finish();
    capture_.reset();
    active_graph_->exec = GraphExec(graph);
    active_graph_->ops = std::move(capture_ops_);
    capture_ops_.clear();
    active_graph_->exec.launch(stream_.get());
  } else if (mode_ == StepMode::replay) {
    if (op_index_ != active_graph_->ops.size())
      throw std::logic_error("decode graph replay: the step ran " + std::to_string(op_index_) + " ops, the graph has " +
                             std::to_string(active_graph_->ops.size()));
    active_graph_->exec.launch(stream_.get());
    ++graph_replays_;
  }
  stream_.synchronize();
}

std::vector<std::int32_t> CudaBackend::sampled_tokens() {
  std::vector<std::int32_t> out(static_cast<std::size_t>(batch_));
  LOOPLAB_CUDA_CHECK(cudaMemcpyAsync(out.data(), act_.tokens_out.get(), out.size() * sizeof(std::int32_t),
                                     cudaMemcpyDeviceToHost, stream_.get()));
  stream_.synchronize();
  return out;
}

std::vector<float> CudaBackend::final_hidden() {
  const std::int64_t first = multi_loop_ ? (loops_ - 1) * batch_ : 0;
  std::vector<float> out(static_cast<std::size_t>(step_rows_ * d_));
  LOOPLAB_CUDA_CHECK(cudaMemcpyAsync(out.data(), act_.x.as<float>() + first * d_, out.size() * sizeof(float),
                                     cudaMemcpyDeviceToHost, stream_.get()));
  stream_.synchronize();
  return out;
}

std::vector<float> CudaBackend::last_logits() {
  std::vector<float> out(static_cast<std::size_t>(batch_ * vocab_));
  LOOPLAB_CUDA_CHECK(cudaMemcpyAsync(out.data(), act_.logits.get(), out.size() * sizeof(float), cudaMemcpyDeviceToHost,
                                     stream_.get()));
  stream_.synchronize();
  return out;
}

}  // namespace looplab::gpu
