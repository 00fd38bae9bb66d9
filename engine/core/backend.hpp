// The Backend interface: what the CPU reference backend and the CUDA backend implement so that a
// Session can execute a StepPlan op by op. Backend-neutral: no host- or device-specific types.
//
// Contract (engine/runtime/session.hpp drives it):
//   prepare(...)                      once per Session: upload weights, allocate the KV buffers of
//                                     the layout (exactly; kv_bytes_allocated() reports them) and
//                                     activations for max_rows rows; resets all sequence state.
//   begin_step(io); run_op(op)...; end_step()
//                                     for every op of io.plan->ops, in order. Rows follow the
//                                     layout of plan.hpp: a cross-loop decode pass holds B*L rows,
//                                     loop-major (row (l-1)*B + b); every other pass holds one
//                                     loop, rows b*P + p (prefill) or b (decode).
//   sampled_tokens(), final_hidden(), last_logits()
//                                     host readbacks of the step that just ended.
// State a backend carries between steps: the KV buffers (full caches, shared cache, rings), the
// saved states s(l) of cross-loop decoding (docs/model.md), nothing else.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/config.hpp"
#include "engine/core/kv.hpp"
#include "engine/core/plan.hpp"
#include "engine/core/weights.hpp"

namespace looplab {

// Test hook for the G-SWA invariants of docs/model.md: force the gate of every plt head.
enum class GateOverride : std::uint8_t {
  none,    // g = sigmoid(Wg_h . q_h + bg_h), the model
  closed,  // g = 0: global attention only (plt then equals clp_share)
  open,    // g = 1: local window only (plt with w >= n then equals clp)
};

// What a backend runs on, for a run's record: the CPU model or the GPU and its software.
struct BackendDevice {
  std::string name;             // "AMD EPYC 7B13", "NVIDIA H200"
  std::string driver_version;   // "13.0"; empty on the CPU
  std::string runtime_version;  // CUDA runtime "13.0"; empty on the CPU
};

// The model name of this machine's CPU (/proc/cpuinfo), "unknown" when it cannot be read.
std::string host_cpu_model();

struct StepIO {
  const StepPlan* plan = nullptr;
  // Input token ids. decode: B ids, one per sequence; prefill: B*P ids, b-major (id b*P + p).
  std::span<const std::int32_t> tokens;
  // Position of the first token of every sequence: 0 for a prefill, the tokens already cached
  // (then plan->shape.context_len == position + 1) for a decode step.
  std::int64_t position = 0;
};

class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  virtual ~Backend() = default;

  // "cpu", "cuda".
  virtual std::string_view name() const = 0;
  // The device the backend runs on; by default this machine's CPU.
  virtual BackendDevice device_info() const { return {host_cpu_model(), {}, {}}; }
  // Whether run_op can execute this op (kind, shapes, dtypes). A Session checks every op of a
  // plan before running it and refuses plans with unsupported ops.
  virtual bool supports_op(const OpDesc& op) const = 0;
  // Bytes of one stored K or V element: 4 for an fp32 backend, 2 for bf16. The Session sizes
  // the KV layout with it.
  virtual std::int64_t kv_bytes_per_element() const = 0;

  // Takes what it needs from weights (checked against config: throws InputError naming a bad
  // tensor), allocates layout.buffers exactly (layout.batch sequences, capacity_tokens each) and
  // room for max_rows activation rows (the largest OpDesc::rows of any step the Session will
  // run). Zeroes the saved states. May be called again to start over with another model.
  virtual void prepare(const ModelConfig& config, const Weights& weights, const KvLayout& layout,
                       std::int64_t max_rows) = 0;
  // Starts new sequences with the same model and buffers: the saved states s(l) return to zero
  // (cache entries are overwritten by position, so they need no clearing).
  virtual void reset_sequences() = 0;

  virtual void begin_step(const StepIO& io) = 0;
  virtual void run_op(const OpDesc& op) = 0;
  // Completes the step: when it returns the step's work is done (a device backend synchronises),
  // so a host clock around begin_step..end_step times the step.
  virtual void end_step() = 0;

  // Readbacks of the step that ended last (host fp32 / int32 copies).
  virtual std::vector<std::int32_t> sampled_tokens() = 0;  // (B): argmax of the logits, lowest id on ties
  // Final-loop hidden states H(L) (the residual stream after the last layer, before the final
  // norm) of every row the step ran: prefill (B*P, d) b-major; decode (B, d).
  virtual std::vector<float> final_hidden() = 0;
  virtual std::vector<float> last_logits() = 0;  // (B, vocab): the rows that produced tokens

  // Bytes of KV buffers this backend holds (K and V, all layers, loops and sequences).
  virtual std::int64_t kv_bytes_allocated() const = 0;

  virtual void set_gate_override(GateOverride g) = 0;
};

}  // namespace looplab
