// attend(): scores for all queries key by key (one read of each K row), a max-subtracted softmax
// per query, then the weighted sum of V key by key (one read of each V row).
#include "engine/cpu/attention.hpp"

#include <algorithm>
#include <cmath>

namespace looplab::cpu {

void attend(const AttendArgs& a, const KeyView& kv, std::vector<float>& scratch) {
  const std::int64_t n = a.t_hi - a.t_lo + 1, dh = a.head_dim;
  scratch.resize(static_cast<std::size_t>(a.nq * n));
  float* s = scratch.data();  // (nq, n)
  for (std::int64_t t = 0; t < n; ++t) {
    const float* k = kv.key(a.t_lo + t);
    for (std::int64_t i = 0; i < a.nq; ++i) {
      const float* q = a.q[i];
      float dot = 0;
#pragma omp simd reduction(+ : dot)
      for (std::int64_t j = 0; j < dh; ++j) dot += q[j] * k[j];
      s[i * n + t] = dot * a.scale;
    }
  }
  for (std::int64_t i = 0; i < a.nq; ++i) {
    float* row = s + i * n;
    const float mx = *std::max_element(row, row + n);
    float sum = 0;
    for (std::int64_t t = 0; t < n; ++t) {
      row[t] = std::exp(row[t] - mx);
      sum += row[t];
    }
    const float inv = 1.0f / sum;
    for (std::int64_t t = 0; t < n; ++t) row[t] *= inv;
    std::fill(a.out[i], a.out[i] + dh, 0.0f);
  }
  for (std::int64_t t = 0; t < n; ++t) {
    const float* v = kv.value(a.t_lo + t);
    for (std::int64_t i = 0; i < a.nq; ++i) {
      const float p = s[i * n + t];
      float* o = a.out[i];
#pragma omp simd
      for (std::int64_t j = 0; j < dh; ++j) o[j] += p * v[j];
    }
  }
}

}  // namespace looplab::cpu
