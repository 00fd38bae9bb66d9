// The reference forward pass, written for clarity: one position, one head at a time, in double.
#include "tests/engine/reference.hpp"

#include <algorithm>
#include <cmath>

namespace looplab::ref {
namespace {

const std::vector<float>& W(const Weights& w, std::int64_t layer, const char* suffix) {
  return w.at(layer_tensor_name(layer, suffix)).data;
}

// y = x . M^T for M stored (out, in) row-major.
std::vector<double> linear(const std::vector<double>& x, const std::vector<float>& m, std::int64_t out) {
  const auto in = static_cast<std::int64_t>(x.size());
  std::vector<double> y(static_cast<std::size_t>(out), 0.0);
  for (std::int64_t o = 0; o < out; ++o)
    for (std::int64_t i = 0; i < in; ++i) y[o] += x[i] * m[static_cast<std::size_t>(o * in + i)];
  return y;
}

std::vector<double> rms(const std::vector<double>& x, const std::vector<float>& weight, double eps,
                        std::size_t begin = 0, std::size_t width = 0) {
  if (width == 0) width = x.size();
  double ss = 0;
  for (std::size_t i = 0; i < width; ++i) ss += x[begin + i] * x[begin + i];
  const double inv = 1.0 / std::sqrt(ss / static_cast<double>(width) + eps);
  std::vector<double> y(width);
  for (std::size_t i = 0; i < width; ++i) y[i] = x[begin + i] * inv * weight[i];
  return y;
}

// Rotate-half RoPE of each dh-sized head of v at position pos.
void rope(std::vector<double>& v, std::int64_t dh, std::int64_t pos, double theta) {
  const std::int64_t half = dh / 2;
  for (std::size_t h0 = 0; h0 < v.size(); h0 += static_cast<std::size_t>(dh))
    for (std::int64_t i = 0; i < half; ++i) {
      const double ang =
          static_cast<double>(pos) * std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(dh));
      const double a = v[h0 + i], b = v[h0 + i + half];
      v[h0 + i] = a * std::cos(ang) - b * std::sin(ang);
      v[h0 + i + half] = b * std::cos(ang) + a * std::sin(ang);
    }
}

// softmax(q . K[t]/sqrt(dh)) . V[t] over t in [lo, hi], head slices at qo (query) and ko (kv).
std::vector<double> attend(const std::vector<double>& q, std::size_t qo, const Mat& K, const Mat& V, std::size_t ko,
                           std::int64_t lo, std::int64_t hi, std::int64_t dh) {
  std::vector<double> s;
  for (std::int64_t t = lo; t <= hi; ++t) {
    double dot = 0;
    for (std::int64_t j = 0; j < dh; ++j) dot += q[qo + j] * K[t][ko + j];
    s.push_back(dot / std::sqrt(static_cast<double>(dh)));
  }
  const double mx = *std::max_element(s.begin(), s.end());
  double sum = 0;
  for (double& x : s) sum += (x = std::exp(x - mx));
  std::vector<double> out(static_cast<std::size_t>(dh), 0.0);
  for (std::int64_t t = lo; t <= hi; ++t)
    for (std::int64_t j = 0; j < dh; ++j) out[j] += s[t - lo] / sum * V[t][ko + j];
  return out;
}

}  // namespace

Mat embed(const ModelConfig& c, const Weights& w, const std::vector<std::int32_t>& tokens) {
  const auto& e = w.at("model.embed_tokens.weight").data;
  Mat x;
  for (std::int32_t t : tokens)
    x.emplace_back(e.begin() + static_cast<std::int64_t>(t) * c.hidden,
                   e.begin() + (static_cast<std::int64_t>(t) + 1) * c.hidden);
  return x;
}

StackResult stack(const ModelConfig& c, const Weights& w, const Mat& x_in, AttnMode mode, const PassKv* loop1,
                  GateOverride gate) {
  const auto n = static_cast<std::int64_t>(x_in.size());
  const std::int64_t dh = c.head_dim, hq = c.heads, hkv = c.kv_heads, group = hq / hkv;
  Mat x = x_in;
  StackResult res;
  for (std::int64_t layer = 0; layer < c.layers; ++layer) {
    Mat Q(n), K(n), V(n);
    for (std::int64_t p = 0; p < n; ++p) {
      auto xn = rms(x[p], W(w, layer, "input_layernorm.weight"), c.norm_eps);
      Q[p] = linear(xn, W(w, layer, "self_attn.q_proj.weight"), hq * dh);
      K[p] = linear(xn, W(w, layer, "self_attn.k_proj.weight"), hkv * dh);
      V[p] = linear(xn, W(w, layer, "self_attn.v_proj.weight"), hkv * dh);
      if (c.qk_norm) {
        std::vector<double> q2, k2;
        for (std::int64_t h = 0; h < hq; ++h) {
          auto part = rms(Q[p], W(w, layer, "self_attn.q_norm.weight"), c.norm_eps, static_cast<std::size_t>(h * dh),
                          static_cast<std::size_t>(dh));
          q2.insert(q2.end(), part.begin(), part.end());
        }
        for (std::int64_t h = 0; h < hkv; ++h) {
          auto part = rms(K[p], W(w, layer, "self_attn.k_norm.weight"), c.norm_eps, static_cast<std::size_t>(h * dh),
                          static_cast<std::size_t>(dh));
          k2.insert(k2.end(), part.begin(), part.end());
        }
        Q[p] = q2;
        K[p] = k2;
      }
      rope(Q[p], dh, p, c.rope_theta);
      rope(K[p], dh, p, c.rope_theta);
    }
    res.kv.k.push_back(K);
    res.kv.v.push_back(V);
    const Mat& Kg = mode == AttnMode::own ? K : loop1->k[static_cast<std::size_t>(layer)];
    const Mat& Vg = mode == AttnMode::own ? V : loop1->v[static_cast<std::size_t>(layer)];

    for (std::int64_t p = 0; p < n; ++p) {
      std::vector<double> y;
      for (std::int64_t h = 0; h < hq; ++h) {
        const auto qo = static_cast<std::size_t>(h * dh), ko = static_cast<std::size_t>((h / group) * dh);
        auto yh = attend(Q[p], qo, Kg, Vg, ko, 0, p, dh);
        if (mode == AttnMode::gated) {
          auto yl = attend(Q[p], qo, K, V, ko, std::max<std::int64_t>(0, p - c.window + 1), p, dh);
          double g = gate == GateOverride::open ? 1.0 : 0.0;
          if (gate == GateOverride::none) {
            const auto& gw = W(w, layer, "self_attn.gate.weight");
            double z = W(w, layer, "self_attn.gate.bias")[static_cast<std::size_t>(h)];
            for (std::int64_t j = 0; j < dh; ++j) z += gw[static_cast<std::size_t>(h * dh + j)] * Q[p][qo + j];
            g = 1.0 / (1.0 + std::exp(-z));
          }
          for (std::int64_t j = 0; j < dh; ++j) yh[j] = g * yl[j] + (1.0 - g) * yh[j];
        }
        y.insert(y.end(), yh.begin(), yh.end());
      }
      auto o = linear(y, W(w, layer, "self_attn.o_proj.weight"), c.hidden);
      for (std::int64_t i = 0; i < c.hidden; ++i) x[p][i] += o[i];
      auto xn = rms(x[p], W(w, layer, "post_attention_layernorm.weight"), c.norm_eps);
      auto gt = linear(xn, W(w, layer, "mlp.gate_proj.weight"), c.ffn);
      auto up = linear(xn, W(w, layer, "mlp.up_proj.weight"), c.ffn);
      for (std::int64_t i = 0; i < c.ffn; ++i) gt[i] = gt[i] / (1.0 + std::exp(-gt[i])) * up[i];
      auto down = linear(gt, W(w, layer, "mlp.down_proj.weight"), c.hidden);
      for (std::int64_t i = 0; i < c.hidden; ++i) x[p][i] += down[i];
    }
  }
  res.h = std::move(x);
  return res;
}

Forward forward(const ModelConfig& c, const Weights& w, const std::vector<std::int32_t>& tokens, GateOverride gate) {
  const Mat E = embed(c, w, tokens);
  const std::int64_t L = c.effective_loops();
  Mat h;
  if (!is_cross_loop(c.variant)) {
    // vanilla and looped: h(l) = f(h(l-1)), each loop over its own K/V.
    h = E;
    for (std::int64_t l = 1; l <= L; ++l) h = stack(c, w, h, AttnMode::own).h;
  } else {
    // H(1) = f(E); B(l) = a*E + b*shift(H(l-1)); H(l) = f(B(l)) with the variant's attention.
    StackResult first = stack(c, w, E, AttnMode::own);
    h = first.h;
    const AttnMode later = c.variant == Variant::clp         ? AttnMode::own
                           : c.variant == Variant::clp_share ? AttnMode::shared
                                                             : AttnMode::gated;
    for (std::int64_t l = 2; l <= L; ++l) {
      Mat b = E;
      for (std::size_t p = 0; p < b.size(); ++p)
        for (std::size_t i = 0; i < b[p].size(); ++i)
          b[p][i] = c.reinject_e * E[p][i] + (p > 0 ? c.reinject_h * h[p - 1][i] : 0.0);
      h = stack(c, w, b, later, &first.kv, gate).h;
    }
  }
  Forward f;
  f.hidden = h;
  auto hn = rms(h.back(), w.at("model.norm.weight").data, c.norm_eps);
  const auto& head = w.at(c.tied_embeddings ? "model.embed_tokens.weight" : "lm_head.weight").data;
  f.logits = linear(hn, head, c.vocab);
  return f;
}

}  // namespace looplab::ref
