// `looplab generate` and `weights init` end to end: the --dump file holds the documented
// tensors and its hidden states match the independent reference; --weights runs a saved file;
// bad input exits 2 naming the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/safetensors.hpp"
#include "tests/engine/helpers.hpp"
#include "tests/engine/reference.hpp"

using namespace looplab;
using namespace looplab::test;

namespace {

struct Result {
  int code = -1;
  std::string out;  // stdout and stderr together
};

Result run(const std::string& args) {
  Result r;
  const std::string cmd = std::string(LOOPLAB_CLI) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) r.out += buf.data();
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("looplab_cli_" + std::to_string(::getpid()) + "_" + name);
}

template <class T>
std::vector<T> values(const SafetensorsEntry& e) {
  std::vector<T> v(e.bytes.size() / sizeof(T));
  std::memcpy(v.data(), e.bytes.data(), e.bytes.size());
  return v;
}

}  // namespace

TEST(GenerateCli, DumpMatchesTheReference) {
  const auto dump = temp_file("dump.safetensors");
  const Result r =
      run("generate --model tiny --variant plt --loops 3 --window 4 --batch 2 --prompt-len 5 "
          "--new-tokens 6 --seed 3 --json --dump " +
          dump.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kv_bytes_allocated"], j["kv_bytes_formula"]);
  EXPECT_EQ(j["tokens"].size(), 2u);
  EXPECT_EQ(j["decode_ms"].size(), 5u);

  const SafetensorsFile f = read_safetensors(dump);
  ASSERT_EQ(f.tensors.size(), 3u);
  const auto& hidden = f.tensors[0];
  const auto& logits = f.tensors[1];
  const auto& tokens = f.tensors[2];
  EXPECT_EQ(hidden.name, "hidden");
  EXPECT_EQ(hidden.shape, (std::vector<std::int64_t>{2, 10, 64}));  // (B, P+T-1, d)
  EXPECT_EQ(logits.name, "logits");
  EXPECT_EQ(logits.shape, (std::vector<std::int64_t>{2, 97}));
  EXPECT_EQ(tokens.name, "tokens");
  EXPECT_EQ(tokens.dtype, "I32");
  EXPECT_EQ(tokens.shape, (std::vector<std::int64_t>{2, 11}));  // prompt + generated

  // The dump against the full-sequence reference, on the same seeded weights.
  const ModelConfig c = parse_config_text(f.metadata.at("config"), "dump metadata");
  EXPECT_EQ(c.variant, Variant::plt);
  const Weights w = random_weights(c, 3);
  const auto h = values<float>(hidden);
  const auto lg = values<float>(logits);
  const auto ids = values<std::int32_t>(tokens);
  for (std::int64_t b = 0; b < 2; ++b) {
    std::vector<std::int32_t> fed(ids.begin() + b * 11, ids.begin() + b * 11 + 10);
    const ref::Forward ref = ref::forward(c, w, fed);
    for (std::int64_t p = 0; p < 10; ++p)
      EXPECT_LE(rel_error(h.data() + (b * 10 + p) * 64, ref.hidden[p].data(), 64), 1e-4) << b << "," << p;
    EXPECT_LE(rel_error(lg.data() + b * 97, ref.logits.data(), 97), 1e-4);
    EXPECT_EQ(j["tokens"][b][5], ids[static_cast<std::size_t>(b * 11 + 10)]);
  }
  std::filesystem::remove(dump);
}

TEST(GenerateCli, SavedWeightsGiveTheSameTokens) {
  const auto file = temp_file("w.safetensors");
  const std::string model = "--model tiny --variant clp --loops 2 --seed 9 ";
  ASSERT_EQ(run("weights init " + model + "--dtype f32 --out " + file.string()).code, 0);
  const Result random = run("generate " + model + "--batch 2 --prompt-len 4 --new-tokens 5 --json");
  const Result saved =
      run("generate " + model + "--batch 2 --prompt-len 4 --new-tokens 5 --json --weights " + file.string());
  ASSERT_EQ(random.code, 0) << random.out;
  ASSERT_EQ(saved.code, 0) << saved.out;
  EXPECT_EQ(nlohmann::json::parse(random.out)["tokens"], nlohmann::json::parse(saved.out)["tokens"]);
  // Weights of another variant are refused, naming the tensor.
  const Result wrong = run("generate --model tiny --variant plt --loops 2 --weights " + file.string());
  EXPECT_EQ(wrong.code, 2);
  EXPECT_NE(wrong.out.find("self_attn.gate.weight"), std::string::npos) << wrong.out;
  std::filesystem::remove(file);
}

TEST(GenerateCli, BadInputExitsTwoNamingTheField) {
  for (const auto& [args, field] : std::vector<std::pair<std::string, std::string>>{
           {"generate --model tiny --batch 0", "batch"},
           {"generate --model tiny --new-tokens 0", "new-tokens"},
           {"generate --model tiny --heads 3", "kv_heads"},
           {"generate --model tiny --variant nope", "variant"},
           {"generate --model tiny --weights /nonexistent/w.safetensors", "/nonexistent/w.safetensors"}}) {
    const Result r = run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("error: " + field + ":"), std::string::npos) << args << "\n" << r.out;
  }
}
