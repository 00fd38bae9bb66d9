// Harness cases of the cuBLASLt GEMMs in the shapes of the plan: fused QKV, the q-only and kv-only
// projections of clp_share (column slices of one output, odd pointer alignment), the residual
// GEMMs (accumulate in place), gate_up, the LM head, decode (m = B or B*L) and prefill sizes; and
// the fused path's skinny kernel (launch_gemv) in the decode shapes.
#include <cmath>
#include <memory>

#include "engine/cpu/matmul.hpp"
#include "engine/cuda/ops/gemm.hpp"
#include "engine/cuda/ops/gemv.hpp"
#include "tests/gpu/op_harness.hpp"

namespace looplab::gpu::test {
namespace {

using std::int64_t;

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  int64_t x_stride = 0;  // >= k
  int64_t y_stride = 0;  // >= y_col + n
  int64_t y_col = 0;     // first output column (kv_proj writes after the q columns)
  int64_t w_row = 0;     // first weight row (kv_proj uses the k|v rows of [Wq;Wk;Wv])
  int64_t w_rows = 0;    // rows of the whole weight (>= w_row + n)
  Accumulate acc = Accumulate::no;
  bool gemv = false;  // the fused path's skinny kernel (launch_gemv) instead of cuBLASLt
};

OpCase gemm_case(std::string name, GemmShape g) {
  return {std::move(name), [g](std::mt19937_64& rng, CaseSetup& s) {
            const float x_scale = 2.0f, w_scale = 1.0f / std::sqrt(static_cast<float>(g.k));
            const auto x = random_vector(rng, g.m * g.x_stride, x_scale);
            const auto w = random_vector(rng, g.w_rows * g.k, w_scale);
            const auto y0 = random_vector(rng, g.m * g.y_stride, 3.0f);
            DevTensor& xd = s.input("x", x, Elem::bf16);
            DevTensor& wd = s.input("w", w, Elem::bf16);
            DevTensor& yd = s.keep(device_tensor(g.m * g.y_stride, Elem::f32));
            const bool acc = g.acc == Accumulate::yes;

            // CPU kernels on the bf16-rounded operands.
            const auto xb = round_bf16(x), wb = round_bf16(w);
            std::vector<float> ycpu = acc ? y0 : std::vector<float>(y0.size(), 0.0f);
            cpu::matmul_nt({xb.data(), wb.data() + g.w_row * g.k, ycpu.data() + g.y_col, g.m, g.n, g.k, g.x_stride, g.k,
                            g.y_stride, acc ? cpu::Accumulate::yes : cpu::Accumulate::no});
            Expect e{"y", &yd};
            if (acc) e.initial = y0;
            for (int64_t r = 0; r < g.m; ++r)
              for (int64_t c = 0; c < g.y_stride; ++c) {
                const auto at = static_cast<std::size_t>(r * g.y_stride + c);
                if (c < g.y_col || c >= g.y_col + g.n) {  // outside the output columns: untouched
                  e.ref.push_back(acc ? y0[at] : std::nan(""));
                  e.cpu.push_back(acc ? y0[at] : NAN);
                  continue;
                }
                double sum = acc ? y0[at] : 0.0;
                const float* xr = x.data() + r * g.x_stride;
                const float* wr = w.data() + (g.w_row + c - g.y_col) * g.k;
                for (int64_t i = 0; i < g.k; ++i) sum += static_cast<double>(xr[i]) * wr[i];
                e.ref.push_back(sum);
                e.cpu.push_back(ycpu[at]);
              }
            s.outputs.push_back(std::move(e));
            s.bytes_moved =
                2.0 * static_cast<double>(g.n * g.k + g.m * g.k) + 4.0 * static_cast<double>(g.m * g.n) * (acc ? 2 : 1);
            // Created at the first launch: building a case needs no device (check_case_without_device).
            auto runner = std::make_shared<std::unique_ptr<GemmRunner>>();
            s.launch = [runner, &xd, &wd, &yd, g](cudaStream_t stream) {
              const GemmArgs a{xd.as<bf16>(),
                               wd.as<bf16>() + g.w_row * g.k,
                               yd.as<float>() + g.y_col,
                               g.m,
                               g.n,
                               g.k,
                               g.x_stride,
                               g.y_stride,
                               g.acc};
              if (g.gemv) {
                launch_gemv(a, stream);
                return;
              }
              if (!*runner) *runner = std::make_unique<GemmRunner>();
              (*runner)->run(a, stream);
            };
          }};
}

// Dimensions of a small model: d 256, 8 query / 2 KV heads of 24 (q 192, kv 48: column offsets
// that are not multiples of 256 bytes), ffn 320.
constexpr int64_t kD = 256, kQ = 192, kKv = 48, kLd = kQ + 2 * kKv, kFfn = 320;

}  // namespace

std::vector<OpCase> gemm_cases() {
  return {
      gemm_case("qkv_proj_vanilla_decode_B1", {1, kLd, kD, kD, kLd, 0, 0, kLd}),
      gemm_case("qkv_proj_plt_decode_B4_L2", {8, kLd, kD, kD, kLd, 0, 0, kLd}),
      gemm_case("qkv_proj_prefill", {int64_t{2} * 33, kLd, kD, kD, kLd, 0, 0, kLd}),
      gemm_case("q_proj_clp_share_decode_L3", {int64_t{3} * 3, kQ, kD, kD, kLd, 0, 0, kLd}),
      gemm_case("kv_proj_clp_share_decode_loop1", {3, 2 * kKv, kD, kD, kLd, kQ, kQ, kLd}),
      gemm_case("o_proj_residual_decode", {4, kD, kQ, kQ, kD, 0, 0, kD, Accumulate::yes}),
      gemm_case("o_proj_residual_prefill", {40, kD, kQ, kQ, kD, 0, 0, kD, Accumulate::yes}),
      gemm_case("gate_up_proj_clp_decode_L2", {int64_t{2} * 5, 2 * kFfn, kD, kD, 2 * kFfn, 0, 0, 2 * kFfn}),
      gemm_case("down_proj_residual_decode", {6, kD, kFfn, kFfn, kD, 0, 0, kD, Accumulate::yes}),
      gemm_case("lm_head_odd_vocab", {3, 1001, kD, kD, 1001, 0, 0, 1001}),
      gemm_case("strided_rows", {5, 64, 96, 128, 80, 8, 0, 64}),
      // The fused path's skinny kernel in the decode shapes (m <= 16).
      gemm_case("gemv_qkv_proj_decode_B1", {1, kLd, kD, kD, kLd, 0, 0, kLd, Accumulate::no, true}),
      gemm_case("gemv_qkv_proj_plt_decode_B4_L2", {8, kLd, kD, kD, kLd, 0, 0, kLd, Accumulate::no, true}),
      gemm_case("gemv_kv_proj_clp_share_loop1", {3, 2 * kKv, kD, kD, kLd, kQ, kQ, kLd, Accumulate::no, true}),
      gemm_case("gemv_o_proj_residual_decode", {4, kD, kQ, kQ, kD, 0, 0, kD, Accumulate::yes, true}),
      gemm_case("gemv_down_proj_residual_decode", {6, kD, kFfn, kFfn, kD, 0, 0, kD, Accumulate::yes, true}),
      gemm_case("gemv_gate_up_16_rows", {16, 2 * kFfn, kD, kD, 2 * kFfn, 0, 0, 2 * kFfn, Accumulate::no, true}),
      gemm_case("gemv_lm_head_odd_vocab", {3, 1001, kD, kD, 1001, 0, 0, 1001, Accumulate::no, true}),
      gemm_case("gemv_strided_rows", {5, 64, 96, 128, 80, 8, 0, 64, Accumulate::no, true}),
  };
}

}  // namespace looplab::gpu::test
