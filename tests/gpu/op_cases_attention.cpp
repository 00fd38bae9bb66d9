// Harness cases of rope_kv_append, attn_global and attn_local_gate in the configurations the five
// variants' plans produce: one loop per pass (vanilla, looped, prefill), B*L rows of a cross-loop
// decode pass writing loop 1's cache and the later loops' caches or rings, a shared cache read
// once for L loops x the GQA group, per-loop caches, context splits, rings that wrap, the prefill
// window over the pass's own K/V, and the three gate modes.
#include <cmath>

#include "engine/cpu/attention.hpp"
#include "engine/cpu/rmsnorm.hpp"
#include "engine/cpu/rope.hpp"
#include "engine/cuda/ops/attn_global.hpp"
#include "engine/cuda/ops/attn_local_gate.hpp"
#include "engine/cuda/ops/rope_kv_append.hpp"
#include "tests/gpu/op_harness.hpp"

namespace looplab::gpu::test {
namespace {

using std::int64_t;

// ---------------------------------------------------------------- rope_kv_append

struct RopeShape {
  int64_t rows_per_loop = 0;  // B (decode) or B*P (prefill)
  int64_t seq_len = 1;        // P (prefill) or 1
  int64_t loops = 1;          // loops of the op
  int64_t kv_rows = 0;
  int heads = 4, kv_heads = 2, dh = 32;
  int64_t pos = 0;  // position of each sequence's first row
  bool qk_norm = false;
  int64_t first_slots = 0;  // loop lo's buffer: capacity or ring size (0: none)
  int64_t later_slots = 0;  // loops lo+1..: capacity or ring size (0: none)
  bool scratch = false;
};

// Element offset of (set, b, g, slot) in a test cache laid out [set][b][g][slot][dh].
KvStrides cache_strides(int64_t B, int kv_heads, int dh, int64_t slots) {
  KvStrides s;
  s.tok_stride = dh;
  s.head_stride = slots * dh;
  s.seq_stride = kv_heads * slots * dh;
  s.set_stride = B * kv_heads * slots * dh;
  s.wrap = slots;
  return s;
}

OpCase rope_case(std::string name, RopeShape g) {
  return {std::move(name), [g](std::mt19937_64& rng, CaseSetup& s) {
            const double theta = 10000.0, eps = 1e-5;
            const int64_t rows = g.loops * g.rows_per_loop, dh = g.dh, half = dh / 2;
            const int64_t qd = g.heads * dh, kvd = g.kv_heads * dh, ld = qd + 2 * kvd;
            const int64_t B = g.rows_per_loop / g.seq_len;
            const auto qkv = random_vector(rng, rows * ld, 2.0f);
            auto qn = random_vector(rng, dh, 0.2f), kn = random_vector(rng, dh, 0.2f);
            for (float& v : qn) v += 1.0f;
            for (float& v : kn) v += 1.0f;
            DevTensor& qkv_d = s.input("qkv", qkv, Elem::f32);
            DevTensor* qn_d = g.qk_norm ? &s.input("q_norm", qn, Elem::f32) : nullptr;
            DevTensor* kn_d = g.qk_norm ? &s.input("k_norm", kn, Elem::f32) : nullptr;
            DevTensor& pos_d = s.keep(upload_i32({static_cast<std::int32_t>(g.pos)}));
            const int64_t later_sets = g.loops - 1;
            DevTensor& q_out = s.keep(device_tensor(rows * qd, Elem::bf16));
            DevTensor* first_k = g.first_slots ? &s.keep(device_tensor(B * kvd * g.first_slots, Elem::bf16)) : nullptr;
            DevTensor* first_v = g.first_slots ? &s.keep(device_tensor(B * kvd * g.first_slots, Elem::bf16)) : nullptr;
            DevTensor* later_k =
                g.later_slots ? &s.keep(device_tensor(later_sets * B * kvd * g.later_slots, Elem::bf16)) : nullptr;
            DevTensor* later_v =
                g.later_slots ? &s.keep(device_tensor(later_sets * B * kvd * g.later_slots, Elem::bf16)) : nullptr;
            DevTensor* k_scr = g.scratch ? &s.keep(device_tensor(g.kv_rows * kvd, Elem::bf16)) : nullptr;
            DevTensor* v_scr = g.scratch ? &s.keep(device_tensor(g.kv_rows * kvd, Elem::bf16)) : nullptr;

            // Expected values, fp64 and CPU (fp32 kernels of engine/cpu, then bf16 storage).
            Expect eq{"q", &q_out};
            Expect ek1{"first_k", first_k}, ev1{"first_v", first_v}, ek2{"later_k", later_k}, ev2{"later_v", later_v};
            Expect eks{"k_scratch", k_scr}, evs{"v_scratch", v_scr};
            auto blank = [](Expect& e, int64_t n) {
              e.ref.assign(static_cast<std::size_t>(n), std::nan(""));
              e.cpu.assign(static_cast<std::size_t>(n), NAN);
            };
            blank(eq, rows * qd);
            if (first_k) blank(ek1, B * kvd * g.first_slots), blank(ev1, B * kvd * g.first_slots);
            if (later_k)
              blank(ek2, later_sets * B * kvd * g.later_slots), blank(ev2, later_sets * B * kvd * g.later_slots);
            if (k_scr) blank(eks, g.kv_rows * kvd), blank(evs, g.kv_rows * kvd);
            cpu::RopeTable table(g.pos + g.seq_len, dh, theta);
            const int64_t last_pos = g.pos + g.seq_len - 1;

            // head: dh values at src; returns (ref, cpu) of the normed+rotated head.
            auto rotate = [&](const float* src, const std::vector<float>* norm, int64_t p, std::vector<double>& ref,
                              std::vector<float>& cpu_out) {
              std::vector<double> x(src, src + dh);
              std::vector<float> xc(src, src + dh);
              if (norm) {
                double ss = 0;
                for (double v : x) ss += v * v;
                const double inv = 1.0 / std::sqrt(ss / static_cast<double>(dh) + eps);
                for (int64_t i = 0; i < dh; ++i)
                  x[static_cast<std::size_t>(i)] *= inv * (*norm)[static_cast<std::size_t>(i)];
                cpu::rmsnorm_row(xc.data(), norm->data(), xc.data(), dh, eps);
              }
              ref.assign(static_cast<std::size_t>(dh), 0.0);
              for (int64_t i = 0; i < half; ++i) {
                const double a =
                    static_cast<double>(p) * std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(dh));
                const double x1 = x[static_cast<std::size_t>(i)], x2 = x[static_cast<std::size_t>(i + half)];
                ref[static_cast<std::size_t>(i)] = x1 * std::cos(a) - x2 * std::sin(a);
                ref[static_cast<std::size_t>(i + half)] = x2 * std::cos(a) + x1 * std::sin(a);
              }
              cpu::apply_rope(xc.data(), 1, dh, table.cos(p), table.sin(p));
              cpu_out = round_bf16(xc);
            };

            std::vector<double> ref;
            std::vector<float> cpu_vals;
            for (int64_t r = 0; r < rows; ++r) {
              const int64_t p = g.pos + r % g.seq_len;
              const int64_t loop_off = r / g.rows_per_loop, b = (r % g.rows_per_loop) / g.seq_len;
              const float* row = qkv.data() + r * ld;
              for (int h = 0; h < g.heads; ++h) {
                rotate(row + h * dh, g.qk_norm ? &qn : nullptr, p, ref, cpu_vals);
                for (int64_t i = 0; i < dh; ++i) {
                  eq.ref[static_cast<std::size_t>((r * g.heads + h) * dh + i)] = ref[static_cast<std::size_t>(i)];
                  eq.cpu[static_cast<std::size_t>((r * g.heads + h) * dh + i)] = cpu_vals[static_cast<std::size_t>(i)];
                }
              }
              if (r >= g.kv_rows) continue;
              Expect* ek = loop_off == 0 ? (first_k ? &ek1 : nullptr) : (later_k ? &ek2 : nullptr);
              Expect* ev = loop_off == 0 ? &ev1 : &ev2;
              const int64_t slots = loop_off == 0 ? g.first_slots : g.later_slots;
              const int64_t set = loop_off == 0 ? 0 : loop_off - 1;
              const bool store = ek != nullptr && p + slots > last_pos;
              for (int h = 0; h < g.kv_heads; ++h) {
                rotate(row + qd + h * dh, g.qk_norm ? &kn : nullptr, p, ref, cpu_vals);
                for (int64_t i = 0; i < dh; ++i) {
                  const auto iu = static_cast<std::size_t>(i);
                  const double vref = row[qd + kvd + h * dh + i];
                  const float vcpu = round_bf16(row[qd + kvd + h * dh + i]);
                  if (store) {
                    const auto at =
                        static_cast<std::size_t>((((set * B + b) * g.kv_heads + h) * slots + p % slots) * dh + i);
                    ek->ref[at] = ref[iu];
                    ek->cpu[at] = cpu_vals[iu];
                    ev->ref[at] = vref;
                    ev->cpu[at] = vcpu;
                  }
                  if (k_scr) {
                    const auto at = static_cast<std::size_t>((r * g.kv_heads + h) * dh + i);
                    eks.ref[at] = ref[iu];
                    eks.cpu[at] = cpu_vals[iu];
                    evs.ref[at] = vref;
                    evs.cpu[at] = vcpu;
                  }
                }
              }
            }
            s.outputs.push_back(std::move(eq));
            if (first_k) s.outputs.push_back(std::move(ek1)), s.outputs.push_back(std::move(ev1));
            if (later_k) s.outputs.push_back(std::move(ek2)), s.outputs.push_back(std::move(ev2));
            if (k_scr) s.outputs.push_back(std::move(eks)), s.outputs.push_back(std::move(evs));
            s.bytes_moved =
                static_cast<double>(rows * ld) * 4 + static_cast<double>(rows * qd + 2 * g.kv_rows * kvd) * 2;

            s.launch = [=, &qkv_d, &pos_d, &q_out](cudaStream_t stream) {
              RopeKvAppendArgs a;
              a.qkv = qkv_d.as<float>();
              a.qkv_row_stride = ld;
              a.q_out = q_out.as<bf16>();
              a.rows = rows;
              a.kv_rows = g.kv_rows;
              a.rows_per_loop = g.rows_per_loop;
              a.seq_len = g.seq_len;
              a.heads = g.heads;
              a.kv_heads = g.kv_heads;
              a.head_dim = g.dh;
              a.position = pos_d.as<int>();
              a.rope_theta = theta;
              a.q_norm = qn_d ? qn_d->as<float>() : nullptr;
              a.k_norm = kn_d ? kn_d->as<float>() : nullptr;
              a.norm_eps = static_cast<float>(eps);
              if (first_k)
                a.first = {first_k->as<bf16>(), first_v->as<bf16>(), cache_strides(B, g.kv_heads, g.dh, g.first_slots)};
              if (later_k)
                a.later = {later_k->as<bf16>(), later_v->as<bf16>(), cache_strides(B, g.kv_heads, g.dh, g.later_slots)};
              if (k_scr) {
                a.k_scratch = k_scr->as<bf16>();
                a.v_scratch = v_scr->as<bf16>();
              }
              launch_rope_kv_append(a, stream);
            };
          }};
}

// ---------------------------------------------------------------- attention

enum class KvLayoutKind : std::uint8_t { cache, pass };  // [set][b][g][slot][dh] or (B*P, Hkv, dh)
enum class AttnKind : std::uint8_t { global, local_gate };

struct AttnShape {
  AttnKind kind = AttnKind::global;
  int64_t B = 1, loops = 1, Q = 1;  // rows = loops*B*Q
  bool shared = false;              // every loop reads set 0
  int heads = 4, kv_heads = 2, dh = 32;
  int64_t pos = 0;     // position of each sequence's first row
  int64_t slots = 0;   // cache entries per (set, b, g) (cache layout)
  int64_t window = 0;  // local only
  int splits = 1;      // global only
  KvLayoutKind layout = KvLayoutKind::cache;
  GateOverride gate = GateOverride::none;
  int64_t max_grid_y = 0;  // global only: a lower grid.y cap, so the launch is cut into chunks
};

OpCase attn_case(std::string name, AttnShape g) {
  return {std::move(name), [g](std::mt19937_64& rng, CaseSetup& s) {
            const int64_t dh = g.dh, rows = g.loops * g.B * g.Q, group = g.heads / g.kv_heads;
            const int64_t sets = g.shared ? 1 : g.loops;
            const bool pass = g.layout == KvLayoutKind::pass;
            const int64_t kv_elems = pass ? g.B * g.Q * g.kv_heads * dh : sets * g.B * g.kv_heads * g.slots * dh;
            const auto q = random_vector(rng, rows * g.heads * dh, 1.5f);
            const auto k = random_vector(rng, kv_elems, 1.5f);
            const auto v = random_vector(rng, kv_elems, 2.0f);
            const auto y_global = random_vector(rng, rows * g.heads * dh, 1.0f);
            const auto gate_w = random_vector(rng, g.heads * dh, 1.0f / std::sqrt(static_cast<float>(dh)));
            const auto gate_b = random_vector(rng, g.heads, 0.5f);
            DevTensor& q_d = s.input("q", q, Elem::bf16);
            DevTensor& k_d = s.input("k", k, Elem::bf16);
            DevTensor& v_d = s.input("v", v, Elem::bf16);
            const bool local = g.kind == AttnKind::local_gate;
            DevTensor* gw_d = local ? &s.input("gate_w", gate_w, Elem::f32) : nullptr;
            DevTensor* gb_d = local ? &s.input("gate_b", gate_b, Elem::f32) : nullptr;
            DevTensor& pos_d = s.keep(upload_i32({static_cast<std::int32_t>(g.pos)}));
            DevTensor& y_d = s.keep(device_tensor(rows * g.heads * dh, Elem::bf16));

            KvStrides at;
            if (pass) {
              at.seq_stride = g.Q * g.kv_heads * dh;
              at.head_stride = dh;
              at.tok_stride = g.kv_heads * dh;
              at.wrap = g.Q;
            } else {
              at = cache_strides(g.B, g.kv_heads, g.dh, g.slots);
            }
            auto offset = [&](int64_t set, int64_t b, int64_t h, int64_t t) {
              return b * at.seq_stride + set * at.set_stride + h * at.head_stride + (t % at.wrap) * at.tok_stride;
            };

            const auto qb = round_bf16(q), kb = round_bf16(k), vb = round_bf16(v), ygb = round_bf16(y_global);
            Expect e{"y", &y_d};
            if (local) e.initial = y_global;
            e.ref.assign(static_cast<std::size_t>(rows * g.heads * dh), 0.0);
            e.cpu.assign(e.ref.size(), 0.0f);
            const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
            std::vector<float> scratch, out_cpu(static_cast<std::size_t>(dh));
            for (int64_t j = 0; j < g.loops; ++j)
              for (int64_t b = 0; b < g.B; ++b)
                for (int64_t ri = 0; ri < g.Q; ++ri)
                  for (int h = 0; h < g.heads; ++h) {
                    const int64_t row = j * g.B * g.Q + b * g.Q + ri, p = g.pos + ri;
                    const int64_t set = g.shared ? 0 : j, kvh = h / group;
                    const int64_t t_lo = local ? std::max<int64_t>(0, p - g.window + 1) : 0;
                    const std::size_t qo = static_cast<std::size_t>((row * g.heads + h) * dh);
                    // fp64 softmax attention on the fp32 inputs.
                    std::vector<double> sc;
                    double mx = -INFINITY;
                    for (int64_t t = t_lo; t <= p; ++t) {
                      double dot = 0;
                      for (int64_t i = 0; i < dh; ++i)
                        dot += static_cast<double>(q[qo + static_cast<std::size_t>(i)]) *
                               k[static_cast<std::size_t>(offset(set, b, kvh, t) + i)];
                      sc.push_back(dot / std::sqrt(static_cast<double>(dh)));
                      mx = std::max(mx, sc.back());
                    }
                    double den = 0;
                    for (double& x : sc) den += (x = std::exp(x - mx));
                    double gate_ref = 0;
                    float gate_cpu = 0;
                    if (local) {
                      if (g.gate == GateOverride::open) {
                        gate_ref = 1, gate_cpu = 1;
                      } else if (g.gate == GateOverride::none) {
                        double z = gate_b[static_cast<std::size_t>(h)];
                        float zc = 0;
                        for (int64_t i = 0; i < dh; ++i) {
                          const auto wi = static_cast<std::size_t>(h * dh + i);
                          z += static_cast<double>(gate_w[wi]) * q[qo + static_cast<std::size_t>(i)];
                          zc += gate_w[wi] * qb[qo + static_cast<std::size_t>(i)];
                        }
                        gate_ref = 1.0 / (1.0 + std::exp(-z));
                        gate_cpu = 1.0f / (1.0f + std::exp(-(zc + gate_b[static_cast<std::size_t>(h)])));
                      }
                    }
                    for (int64_t i = 0; i < dh; ++i) {
                      double o = 0;
                      for (int64_t t = t_lo; t <= p; ++t)
                        o += sc[static_cast<std::size_t>(t - t_lo)] *
                             v[static_cast<std::size_t>(offset(set, b, kvh, t) + i)];
                      o /= den;
                      if (local) o = gate_ref * o + (1 - gate_ref) * y_global[qo + static_cast<std::size_t>(i)];
                      e.ref[qo + static_cast<std::size_t>(i)] = o;
                    }
                    // The engine's CPU kernel on the bf16-rounded inputs.
                    const float* qp = qb.data() + qo;
                    float* op = out_cpu.data();
                    cpu::KeyView view{kb.data() + offset(set, b, kvh, 0), vb.data() + offset(set, b, kvh, 0),
                                      at.tok_stride, at.wrap};
                    cpu::attend({&qp, &op, 1, t_lo, p, dh, scale}, view, scratch);
                    for (int64_t i = 0; i < dh; ++i) {
                      float o = out_cpu[static_cast<std::size_t>(i)];
                      if (local) o = gate_cpu * o + (1 - gate_cpu) * ygb[qo + static_cast<std::size_t>(i)];
                      e.cpu[qo + static_cast<std::size_t>(i)] = round_bf16(o);
                    }
                  }
            s.outputs.push_back(std::move(e));
            const double keys_read =
                static_cast<double>(local ? std::min<int64_t>(g.window, g.pos + g.Q) : g.pos + g.Q);
            s.bytes_moved = static_cast<double>(sets * g.B * g.kv_heads) * keys_read * static_cast<double>(dh) * 4 +
                            static_cast<double>(rows * g.heads * dh) * 4;

            std::size_t partial_bytes = 0;
            AttnGlobalArgs ga;
            ga.seqs = g.B;
            ga.loops = g.loops;
            ga.q_per_loop = g.Q;
            ga.sets = g.shared ? KvSets::one_shared : KvSets::per_loop;
            ga.heads = g.heads;
            ga.kv_heads = g.kv_heads;
            ga.head_dim = g.dh;
            ga.splits = g.splits;
            ga.max_grid_y = g.max_grid_y;
            partial_bytes = attn_global_partials_bytes(ga, g.splits);
            DevTensor& partials = s.keep(device_tensor(partial_bytes / 4, Elem::f32));
            s.launch = [=, &q_d, &k_d, &v_d, &pos_d, &y_d, &partials](cudaStream_t stream) {
              const KvReadView kv{k_d.as<bf16>(), v_d.as<bf16>(), at};
              if (!local) {
                AttnGlobalArgs a = ga;
                a.q = q_d.as<bf16>();
                a.y = y_d.as<bf16>();
                a.kv = kv;
                a.position = pos_d.as<int>();
                a.partials = partials.as<float>();
                a.partials_bytes = partial_bytes;
                launch_attn_global(a, stream);
                return;
              }
              AttnLocalGateArgs a;
              a.q = q_d.as<bf16>();
              a.y = y_d.as<bf16>();
              a.seqs = g.B;
              a.loops = g.loops;
              a.q_per_loop = g.Q;
              a.heads = g.heads;
              a.kv_heads = g.kv_heads;
              a.head_dim = g.dh;
              a.kv = kv;
              a.window = g.window;
              a.position = pos_d.as<int>();
              a.gate_w = gw_d->as<float>();
              a.gate_b = gb_d->as<float>();
              a.gate = g.gate;
              launch_attn_local_gate(a, stream);
            };
          }};
}

}  // namespace

std::vector<OpCase> attention_cases() {
  std::vector<OpCase> c;
  // rope_kv_append: {rows_per_loop, seq_len, loops, kv_rows, Hq, Hkv, dh, pos, qk_norm, first, later, scratch}
  c.push_back(rope_case("rope_kv_append_vanilla_decode", {3, 1, 1, 3, 4, 2, 32, 17, false, 64, 0, false}));
  c.push_back(rope_case("rope_kv_append_looped_decode_loop2", {2, 1, 1, 2, 8, 2, 64, 40, false, 48, 0, false}));
  c.push_back(rope_case("rope_kv_append_clp_decode_L3", {2, 1, 3, 6, 4, 2, 16, 9, false, 12, 12, false}));
  c.push_back(rope_case("rope_kv_append_clp_share_decode_L2", {3, 1, 2, 3, 4, 1, 32, 5, false, 8, 0, false}));
  c.push_back(rope_case("rope_kv_append_plt_decode_L3_ring_wraps", {2, 1, 3, 6, 4, 2, 16, 9, false, 16, 4, false}));
  c.push_back(rope_case("rope_kv_append_prefill_qk_norm", {int64_t{2} * 5, 5, 1, 10, 4, 2, 32, 0, true, 8, 0, true}));
  c.push_back(
      rope_case("rope_kv_append_plt_prefill_loop2_ring", {int64_t{2} * 7, 7, 1, 14, 4, 2, 16, 0, false, 4, 0, true}));
  c.push_back(rope_case("rope_kv_append_head_dim_128_qk_norm", {2, 1, 1, 2, 2, 1, 128, 3, true, 8, 0, false}));

  // attn_global (decode): {kind, B, loops, Q, shared, Hq, Hkv, dh, pos, slots, window, splits}
  c.push_back(attn_case("attn_global_vanilla_decode", {AttnKind::global, 2, 1, 1, false, 4, 2, 32, 37, 64, 0, 1}));
  c.push_back(attn_case("attn_global_looped_decode_gqa4_split3",
                        {AttnKind::global, 2, 1, 1, false, 8, 2, 128, 300, 320, 0, 3}));
  c.push_back(
      attn_case("attn_global_clp_decode_L3_per_loop", {AttnKind::global, 2, 3, 1, false, 4, 2, 16, 11, 16, 0, 1}));
  c.push_back(
      attn_case("attn_global_clp_share_decode_L2_shared", {AttnKind::global, 3, 2, 1, true, 4, 1, 32, 20, 24, 0, 1}));
  c.push_back(
      attn_case("attn_global_plt_decode_L2_split4_long", {AttnKind::global, 2, 2, 1, true, 32, 8, 64, 700, 704, 0, 4}));
  c.push_back(attn_case("attn_global_plt_decode_L4_gqa8_two_blocks",
                        {AttnKind::global, 1, 4, 1, true, 16, 2, 64, 50, 64, 0, 2}));
  c.push_back(attn_case("attn_global_decode_first_token", {AttnKind::global, 2, 1, 1, false, 4, 2, 32, 0, 8, 0, 2}));
  // prefill (causal): Q = P rows per sequence at positions 0..P-1.
  c.push_back(attn_case("attn_global_prefill_causal", {AttnKind::global, 2, 1, 19, false, 4, 2, 32, 0, 19, 0, 1}));
  c.push_back(attn_case("attn_global_prefill_gqa4_dh64", {AttnKind::global, 1, 1, 37, false, 8, 2, 64, 0, 40, 0, 1}));
  // A prompt's query blocks past grid.y's limit (65,535: a 131k prompt with GQA group 8) run as
  // several launches; here the cap is 2 so 37 rows x group 4 = 10 blocks run as 5 launches.
  AttnShape chunked{AttnKind::global, 1, 1, 37, false, 8, 2, 64, 0, 40, 0, 1};
  chunked.max_grid_y = 2;
  c.push_back(attn_case("attn_global_prefill_grid_y_chunks", chunked));

  // attn_local_gate: decode over rings (slots = w), prefill over the pass's own K/V.
  AttnShape local{AttnKind::local_gate, 2, 1, 1, false, 4, 2, 16, 9, 4, 4, 1};
  c.push_back(attn_case("attn_local_gate_plt_decode_L2_ring_wraps", local));
  AttnShape l3 = local;
  l3.loops = 2;  // loops 2..3 of an L=3 pass
  l3.pos = 30;
  c.push_back(attn_case("attn_local_gate_plt_decode_L3", l3));
  AttnShape early = local;
  early.pos = 2;  // fewer than w positions so far
  c.push_back(attn_case("attn_local_gate_plt_decode_early", early));
  AttnShape open = l3;
  open.gate = GateOverride::open;
  c.push_back(attn_case("attn_local_gate_gate_open", open));
  AttnShape closed = l3;
  closed.gate = GateOverride::closed;
  c.push_back(attn_case("attn_local_gate_gate_closed", closed));
  AttnShape pre{AttnKind::local_gate, 2, 1, 9, false, 4, 2, 16, 0, 0, 4, 1, KvLayoutKind::pass};
  c.push_back(attn_case("attn_local_gate_plt_prefill_window", pre));
  AttnShape big{AttnKind::local_gate, 3, 1, 1, false, 32, 8, 64, 200, 64, 64, 1};
  c.push_back(attn_case("attn_local_gate_plt_decode_w64", big));
  return c;
}

}  // namespace looplab::gpu::test
