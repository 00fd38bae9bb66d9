// check_step: the StepIO checks both backends share (engine/core/step_rows.hpp).
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/core/step_rows.hpp"

using namespace looplab;

TEST(StepRows, DerivesRowsAndRejectsBadSteps) {
  ModelConfig c = load_model("tiny");  // vocab 97
  c.variant = Variant::plt;
  c.loops = 2;
  const StepPlan pre = plan_step(c, {Phase::prefill, 2, 3});
  std::vector<std::int32_t> six = {1, 2, 3, 4, 5, 6};
  StepRows r = check_step({&pre, six, 0}, 2, 10, 97);
  EXPECT_EQ(r.rows, 6);  // B*P
  EXPECT_EQ(r.prompt_len, 3);
  EXPECT_FALSE(r.multi_loop);  // prefill is the full-sequence form
  const StepPlan dec = plan_step(c, {Phase::decode, 2, 4});
  std::vector<std::int32_t> two = {7, 8};
  r = check_step({&dec, two, 3}, 2, 10, 97);
  EXPECT_EQ(r.rows, 2);
  EXPECT_TRUE(r.multi_loop);  // plt L=2 decodes in one pass over B*L rows
  EXPECT_THROW(check_step({&dec, two, 2}, 2, 10, 97), std::invalid_argument);  // context != position+1
  EXPECT_THROW(check_step({&dec, two, 3}, 3, 10, 97), std::invalid_argument);  // batch differs
  EXPECT_THROW(check_step({&pre, two, 0}, 2, 10, 97), std::invalid_argument);  // token count
  EXPECT_THROW(check_step({&dec, two, 3}, 2, 3, 97), std::invalid_argument);   // beyond capacity
  std::vector<std::int32_t> bad = {7, 97};
  EXPECT_THROW(check_step({&dec, bad, 3}, 2, 10, 97), InputError);
}
