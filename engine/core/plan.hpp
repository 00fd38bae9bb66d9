// The step plan: the ordered list of operations one prefill or decode step executes.
// plan_step() is the single source of truth that the engine executes, the profiler tags and the
// simulator costs; nothing else may re-derive the op sequence (docs/architecture.md, "The step
// plan").
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/config.hpp"

namespace looplab {

enum class Phase : std::uint8_t { prefill, decode };
std::string_view to_string(Phase p);

// One step over a batch of equal-length sequences.
//   prefill: context_len = prompt length P (every sequence runs P rows).
//   decode:  context_len = tokens visible to the new token, itself included (position + 1).
struct StepShape {
  Phase phase = Phase::decode;
  std::int64_t batch = 1;
  std::int64_t context_len = 1;
  friend bool operator==(const StepShape&, const StepShape&) = default;
};

// Fused operations are op kinds of their own; the CPU backend implements them plainly.
enum class OpKind : std::uint8_t {
  embed,               // gather token embeddings; in a cross-loop decode pass row l also adds
                       // the saved state s(l-1) (re-injection), see docs/model.md
  reinject,            // prefill loop l >= 2: B(l) = a*E + b*shift(H(l-1))
  attn_norm,           // RMSNorm before attention
  qkv_proj,            // GEMM x(M,d) . [Wq;Wk;Wv]^T -> q(M,Hq*dh), k,v(M,Hkv*dh)
  q_proj,              // GEMM for query only (rows whose K/V are not needed)
  kv_proj,             // GEMM for key and value only (loop-1 rows of a clp_share pass)
  rope_kv_append,      // (qk-norm), RoPE on q of `rows` and k of `kv_rows`; append k,v to caches
  attn_global,         // attention over a full cache: decode over kv_len keys, prefill causal
  attn_local_gate,     // plt loops >= 2: window attention over own K/V, gate, mix with global
  o_proj_residual,     // GEMM y(M,Hq*dh) . Wo^T + residual
  mlp_norm,            // RMSNorm before the MLP
  gate_up_proj,        // GEMM x(M,d) . [Wgate;Wup]^T -> (M, 2*ffn)
  swiglu,              // silu(gate) * up
  down_proj_residual,  // GEMM (M,ffn) . Wdown^T + residual
  state_save,          // keep H(l) of the last position for l = 1..L-1 (cross-loop decoding)
  final_norm,          // RMSNorm of the rows that produce logits
  lm_head,             // GEMM (B,d) . Wout^T -> logits (B,vocab)
  argmax,              // greedy sampling
};
inline constexpr int kOpKindCount = 18;
std::string_view to_string(OpKind k);
bool is_gemm(OpKind k);
bool is_attention(OpKind k);

// Which cache an attention op reads (and which cache rope_kv_append writes for loops >= 2).
enum class KvSource : std::uint8_t {
  none,
  own_loop,  // loop l's rows use loop l's cache (vanilla, looped, clp; plt/clp-share loop 1)
  shared,    // every loop's rows use loop 1's cache (clp_share, plt global attention)
};
std::string_view to_string(KvSource s);

// Row layout of the activations of a pass:
//   a cross-loop decode pass holds B*L rows, loop-major: row (l-1)*B + b is loop l of sequence b,
//   so an op over loops [loop_lo, loop_hi] touches rows [(loop_lo-1)*B, loop_hi*B);
//   every other pass holds one loop: rows b*P + p (prefill) or b (looped decode).
struct OpDesc {
  OpKind kind = OpKind::embed;
  std::int32_t layer = -1;   // 0-based layer, -1 for ops outside the layer stack
  std::int32_t loop_lo = 1;  // first loop whose rows this op touches (1-based)
  std::int32_t loop_hi = 1;  // last loop whose rows this op touches
  std::int32_t pass = 0;     // dependent pass within the step (0-based)
  std::int64_t rows = 0;     // M: activation rows processed
  std::int64_t n = 0;        // GEMM output features; width for norms and elementwise ops
  std::int64_t k = 0;        // GEMM input features
  // Attention and KV (zero elsewhere).
  std::int64_t seqs = 0;       // sequences
  std::int64_t q_per_seq = 0;  // query rows per sequence that read the same K/V (L for a shared
                               // cache in a cross-loop pass, P in prefill, else 1)
  std::int64_t kv_rows = 0;    // rope_kv_append: rows whose k,v are computed and stored
  std::int64_t kv_len = 0;     // keys visible to the last query row (window for local attention)
  std::int64_t kv_sets = 0;    // distinct K/V sets per sequence read (L for clp's own caches)
  std::int32_t heads = 0, kv_heads = 0, head_dim = 0;
  KvSource kv = KvSource::none;
  bool causal = false;  // prefill attention: row p sees keys <= p

  friend bool operator==(const OpDesc&, const OpDesc&) = default;
};

// "layer3.loop2.attn_global", "layer3.loops1-2.qkv_proj", "embed", "loop2.reinject".
std::string op_name(const OpDesc& op);
// Every field, for logs and test failures.
std::string describe(const OpDesc& op);
inline void PrintTo(const OpDesc& op, std::ostream* os) { *os << describe(op); }

struct StepPlan {
  StepShape shape;
  Variant variant = Variant::vanilla;
  std::int64_t loops = 1;   // effective loops
  std::int32_t passes = 1;  // dependent passes over the layer stack
  std::vector<OpDesc> ops;
};

// Throws InputError for a bad shape (batch or context < 1) or an invalid config.
StepPlan plan_step(const ModelConfig& config, const StepShape& shape);

// Appends the ops of one block (one layer over one pass covering loops [loop_lo, loop_hi]) to
// out; exposed so the simulator can cost one layer once and multiply.
void plan_layer(const ModelConfig& config, const StepShape& shape, std::int32_t layer, std::int32_t loop_lo,
                std::int32_t loop_hi, std::int32_t pass, std::vector<OpDesc>& out);

}  // namespace looplab
