// ModelConfig: presets load, every field is validated with its name, unknown keys are refused.
#include <gtest/gtest.h>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"

using namespace looplab;

namespace {
// Runs f, expects an InputError, returns the field it named.
template <class F>
std::string field_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.field();
  }
  return "<no error>";
}
ModelConfig tiny() { return load_model("tiny"); }
}  // namespace

TEST(Config, AllPresetsLoadAndValidate) {
  const auto names = preset_names();
  for (const char* want : {"tiny", "plt-paper-dense-1.2b", "llama-3.2-1b", "qwen3-0.6b", "smollm2-135m", "ouro-1.4b"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  for (const auto& n : names) EXPECT_NO_THROW(load_model(n)) << n;
}

TEST(Config, LlamaParameterCountMatchesPublicFigure) {
  // Llama-3.2-1B: 1.236e9 parameters (public config, tied embeddings).
  ModelConfig c = load_model("llama-3.2-1b");
  EXPECT_EQ(c.parameter_count(), 1235814400);
}

TEST(Config, JsonRoundTrip) {
  ModelConfig c = load_model("qwen3-0.6b");
  c.variant = Variant::plt;
  c.loops = 3;
  c.window = 32;
  EXPECT_EQ(config_from_json(config_to_json(c), "roundtrip"), c);
}

TEST(Config, EachBadFieldIsNamed) {
  auto with = [](auto mutate) {
    return field_of([&] {
      ModelConfig c = tiny();
      mutate(c);
      validate(c);
    });
  };
  EXPECT_EQ(with([](ModelConfig& c) { c.layers = 0; }), "layers");
  EXPECT_EQ(with([](ModelConfig& c) { c.hidden = -4; }), "hidden");
  EXPECT_EQ(with([](ModelConfig& c) { c.heads = 0; }), "heads");
  EXPECT_EQ(with([](ModelConfig& c) { c.kv_heads = 3; }), "kv_heads");  // 4 % 3 != 0
  EXPECT_EQ(with([](ModelConfig& c) { c.head_dim = 7; }), "head_dim");
  EXPECT_EQ(with([](ModelConfig& c) { c.ffn = 0; }), "ffn");
  EXPECT_EQ(with([](ModelConfig& c) { c.vocab = 0; }), "vocab");
  EXPECT_EQ(with([](ModelConfig& c) { c.loops = 0; }), "loops");
  EXPECT_EQ(with([](ModelConfig& c) { c.window = 0; }), "window");
  EXPECT_EQ(with([](ModelConfig& c) { c.norm_eps = 0; }), "norm_eps");
  EXPECT_EQ(with([](ModelConfig& c) { c.rope_theta = -1; }), "rope_theta");
  EXPECT_EQ(with([](ModelConfig& c) {
              c.hidden = std::int64_t{1} << 40;
              c.ffn = std::int64_t{1} << 40;
            }),
            "hidden");
  EXPECT_EQ(with([](ModelConfig& c) { c.vocab = std::int64_t{1} << 33; }), "vocab");
  EXPECT_NO_THROW(validate(tiny()));
}

TEST(Config, JsonErrorsNameTheKey) {
  EXPECT_EQ(field_of([] { parse_config_text(R"({"layers": 2, "hiden": 3})", "t"); }), "hiden");
  EXPECT_EQ(field_of([] { parse_config_text(R"({"layers": "two"})", "t"); }), "layers");
  EXPECT_EQ(field_of([] { parse_config_text(R"({"variant": "fast"})", "t"); }), "variant");
  EXPECT_EQ(field_of([] { parse_config_text(R"({"layers": 2,)", "file.json"); }), "file.json");
  EXPECT_EQ(field_of([] { parse_config_text(R"([1,2])", "file.json"); }), "file.json");
  EXPECT_EQ(field_of([] { load_model("no-such-preset"); }), "model");
}

TEST(Config, VanillaRunsOneLoop) {
  ModelConfig c = tiny();
  c.variant = Variant::vanilla;
  c.loops = 4;
  EXPECT_EQ(c.effective_loops(), 1);
  c.variant = Variant::looped;
  EXPECT_EQ(c.effective_loops(), 4);
}
