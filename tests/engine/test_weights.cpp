// Weights and safetensors: shapes per config, deterministic init, round trips (f32 exact, bf16
// rounded to nearest even), and every kind of bad file rejected with the tensor or file named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "engine/core/safetensors.hpp"
#include "tests/engine/helpers.hpp"

using namespace looplab;
using namespace looplab::test;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("looplab_test_" + std::to_string(::getpid()) + "_" + name);
}

// Writes raw bytes: an 8-byte LE header length, the header text, then `data_bytes` zero bytes.
void write_raw(const std::filesystem::path& p, const std::string& header, std::size_t data_bytes,
               std::uint64_t claimed_len = 0) {
  std::ofstream out(p, std::ios::binary);
  std::uint64_t n = claimed_len ? claimed_len : header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xFF));
  out << header;
  out << std::string(data_bytes, '\0');
}

}  // namespace

TEST(Weights, ExpectedShapesFollowTheConfig) {
  ModelConfig c = tiny(Variant::plt, 2);
  const auto specs = expected_shapes(c);
  // tiny: embed + 2 layers x (2 norms + q,k,v,o + gate w,b + 3 mlp) + final norm + lm_head
  EXPECT_EQ(specs.size(), 1u + 2u * 11u + 1u + 1u);
  std::int64_t params = 0;
  for (const auto& s : specs) {
    std::int64_t n = 1;
    for (auto x : s.shape) n *= x;
    params += n;
  }
  EXPECT_EQ(params, c.parameter_count());
  EXPECT_EQ(specs[2].name, "model.layers.0.self_attn.q_proj.weight");
  EXPECT_EQ(specs[2].shape, (std::vector<std::int64_t>{64, 64}));
  EXPECT_EQ(specs[3].shape, (std::vector<std::int64_t>{32, 64}));  // k_proj: Hkv*dh = 2*16
  c.variant = Variant::clp;
  c.tied_embeddings = true;
  c.qk_norm = true;
  std::set<std::string> names;
  for (const auto& s : expected_shapes(c)) names.insert(s.name);
  EXPECT_FALSE(names.count("lm_head.weight"));
  EXPECT_FALSE(names.count("model.layers.0.self_attn.gate.weight"));
  EXPECT_TRUE(names.count("model.layers.1.self_attn.k_norm.weight"));
}

TEST(Weights, RandomInitIsDeterministicAndScaled) {
  const ModelConfig c = tiny(Variant::plt, 2);
  const Weights a = random_weights(c, 42), b = random_weights(c, 42), other = random_weights(c, 43);
  EXPECT_NO_THROW(check_weights(c, a));
  for (const auto& n : a.names()) EXPECT_EQ(a.at(n).data, b.at(n).data) << n;
  EXPECT_NE(a.at("model.layers.0.mlp.up_proj.weight").data, other.at("model.layers.0.mlp.up_proj.weight").data);
  // A pinned value: the generator is integer arithmetic, the same on every machine.
  const float first = a.at("model.embed_tokens.weight").data[0];
  EXPECT_EQ(first, random_weights(c, 42).at("model.embed_tokens.weight").data[0]);
  auto stddev = [](const std::vector<float>& v) {
    double ss = 0;
    for (float x : v) ss += static_cast<double>(x) * x;
    return std::sqrt(ss / static_cast<double>(v.size()));
  };
  // q_proj: std 1/sqrt(64) = 0.125; down_proj: 1/sqrt(128) / sqrt(2*2*2) = 0.03125
  EXPECT_NEAR(stddev(a.at("model.layers.0.self_attn.q_proj.weight").data), 0.125, 0.01);
  EXPECT_NEAR(stddev(a.at("model.layers.1.mlp.down_proj.weight").data), 0.03125, 0.003);
  EXPECT_NEAR(stddev(a.at("model.embed_tokens.weight").data), 1.0, 0.05);
  for (float x : a.at("model.norm.weight").data) {
    EXPECT_GE(x, 0.8f);
    EXPECT_LE(x, 1.2f);
  }
}

TEST(Weights, CheckNamesTheBadTensor) {
  const ModelConfig c = tiny(Variant::plt, 2);
  Weights w = random_weights(c, 1);
  Weights missing = w;
  missing.erase("model.layers.1.mlp.down_proj.weight");
  EXPECT_EQ(field_of([&] { check_weights(c, missing); }), "model.layers.1.mlp.down_proj.weight");
  Weights extra = w;
  extra.add("model.layers.0.self_attn.bias", Tensor{{2}, {0, 0}});
  EXPECT_EQ(field_of([&] { check_weights(c, extra); }), "model.layers.0.self_attn.bias");
  Weights wrong = w;
  wrong.at("model.norm.weight").shape = {8, 8};
  EXPECT_EQ(field_of([&] { check_weights(c, wrong); }), "model.norm.weight");
  // plt weights do not fit a clp config: the gate tensors are unknown there.
  EXPECT_EQ(field_of([&] { check_weights(tiny(Variant::clp, 2), w); }), "model.layers.0.self_attn.gate.weight");
}

TEST(Safetensors, F32RoundTripIsExact) {
  const ModelConfig c = tiny(Variant::plt, 2);
  const Weights w = random_weights(c, 5);
  const auto path = temp_file("f32.safetensors");
  save_weights(path, w, DType::f32, {{"model", "tiny"}});
  const Weights back = load_weights(path, c);
  ASSERT_EQ(back.names().size(), w.names().size());
  for (const auto& n : w.names()) {
    EXPECT_EQ(back.at(n).shape, w.at(n).shape) << n;
    EXPECT_EQ(back.at(n).data, w.at(n).data) << n;
  }
  const SafetensorsFile raw = read_safetensors(path);
  EXPECT_EQ(raw.metadata.at("model"), "tiny");
  // Header length is a multiple of 8 so the data is aligned.
  std::ifstream in(path, std::ios::binary);
  std::uint64_t len = 0;
  in.read(reinterpret_cast<char*>(&len), 8);
  EXPECT_EQ(len % 8, 0u);
  EXPECT_EQ(std::filesystem::file_size(path), 8 + len + static_cast<std::uint64_t>(w.parameter_count()) * 4);
  std::filesystem::remove(path);
}

TEST(Safetensors, Bf16RoundsToNearestEven) {
  // 1 + 2^-8 lies exactly between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
  EXPECT_EQ(bf16_to_f32(f32_to_bf16(1.0f + 0x1p-8f)), 1.0f);
  // 1 + 3*2^-8 lies between 1 + 2^-7 (odd) and 1 + 2^-6 (even): goes up to 1 + 2^-6.
  EXPECT_EQ(bf16_to_f32(f32_to_bf16(1.0f + 3 * 0x1p-8f)), 1.0f + 0x1p-6f);
  // Just above a tie rounds up; just below rounds down.
  EXPECT_EQ(bf16_to_f32(f32_to_bf16(1.0f + 0x1p-8f + 0x1p-20f)), 1.0f + 0x1p-7f);
  EXPECT_EQ(bf16_to_f32(f32_to_bf16(1.0f + 0x1p-8f - 0x1p-20f)), 1.0f);
  EXPECT_EQ(f32_to_bf16(-2.0f), 0xC000);
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(std::nanf("")))));
  EXPECT_TRUE(std::isinf(bf16_to_f32(f32_to_bf16(INFINITY))));
}

TEST(Safetensors, Bf16RoundTripWithinRounding) {
  const ModelConfig c = tiny(Variant::clp, 2);
  const Weights w = random_weights(c, 6);
  const auto path = temp_file("bf16.safetensors");
  save_weights(path, w, DType::bf16);
  const Weights back = load_weights(path, c);
  std::int64_t changed = 0;
  for (const auto& n : w.names()) {
    const auto& a = w.at(n).data;
    const auto& b = back.at(n).data;
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_LE(std::fabs(a[i] - b[i]), std::fabs(a[i]) * 0x1p-8f) << n << "[" << i << "]";  // half a bf16 ulp
      EXPECT_EQ(b[i], bf16_to_f32(f32_to_bf16(a[i])));
      changed += a[i] != b[i];
    }
  }
  EXPECT_GT(changed, 0);  // the values really went through bf16
  EXPECT_EQ(std::filesystem::file_size(path) % 2, 0u);
  std::filesystem::remove(path);
}

TEST(Safetensors, BadFilesNameTheProblem) {
  const auto p = temp_file("bad.safetensors");
  const std::string file = p.string();
  auto load_field = [&] { return field_of([&] { load_weights(p); }); };

  write_raw(p, "", 0);
  std::filesystem::resize_file(p, 5);
  EXPECT_EQ(load_field(), file) << "shorter than the length field";

  write_raw(p, "{}", 0, 1ull << 60);
  EXPECT_EQ(load_field(), file) << "absurd header length";

  write_raw(p, "{}", 0, 1000);
  EXPECT_EQ(load_field(), file) << "header length beyond the file";

  write_raw(p, "{not json", 0);
  EXPECT_EQ(load_field(), file) << "malformed header";

  write_raw(p, R"({"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}})", 2);
  EXPECT_EQ(load_field(), "a") << "unknown dtype";

  write_raw(p, R"({"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}})", 8);
  EXPECT_EQ(load_field(), "a") << "dtype not usable for weights";

  write_raw(p, R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8);
  EXPECT_EQ(load_field(), "a") << "offsets outside the file (truncated data)";

  write_raw(p, R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", 16);
  EXPECT_EQ(load_field(), "a") << "shape disagrees with the byte count";

  write_raw(p, R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4);
  EXPECT_EQ(load_field(), "a") << "negative dimension";

  write_raw(
      p,
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
      12);
  EXPECT_EQ(load_field(), "b") << "overlapping tensors";

  write_raw(p, R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}})", 4);
  EXPECT_EQ(load_field(), "a") << "unknown entry field";

  // A real file cut short.
  const ModelConfig c = tiny(Variant::vanilla, 1);
  save_weights(p, random_weights(c, 1), DType::f32);
  std::filesystem::resize_file(p, std::filesystem::file_size(p) - 100);
  const std::string cut = load_field();
  EXPECT_NE(cut, "<no error>");
  EXPECT_NE(cut, file) << "the damaged tensor is named: the last one, " << expected_shapes(c).back().name;
  EXPECT_EQ(cut, "lm_head.weight");

  // A valid file for another model: the config check names the tensor.
  save_weights(p, random_weights(tiny(Variant::plt, 2), 1), DType::bf16);
  EXPECT_EQ(field_of([&] { load_weights(p, tiny(Variant::looped, 2)); }), "model.layers.0.self_attn.gate.weight");
  std::filesystem::remove(p);
}

// A tensor with a 0 in its shape has no data: loading and saving one copied from a null buffer
// (undefined behaviour; found by the libFuzzer target fuzz_safetensors under UBSan).
TEST(Safetensors, EmptyTensorsLoadAndSave) {
  const auto p = temp_file("empty.safetensors");
  write_raw(
      p,
      R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})",
      4);
  const Weights w = load_weights(p);
  EXPECT_EQ(w.at("e").shape, (std::vector<std::int64_t>{0, 3}));
  EXPECT_TRUE(w.at("e").data.empty());
  EXPECT_EQ(w.at("s").data, std::vector<float>{0.0f});
  save_weights(p, w, DType::f32);
  const Weights back = load_weights(p);
  EXPECT_EQ(back.at("e").shape, w.at("e").shape);
  EXPECT_EQ(back.at("s").data, w.at("s").data);
  std::filesystem::remove(p);
}
