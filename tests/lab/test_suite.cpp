// Gate suites: defaults under each workload's own keys, thresholds per metric, the model's
// overrides; every mistake names its key. The project's own suite loads.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "lab/suite.hpp"

using namespace looplab;
using namespace looplab::lab;
using nlohmann::json;

namespace {

json base_suite() {
  return json::parse(R"({
    "name": "t",
    "defaults": {"backend": "cpu", "prompt": 8, "decode_steps": 4, "repeats": 2, "max_time_s": 0, "threads": 1},
    "thresholds": {"decode step": 0.07},
    "workloads": [
      {"name": "a", "model": "tiny", "variant": "plt", "loops": 2, "window": 4, "batch": 2},
      {"name": "b", "model": "tiny", "variant": "vanilla", "batch": 1, "prompt": 16,
       "config": {"layers": 1}, "thresholds": {"prefill": 0.2}}
    ]})");
}

std::string field_of(const json& j) {
  try {
    (void)suite_from_json(j, "t.json");
  } catch (const InputError& e) {
    return e.field();
  }
  return "";
}

}  // namespace

TEST(Suite, DefaultsThenTheWorkloadsOwnKeys) {
  const Suite s = suite_from_json(base_suite(), "t.json");
  ASSERT_EQ(s.workloads.size(), 2u);
  const SuiteWorkload& a = s.workloads[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.request.config.variant, Variant::plt);
  EXPECT_EQ(a.request.config.loops, 2);
  EXPECT_EQ(a.request.config.window, 4);
  EXPECT_EQ(a.request.batch, 2);
  EXPECT_EQ(a.request.prompt_len, 8);  // the default
  EXPECT_EQ(a.request.decode_steps, 4);
  EXPECT_EQ(a.request.repeats, 2);
  EXPECT_EQ(a.request.threads, "1");  // a number in JSON, the policy's text here
  const SuiteWorkload& b = s.workloads[1];
  EXPECT_EQ(b.request.prompt_len, 16);  // its own
  EXPECT_EQ(b.request.config.layers, 1);
  EXPECT_EQ(b.request.config.variant, Variant::vanilla);
  // thresholds: workload over suite over the default
  EXPECT_DOUBLE_EQ(a.thresholds.at("decode step"), 0.07);
  EXPECT_DOUBLE_EQ(a.thresholds.at("prefill"), kDefaultThreshold);
  EXPECT_DOUBLE_EQ(b.thresholds.at("prefill"), 0.2);
  EXPECT_DOUBLE_EQ(b.thresholds.at("predicted decode step"), kDefaultThreshold);
}

TEST(Suite, TheWorkKeyIgnoresNamesAndThresholdsButNotTheShape) {
  const Suite s = suite_from_json(base_suite(), "t.json");
  EXPECT_NE(work_key(s.workloads[0]), work_key(s.workloads[1]));
  // the key a stored run gets for the same work
  const SuiteWorkload& a = s.workloads[0];
  EXPECT_EQ(work_key(a), work_key(config_to_json(a.request.config).dump(), 2, 8, 4));
  EXPECT_NE(work_key(a), work_key(config_to_json(a.request.config).dump(), 3, 8, 4));
}

TEST(Suite, EveryMistakeNamesItsKey) {
  auto with = [](const std::function<void(json&)>& edit) {
    json j = base_suite();
    edit(j);
    return field_of(j);
  };
  EXPECT_EQ(with([](json& j) { j["workload"] = 1; }), "workload");  // typo of a top-level key
  EXPECT_EQ(with([](json& j) { j["workloads"] = json::array(); }), "workloads");
  EXPECT_EQ(with([](json& j) { j["workloads"][0]["batchh"] = 2; }), "workloads[0].batchh");
  EXPECT_EQ(with([](json& j) { j["workloads"][0]["batch"] = 0; }), "workloads[0].batch");
  EXPECT_EQ(with([](json& j) { j["workloads"][1]["prompt"] = 0; }), "workloads[1].prompt");
  EXPECT_EQ(with([](json& j) { j["workloads"][0]["name"] = "b"; }), "workloads[1].name");  // the second b
  EXPECT_EQ(with([](json& j) { j["workloads"][0]["name"] = "a b"; }), "workloads[0].name");
  EXPECT_EQ(with([](json& j) { j["workloads"][1].erase("name"); }), "workloads[1].name");
  EXPECT_EQ(with([](json& j) { j["workloads"][1].erase("model"); }), "workloads[1].model");
  EXPECT_EQ(with([](json& j) { j["workloads"][1]["config"]["layerz"] = 2; }), "workloads[1].config.layerz");
  EXPECT_EQ(with([](json& j) { j["workloads"][1]["config"]["layers"] = 0; }), "workloads[1].layers");
  EXPECT_EQ(with([](json& j) { j["workloads"][0]["variant"] = "plt2"; }), "workloads[0].variant");
  EXPECT_EQ(with([](json& j) { j["thresholds"]["decode"] = 0.1; }), "thresholds.decode");
  EXPECT_EQ(with([](json& j) { j["thresholds"]["prefill"] = 1.5; }), "thresholds.prefill");
  EXPECT_EQ(with([](json& j) { j["workloads"][1]["thresholds"]["prefill"] = -1; }), "workloads[1].thresholds.prefill");
  EXPECT_EQ(with([](json& j) { j["defaults"]["threads"] = "lots"; }), "workloads[0].threads");
  EXPECT_EQ(with([](json& j) { j["defaults"]["backend"] = "tpu"; }), "workloads[0].backend");
  EXPECT_EQ(with([](json& j) { j["defaults"]["repeat"] = 3; }), "defaults.repeat");
  // two workloads doing the same work under two names
  EXPECT_EQ(with([](json& j) { j["workloads"].push_back(j["workloads"][0]), j["workloads"][2]["name"] = "c"; }),
            "workloads[2].name");
  EXPECT_EQ(with([](json&) {}), "");
}

TEST(Suite, TheProjectsOwnSuiteLoads) {
  const Suite s = load_suite((data_dir().parent_path() / "studies" / "ci" / "suite.json").string());
  EXPECT_EQ(s.name, "looplab-ci");
  ASSERT_GE(s.workloads.size(), 3u);
  for (const SuiteWorkload& w : s.workloads) {
    EXPECT_EQ(w.request.backend, "cpu");
    EXPECT_EQ(w.request.threads, "1");  // a fixed count: every run of a workload does the same work
    EXPECT_EQ(w.thresholds.size(), gate_metric_names().size());
  }
}

TEST(Suite, AnUnreadableFileIsAnInputError) {
  try {
    (void)load_suite("/nonexistent/suite.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "suite");
  }
}
