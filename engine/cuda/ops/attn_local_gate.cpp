// attn_local_gate: the shared attention engine with a window and the gate-mix epilogue. The
// window is short (w keys), so there is no context split.
#include "engine/cuda/ops/attn_local_gate.hpp"

#include "engine/cuda/ops/attention_core.hpp"

namespace looplab::gpu {

void launch_attn_local_gate(const AttnLocalGateArgs& a, cudaStream_t stream) {
  AttentionParams p;
  p.q = a.q;
  p.y = a.y;
  p.seqs = a.seqs;
  p.sets = a.loops;
  p.loops_per_set = 1;
  p.q_per_loop = a.q_per_loop;
  p.heads = a.heads;
  p.kv_heads = a.kv_heads;
  p.head_dim = a.head_dim;
  p.position = a.position;
  p.window = a.window;
  p.kv = a.kv;
  p.splits = 1;
  p.epilogue = AttnEpilogue::gate_mix;
  p.gate_w = a.gate_w;
  p.gate_b = a.gate_b;
  p.gate = a.gate;
  launch_attention(p, stream);
}

}  // namespace looplab::gpu
