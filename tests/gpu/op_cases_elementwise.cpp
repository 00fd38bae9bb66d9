// Harness cases of the row-wise ops: embed (+ re-injection), reinject, the RMSNorms, SwiGLU,
// state_save and argmax, in the shapes each variant's plan gives them.
#include <cmath>
#include <limits>

#include "engine/cpu/elementwise.hpp"
#include "engine/cpu/rmsnorm.hpp"
#include "engine/cuda/ops/argmax.hpp"
#include "engine/cuda/ops/embed.hpp"
#include "engine/cuda/ops/reinject.hpp"
#include "engine/cuda/ops/rmsnorm.hpp"
#include "engine/cuda/ops/state_save.hpp"
#include "engine/cuda/ops/swiglu.hpp"
#include "tests/gpu/op_harness.hpp"

namespace looplab::gpu::test {
namespace {

using std::int64_t;

OpCase embed_case(std::string name, int64_t rows_per_loop, int64_t loops, int64_t d, float se, float sh) {
  return {std::move(name), [=](std::mt19937_64& rng, CaseSetup& s) {
            const int32_t vocab = 50;
            const auto table = random_vector(rng, vocab * d);
            const auto state = random_vector(rng, (loops - 1) * rows_per_loop * d);
            const auto ids = random_ids(rng, rows_per_loop, vocab);
            std::vector<float> ids_f(ids.begin(), ids.end());
            DevTensor& t = s.input("table", table, Elem::bf16);
            DevTensor* st = loops > 1 ? &s.input("state", state, Elem::f32) : nullptr;
            s.inputs.emplace_back("tokens", ids_f);
            DevTensor& tok = s.keep(upload_i32(ids));
            DevTensor& out = s.keep(device_tensor(loops * rows_per_loop * d, Elem::f32));
            Expect e{"x", &out};
            for (int64_t l = 0; l < loops; ++l)
              for (int64_t r = 0; r < rows_per_loop; ++r)
                for (int64_t i = 0; i < d; ++i) {
                  const auto ei = static_cast<std::size_t>(ids[r] * d + i);
                  double ref = table[ei];
                  float cpu = round_bf16(table[ei]);
                  if (l > 0) {
                    const float sv = state[static_cast<std::size_t>(((l - 1) * rows_per_loop + r) * d + i)];
                    ref = se * ref + static_cast<double>(sh) * sv;
                    cpu = se * cpu + sh * sv;
                  }
                  e.ref.push_back(ref);
                  e.cpu.push_back(cpu);
                }
            s.outputs.push_back(std::move(e));
            s.bytes_moved = static_cast<double>(loops * rows_per_loop * d) * (2 + 4 + (loops > 1 ? 4 : 0));
            s.launch = [&t, st, &tok, &out, rows_per_loop, loops, d, se, sh](cudaStream_t stream) {
              launch_embed({tok.as<std::int32_t>(), t.as<bf16>(), st ? st->as<float>() : nullptr, out.as<float>(),
                            rows_per_loop, loops, d, se, sh},
                           stream);
            };
          }};
}

OpCase reinject_case(std::string name, int64_t B, int64_t P, int64_t d, float se, float sh) {
  return {std::move(name), [=](std::mt19937_64& rng, CaseSetup& s) {
            const int32_t vocab = 40;
            const auto table = random_vector(rng, vocab * d);
            const auto h = random_vector(rng, B * P * d, 3.0f);
            const auto ids = random_ids(rng, B * P, vocab);
            DevTensor& t = s.input("table", table, Elem::bf16);
            DevTensor& hp = s.input("h_prev", h, Elem::f32);
            s.inputs.emplace_back("tokens", std::vector<float>(ids.begin(), ids.end()));
            DevTensor& tok = s.keep(upload_i32(ids));
            DevTensor& out = s.keep(device_tensor(B * P * d, Elem::f32));
            Expect e{"b_l", &out};
            for (int64_t row = 0; row < B * P; ++row)
              for (int64_t i = 0; i < d; ++i) {
                const auto ei = static_cast<std::size_t>(ids[row] * d + i);
                const float prev = row % P > 0 ? h[static_cast<std::size_t>((row - 1) * d + i)] : 0.0f;
                e.ref.push_back(static_cast<double>(se) * table[ei] + static_cast<double>(sh) * prev);
                e.cpu.push_back(se * round_bf16(table[ei]) + sh * prev);
              }
            s.outputs.push_back(std::move(e));
            s.bytes_moved = static_cast<double>(B * P * d) * 10;
            s.launch = [&t, &hp, &tok, &out, B, P, d, se, sh](cudaStream_t stream) {
              launch_reinject({tok.as<std::int32_t>(), t.as<bf16>(), hp.as<float>(), out.as<float>(), B, P, d, se, sh},
                              stream);
            };
          }};
}

// rows rows taken every `stride` rows of a (rows*stride, d) input (final_norm of a prefill
// reads the last row of each sequence).
OpCase rmsnorm_case(std::string name, int64_t rows, int64_t d, int64_t stride_rows, int64_t first_row) {
  return {std::move(name), [=](std::mt19937_64& rng, CaseSetup& s) {
            const double eps = 1e-5;
            const auto x = random_vector(rng, rows * stride_rows * d, 4.0f);
            auto w = random_vector(rng, d, 0.2f);
            for (float& v : w) v += 1.0f;  // near 1, never 0
            DevTensor& xin = s.input("x", x, Elem::f32);
            DevTensor& win = s.input("weight", w, Elem::f32);
            DevTensor& out = s.keep(device_tensor(rows * d, Elem::bf16));
            Expect e{"y", &out};
            std::vector<float> cpu_row(static_cast<std::size_t>(d));
            for (int64_t r = 0; r < rows; ++r) {
              const float* xr = x.data() + (r * stride_rows + first_row) * d;
              double ss = 0;
              for (int64_t i = 0; i < d; ++i) ss += static_cast<double>(xr[i]) * xr[i];
              const double inv = 1.0 / std::sqrt(ss / static_cast<double>(d) + eps);
              cpu::rmsnorm_row(xr, w.data(), cpu_row.data(), d, eps);
              for (int64_t i = 0; i < d; ++i) {
                e.ref.push_back(xr[i] * inv * w[static_cast<std::size_t>(i)]);
                e.cpu.push_back(round_bf16(cpu_row[static_cast<std::size_t>(i)]));
              }
            }
            s.outputs.push_back(std::move(e));
            s.bytes_moved = static_cast<double>(rows * d) * 6;
            s.launch = [&xin, &win, &out, rows, d, stride_rows, first_row, eps](cudaStream_t stream) {
              launch_rmsnorm({xin.as<float>() + first_row * d, stride_rows * d, win.as<float>(), out.as<bf16>(), rows,
                              d, static_cast<float>(eps)},
                             stream);
            };
          }};
}

OpCase swiglu_case(std::string name, int64_t rows, int64_t ffn) {
  return {std::move(name), [=](std::mt19937_64& rng, CaseSetup& s) {
            const auto gu = random_vector(rng, rows * 2 * ffn, 4.0f);
            DevTensor& in = s.input("gate_up", gu, Elem::f32);
            DevTensor& out = s.keep(device_tensor(rows * ffn, Elem::bf16));
            Expect e{"act", &out};
            std::vector<float> cpu(static_cast<std::size_t>(rows * ffn));
            cpu::swiglu(gu.data(), cpu.data(), rows, ffn);
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t i = 0; i < ffn; ++i) {
                const double g = gu[static_cast<std::size_t>(r * 2 * ffn + i)];
                const double u = gu[static_cast<std::size_t>(r * 2 * ffn + ffn + i)];
                e.ref.push_back(g / (1.0 + std::exp(-g)) * u);
                e.cpu.push_back(round_bf16(cpu[static_cast<std::size_t>(r * ffn + i)]));
              }
            s.outputs.push_back(std::move(e));
            s.bytes_moved = static_cast<double>(rows * ffn) * 10;
            s.launch = [&in, &out, rows, ffn](cudaStream_t stream) {
              launch_swiglu({in.as<float>(), out.as<bf16>(), rows, ffn}, stream);
            };
          }};
}

OpCase state_save_case(std::string name, int64_t rows, int64_t d, int64_t stride_rows, int64_t first_row) {
  return {std::move(name), [=](std::mt19937_64& rng, CaseSetup& s) {
            const auto x = random_vector(rng, rows * stride_rows * d);
            DevTensor& in = s.input("x", x, Elem::f32);
            DevTensor& out = s.keep(device_tensor(rows * d, Elem::f32));
            Expect e{"saved", &out};
            e.exact = true;
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t i = 0; i < d; ++i)
                e.ref.push_back(x[static_cast<std::size_t>((r * stride_rows + first_row) * d + i)]);
            s.outputs.push_back(std::move(e));
            s.bytes_moved = static_cast<double>(rows * d) * 8;
            s.launch = [&in, &out, rows, d, stride_rows, first_row](cudaStream_t stream) {
              launch_state_save({in.as<float>() + first_row * d, stride_rows * d, out.as<float>(), rows, d}, stream);
            };
          }};
}

// Ties between equal maxima (the lowest id must win) and -inf entries planted in random logits.
OpCase argmax_case(std::string name, int64_t rows, int64_t vocab) {
  return {std::move(name), [=](std::mt19937_64& rng, CaseSetup& s) {
            auto logits = random_vector(rng, rows * vocab, 10.0f);
            std::uniform_int_distribution<int64_t> pick(0, vocab - 1);
            for (int64_t r = 0; r < rows; ++r) {
              float* row = logits.data() + r * vocab;
              if (r % 2 == 0) {  // two equal maxima
                const int64_t a = pick(rng), b = pick(rng);
                row[a] = row[b] = 20.0f;
              }
              row[pick(rng)] = -std::numeric_limits<float>::infinity();
            }
            DevTensor& in = s.input("logits", logits, Elem::f32);
            DevTensor& out = s.keep(device_tensor(rows, Elem::i32));
            Expect e{"tokens", &out};
            e.exact = true;
            for (int64_t r = 0; r < rows; ++r) e.ref.push_back(cpu::argmax(logits.data() + r * vocab, vocab));
            s.outputs.push_back(std::move(e));
            s.bytes_moved = static_cast<double>(rows * vocab) * 4;
            s.launch = [&in, &out, rows, vocab](cudaStream_t stream) {
              launch_argmax({in.as<float>(), out.as<std::int32_t>(), rows, vocab}, stream);
            };
          }};
}

}  // namespace

std::vector<OpCase> elementwise_cases() {
  return {
      embed_case("embed_vanilla_decode", 3, 1, 64, 1.0f, 1.0f),
      embed_case("embed_prefill", 2 * 7, 1, 96, 1.0f, 1.0f),
      embed_case("embed_plt_decode_L3", 3, 3, 64, 1.0f, 1.0f),
      embed_case("embed_clp_decode_L2_scaled", 4, 2, 80, 0.5f, 2.0f),
      reinject_case("reinject_clp_prefill", 2, 6, 64, 1.0f, 1.0f),
      reinject_case("reinject_plt_prefill_scaled", 3, 5, 72, 0.75f, 1.5f),
      rmsnorm_case("attn_norm_decode", 6, 256, 1, 0),
      rmsnorm_case("mlp_norm_odd_width", 5, 200, 1, 0),
      rmsnorm_case("final_norm_prefill_last_rows", 3, 128, 7, 6),
      rmsnorm_case("final_norm_clp_loop_rows", 4, 2048, 1, 0),
      swiglu_case("swiglu", 5, 130),
      state_save_case("state_save_decode_L3", 2 * 3, 64, 1, 0),
      state_save_case("state_save_prefill_last_rows", 3, 64, 5, 4),
      argmax_case("argmax_ties_and_inf", 4, 1000),
      argmax_case("argmax_large_vocab", 3, 128256),
  };
}

}  // namespace looplab::gpu::test
