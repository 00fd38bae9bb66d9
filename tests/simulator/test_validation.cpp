// The published validation set and `looplab validate`: the set is what docs/studies/validation.md
// says it is, bad sets name the field, and the guard: the leave-one-source-out figures are no
// worse than the ones committed in data/validation/fit.json, and that file holds the fit of the
// set as it stands (a change to the model or the set that moves them must rewrite it with
// `looplab validate --fit loso --write-fit`, and the diff shows the figures move).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "engine/core/error.hpp"
#include "simulator/validation.hpp"

using namespace looplab;
using nlohmann::json;

namespace {

const ValidationSet& shipped() {
  static const ValidationSet s = load_validation_set(default_validation_path());
  return s;
}

const ValidationReport& loso() {
  static const ValidationReport r = run_validation(shipped(), FitMode::leave_one_out);
  return r;
}

ErrorStats phase_stats(const ValidationReport& r, Phase phase) {
  std::vector<double> errors;
  for (const PointResult& p : r.results)
    if (shipped().points[p.point].phase == phase) errors.push_back(p.error);
  return error_stats(errors);
}

}  // namespace

TEST(Validation, TheShippedSetCoversWhatItPromises) {
  const ValidationSet& s = shipped();
  std::set<std::string> sources, groups, gpus, engines;
  std::int64_t decode = 0, prefill = 0, min_batch = 1 << 30, max_batch = 0, max_context = 0;
  for (const ValidationPoint& p : s.points) {
    sources.insert(p.source);
    groups.insert(p.group);
    gpus.insert(p.hardware);
    engines.insert(p.engine);
    (p.phase == Phase::decode ? decode : prefill)++;
    min_batch = std::min(min_batch, p.batch);
    max_batch = std::max(max_batch, p.batch);
    max_context = std::max(max_context, p.context);
    EXPECT_FALSE(p.published.empty()) << p.id << ": the figure as published";
    EXPECT_FALSE(p.conversion.empty()) << p.id << ": how it becomes seconds";
  }
  EXPECT_GE(s.points.size(), 40u);
  EXPECT_GE(sources.size(), 8u);
  EXPECT_GE(groups.size(), 8u);
  EXPECT_GE(gpus.size(), 4u);
  EXPECT_GE(engines.size(), 5u);
  EXPECT_GT(prefill, 0);
  EXPECT_GT(decode, prefill);
  EXPECT_EQ(min_batch, 1);
  EXPECT_GE(max_batch, 64);
  EXPECT_GE(max_context, 4096);
  // every point's source is listed with its URL
  for (const ValidationPoint& p : s.points) {
    const auto it = std::find_if(s.sources.begin(), s.sources.end(), [&](const auto& x) { return x.id == p.source; });
    ASSERT_NE(it, s.sources.end()) << p.id;
    EXPECT_FALSE(it->url.empty()) << p.source;
  }
}

TEST(Validation, CrossValidatedFiguresAreNoWorseThanTheCommittedOnes) {
  const auto& fit = project_fit();
  ASSERT_TRUE(fit.has_value()) << "data/validation/fit.json is missing: looplab validate --fit loso --write-fit";
  ASSERT_EQ(loso().results.size(), shipped().points.size());
  // The run is deterministic; the slack only absorbs the last bits of a different compiler.
  constexpr double kSlack = 1e-4;
  for (Phase phase : {Phase::decode, Phase::prefill}) {
    const std::string name = phase == Phase::decode ? "decode" : "prefill";
    SCOPED_TRACE(name);
    const json& committed = fit->figures.at("leave-one-source-out").at("phase").at(name);
    const ErrorStats now = phase_stats(loso(), phase);
    EXPECT_EQ(now.n, committed.at("n").get<std::int64_t>());
    EXPECT_LE(now.median_abs, committed.at("median_abs").get<double>() + kSlack);
    EXPECT_LE(now.p90_abs, committed.at("p90_abs").get<double>() + kSlack);
    EXPECT_LE(std::fabs(now.mean), std::fabs(committed.at("mean").get<double>()) + kSlack);
  }
}

TEST(Validation, TheCommittedFitIsTheFitOfTheSetAsItStands) {
  const auto& fit = project_fit();
  ASSERT_TRUE(fit.has_value());
  const ModelFit& now = loso().fit_all;
  auto near = [](double a, double b) {
    return std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b)) + 1e-15;
  };
  EXPECT_TRUE(near(now.efficiency.ramp_s, fit->efficiency.ramp_s));
  EXPECT_TRUE(near(now.efficiency.overlap, fit->efficiency.overlap));
  EXPECT_TRUE(near(now.efficiency.tile_alpha, fit->efficiency.tile_alpha));
  ASSERT_EQ(now.engines.size(), fit->engines.size());
  for (const auto& [name, e] : now.engines) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(fit->engines.contains(name));
    const EngineFit& c = fit->engines.at(name);
    EXPECT_EQ(e.from_data, c.from_data);
    EXPECT_TRUE(near(e.host_per_kernel_s, c.host_per_kernel_s));
    EXPECT_TRUE(near(e.step_overhead_s, c.step_overhead_s));
    EXPECT_TRUE(near(e.step_overhead_per_seq_s, c.step_overhead_per_seq_s));
    EXPECT_TRUE(near(e.request_overhead_s, c.request_overhead_s));
    EXPECT_TRUE(near(e.gemm_sm_bandwidth_bytes_per_s, c.gemm_sm_bandwidth_bytes_per_s));
    EXPECT_TRUE(near(e.gemm_sm_flops, c.gemm_sm_flops));
  }
}

TEST(Validation, CrossValidationIsHonest) {
  // Out of sample cannot beat in sample on the points that fit; and every point is predicted.
  const ValidationReport in = run_validation(shipped(), FitMode::in_sample);
  double loss_in = 0, loss_out = 0;
  for (std::size_t i = 0; i < in.results.size(); ++i) {
    loss_in += std::pow(std::log1p(in.results[i].error), 2);
    loss_out += std::pow(std::log1p(loso().results[i].error), 2);
    EXPECT_GT(loso().results[i].predicted_s, 0);
  }
  EXPECT_LT(loss_in, loss_out);
}

TEST(Validation, ErrorStats) {
  const double e[] = {0.1, -0.2, 0.05, -0.05, 0.3};
  const ErrorStats s = error_stats(e);
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.median_abs, 0.1);  // |e| sorted 0.05 0.05 0.1 0.2 0.3
  EXPECT_NEAR(s.p90_abs, 0.26, 1e-12);  // between 0.2 and 0.3 at 0.6 of the way
  EXPECT_NEAR(s.mean, 0.04, 1e-12);
}

namespace {

json minimal_set() {
  return {{"sources", {{{"id", "s1"}, {"url", "https://example.org"}}}},
          {"points",
           {{{"id", "p1"},
             {"source", "s1"},
             {"group", "g1"},
             {"phase", "decode"},
             {"seconds", 0.01},
             {"hardware", "a100-80gb"},
             {"engine_profile", "vllm"},
             {"model_preset", "llama-2-7b"},
             {"batch", 1},
             {"context", 512}}}}};
}

std::string write_set(const json& j) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("looplab-validation-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json");
  std::ofstream(path) << j.dump();
  return path.string();
}

void expect_field(const json& j, const std::string& field) {
  const std::string path = write_set(j);
  try {
    (void)load_validation_set(path);
    ADD_FAILURE() << "accepted: " << j.dump();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), field) << e.what();
  }
  std::filesystem::remove(path);
}

}  // namespace

TEST(Validation, BadSetsNameTheField) {
  {
    const std::string path = write_set(minimal_set());
    EXPECT_EQ(load_validation_set(path).points.size(), 1u);
    std::filesystem::remove(path);
  }
  json j = minimal_set();
  j["points"][0]["phase"] = "train";
  expect_field(j, "points[].phase");
  j = minimal_set();
  j["points"][0]["seconds"] = 0;
  expect_field(j, "points[].seconds");
  j = minimal_set();
  j["points"][0]["batch"] = 0;
  expect_field(j, "points[].batch");
  j = minimal_set();
  j["points"][0].erase("hardware");
  expect_field(j, "points[].hardware");
  j = minimal_set();
  j["points"].push_back(j["points"][0]);
  expect_field(j, "points[].id");
  j = minimal_set();
  j["points"] = json::array();
  expect_field(j, "points");
  j = minimal_set();
  j.erase("sources");
  expect_field(j, "sources");
}
