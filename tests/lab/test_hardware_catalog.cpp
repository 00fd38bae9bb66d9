// The hardware catalog: datasheet specs and measured host specs side by side; the newest quiet
// host spec of this machine is chosen, a noisy or foreign one never silently.
#include <gtest/gtest.h>

#include "engine/core/error.hpp"
#include "lab/hardware_catalog.hpp"
#include "lab/host_spec.hpp"
#include "tests/store/host_spec.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::lab;
using looplab::testing::TempDir;

namespace {

// A measured host spec row as `looplab hardware measure` keeps it; bandwidth tells them apart.
store::HardwareRow host_row(double bw, const std::string& machine, const std::string& quality) {
  const HardwareSpec h = looplab::testing::test_host_spec(bw);
  return {0, "host", hardware_to_json(h).dump(), "", machine, quality, quality == "quiet" ? "" : "busy"};
}

}  // namespace

TEST(HardwareCatalog, ListsDatasheetsAndMeasuredHosts) {
  TempDir dir;
  auto s = store::open_store(dir / "h.db", store::OpenMode::read_write);
  const std::string here = host_machine_id(cpu_threads());
  s->put_hardware(host_row(20e9, here, "quiet"));
  s->put_hardware(host_row(11e9, here, "noisy"));  // newer, measured under load
  auto all = list_hardware(s.get());
  int datasheets = 0, measured = 0;
  for (const auto& e : all) (e.origin == "datasheet" ? datasheets : measured)++;
  EXPECT_GE(datasheets, 5);  // h200, h100-sxm, a100-80gb, ...
  EXPECT_EQ(measured, 2);
  EXPECT_EQ(all.back().quality, "quiet");  // measured ones newest first: the quiet one is older
  auto no_store = list_hardware(nullptr);
  EXPECT_EQ(static_cast<int>(no_store.size()), datasheets);
}

TEST(HardwareCatalog, ChoosesTheNewestQuietSpecOfThisMachine) {
  TempDir dir;
  auto s = store::open_store(dir / "h.db", store::OpenMode::read_write);
  const std::string here = host_machine_id(cpu_threads());
  s->put_hardware(host_row(19e9, here, "quiet"));
  s->put_hardware(host_row(20e9, here, "quiet"));
  s->put_hardware(host_row(11e9, here, "noisy"));
  s->put_hardware(host_row(50e9, "another-host / Other CPU / 64 threads", "quiet"));
  store::HardwareRow old = host_row(30e9, here, "");  // stored before quality was recorded
  s->put_hardware(old);
  auto good = newest_good_host(*s, cpu_threads());
  ASSERT_TRUE(good);
  EXPECT_DOUBLE_EQ(good->spec.mem_bw_bytes_per_s.value(Ceiling::measured), 20e9);
  // A run on the CPU resolves to it without measuring, and says which it took.
  const HardwareChoice c = resolve_hardware(s.get(), "cpu", "some CPU", std::nullopt, cpu_threads(), {});
  EXPECT_DOUBLE_EQ(c.spec.mem_bw_bytes_per_s.value(Ceiling::measured), 20e9);
  EXPECT_NE(c.note.find("quiet"), std::string::npos) << c.note;
  EXPECT_TRUE(c.warnings.empty());
  // find_hardware: "host", a store id, a datasheet name; unknown names find nothing.
  EXPECT_DOUBLE_EQ(find_hardware(s.get(), "host", cpu_threads())->spec.mem_bw_bytes_per_s.value(Ceiling::measured),
                   20e9);
  EXPECT_EQ(find_hardware(s.get(), std::to_string(*good->id), cpu_threads())->id, good->id);
  EXPECT_EQ(find_hardware(s.get(), "h200", cpu_threads())->origin, "datasheet");
  EXPECT_FALSE(find_hardware(s.get(), "no-such-gpu", cpu_threads()));
  // The unknown-quality spec is listed as such.
  bool unknown = false;
  for (const auto& e : list_hardware(s.get())) unknown = unknown || e.quality == "unknown";
  EXPECT_TRUE(unknown);
}

TEST(HardwareCatalog, PredictionNeverTakesANoisySpec) {
  TempDir dir;
  const std::string db = (dir / "h.db").string();
  {
    auto s = store::open_store(db, store::OpenMode::read_write);
    s->put_hardware(host_row(11e9, host_machine_id(cpu_threads()), "noisy"));
  }
  try {
    hardware_for_prediction("host", db);
    FAIL() << "a noisy host spec was chosen";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "hardware");
    EXPECT_NE(std::string(e.what()).find("hardware measure"), std::string::npos) << e.what();
  }
  EXPECT_THROW(hardware_for_prediction("host", (dir / "missing.db").string()), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));  // looking created nothing
  EXPECT_EQ(hardware_for_prediction("h200", db).name, "h200");
}

TEST(HardwareCatalog, RemovesOnlyUnusedSpecs) {
  TempDir dir;
  auto s = store::open_store(dir / "h.db", store::OpenMode::read_write);
  const std::int64_t id = s->put_hardware(host_row(20e9, "m", "quiet"));
  EXPECT_TRUE(s->remove_hardware(id));
  EXPECT_FALSE(s->remove_hardware(id));
  EXPECT_TRUE(s->hardware().empty());
}
