// KV layout: allocated buffers equal the formula of docs/model.md ("The five variants") to the
// byte.
#include <gtest/gtest.h>

#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"

using namespace looplab;

TEST(Kv, UnitIsKAndVOverEveryLayer) {
  ModelConfig c = load_model("plt-paper-dense-1.2b");
  // 2 (K,V) * 16 layers * 8 kv heads * 64 dims * 2 bytes = 32768 bytes per token
  EXPECT_EQ(kv_unit_bytes(c, 2), 32768);
}

TEST(Kv, HandWorkedPltExample) {
  ModelConfig c = load_model("plt-paper-dense-1.2b");
  c.variant = Variant::plt;
  c.loops = 2;
  c.window = 64;
  // batch 4, n = 4096: 32768 * (4096 + 1*64) * 4 = 545259520 bytes
  EXPECT_EQ(kv_bytes_formula(c, 4, 4096, 2), 545259520);
  EXPECT_EQ(kv_layout(c, 4, 4096, 2).total_bytes(), 545259520);
  c.variant = Variant::looped;  // 32768 * 2 * 4096 * 4
  EXPECT_EQ(kv_bytes_formula(c, 4, 4096, 2), 1073741824);
}

TEST(Kv, LayoutMatchesFormulaOverAGrid) {
  ModelConfig base = load_model("tiny");
  int checked = 0;
  for (Variant v : kAllVariants)
    for (std::int64_t L : {1, 2, 3, 4})
      for (std::int64_t w : {1, 4, 64})
        for (std::int64_t n : {1, 3, 64, 100, 4096})
          for (std::int64_t b : {1, 3, 8})
            for (std::int64_t bpe : {2, 4}) {
              ModelConfig c = base;
              c.variant = v;
              c.loops = L;
              c.window = w;
              KvLayout lay = kv_layout(c, b, n, bpe);
              ASSERT_EQ(lay.total_bytes(), kv_bytes_formula(c, b, n, bpe))
                  << to_string(v) << " L=" << L << " w=" << w << " n=" << n << " b=" << b;
              ++checked;
            }
  EXPECT_EQ(checked, 5 * 4 * 3 * 5 * 3 * 2);
}

TEST(Kv, RatiosFollowTheLadder) {
  ModelConfig c = load_model("tiny");
  c.loops = 3;
  c.window = 8;
  auto kv = [&](Variant v) {
    c.variant = v;
    return kv_bytes_formula(c, 2, 100, 4);
  };
  const std::int64_t base = kv(Variant::vanilla);
  EXPECT_EQ(kv(Variant::looped), 3 * base);
  EXPECT_EQ(kv(Variant::clp), 3 * base);
  EXPECT_EQ(kv(Variant::clp_share), base);
  EXPECT_EQ(kv(Variant::plt), base + base * 2 * 8 / 100);  // n + (L-1)*w tokens
}

TEST(Kv, OverflowIsAnError) {
  ModelConfig c = load_model("plt-paper-dense-1.2b");
  EXPECT_THROW(kv_bytes_formula(c, std::int64_t{1} << 30, std::int64_t{1} << 30, 2), InputError);
  EXPECT_THROW(kv_layout(c, 0, 10, 2), InputError);
}
