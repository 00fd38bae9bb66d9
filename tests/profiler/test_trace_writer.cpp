// The gzip Chrome trace writer: file format, exact timestamps, escaping, and the rule checker
// the export tests rely on (which must itself catch a bad trace).
#include <gtest/gtest.h>

#include <fstream>

#include "engine/core/error.hpp"
#include "profiler/trace_writer.hpp"
#include "tests/profiler/trace_check.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::profiler;
using looplab::testing::TempDir;

TEST(TraceWriter, WritesGzipJsonThatParsesBack) {
  TempDir dir;
  auto path = dir / "t.json.gz";
  {
    ChromeTraceWriter w(path);
    w.process_name(1, "measured \"host\"");
    w.thread_name(1, 7, "engine\nthread");
    w.thread_sort_index(1, 7, 2);
    w.complete(1, 7, "decode step", "step", 1234567, 5000, "\"step\":1");
    w.complete(1, 7, "layer0.loop1.qkv_proj", "op", 1235000, 1000);
    w.flow_start(1, 7, 42, 1235100, "launch");
    w.flow_end(2, 3, 42, 1236000, "launch");
    w.finish("\"run\":5");
    EXPECT_EQ(w.events(), 7);
    EXPECT_GT(w.uncompressed_bytes(), 0);
  }
  std::ifstream raw(path, std::ios::binary);
  unsigned char magic[2] = {};
  raw.read(reinterpret_cast<char*>(magic), 2);
  EXPECT_EQ(magic[0], 0x1f);
  EXPECT_EQ(magic[1], 0x8b);

  auto j = nlohmann::json::parse(looplab::testing::gunzip_file(path));
  EXPECT_EQ(j["displayTimeUnit"], "ns");
  EXPECT_EQ(j["otherData"]["run"], 5);
  const auto& ev = j["traceEvents"];
  ASSERT_EQ(ev.size(), 7u);
  EXPECT_EQ(ev[0]["args"]["name"], "measured \"host\"");
  EXPECT_EQ(ev[1]["args"]["name"], "engine\nthread");
  EXPECT_EQ(ev[2]["args"]["sort_index"], 2);
  EXPECT_EQ(ev[3]["ph"], "X");
  EXPECT_DOUBLE_EQ(ev[3]["ts"].get<double>(), 1234.567);  // ns 1234567 -> us 1234.567
  EXPECT_DOUBLE_EQ(ev[3]["dur"].get<double>(), 5.0);
  EXPECT_EQ(ev[3]["args"]["step"], 1);
  EXPECT_EQ(ev[3]["cat"], "step");
  EXPECT_EQ(ev[5]["ph"], "s");
  EXPECT_EQ(ev[5]["id"], 42);
  EXPECT_EQ(ev[6]["ph"], "f");
  EXPECT_EQ(ev[6]["bp"], "e");

  looplab::testing::TraceFile t;
  ASSERT_TRUE(looplab::testing::read_trace(path, t));
  ASSERT_EQ(t.events.size(), 7u);
  EXPECT_EQ(t.display_time_unit, "ns");
  EXPECT_TRUE(looplab::testing::trace_problems(t).empty());
  EXPECT_EQ(t.events[4].ts_ns, 1235000);
  EXPECT_EQ(t.events[4].dur_ns, 1000);
}

TEST(TraceWriter, TimestampsAreExactNanoseconds) {
  TempDir dir;
  {
    ChromeTraceWriter w(dir / "t.json.gz");
    w.complete(1, 1, "a", "c", 999, 1, "");
    w.complete(1, 1, "b", "c", -1500, 7, "");
    w.complete(1, 1, "c", "c", 123456789012345, 3, "");
    w.finish();
  }
  std::string text = looplab::testing::gunzip_file(dir / "t.json.gz");
  EXPECT_NE(text.find("\"ts\":0.999,\"dur\":0.001"), std::string::npos) << text;
  EXPECT_NE(text.find("\"ts\":-1.500"), std::string::npos) << text;
  EXPECT_NE(text.find("\"ts\":123456789012.345"), std::string::npos) << text;
}

TEST(TraceWriter, CheckerCatchesPartialOverlapAndDanglingFlows) {
  TempDir dir;
  {
    ChromeTraceWriter w(dir / "bad.json.gz");
    w.complete(1, 1, "outer", "c", 0, 100);
    w.complete(1, 1, "crosses the end of outer", "c", 50, 100);
    w.complete(1, 2, "other track is independent", "c", 50, 100);
    w.flow_start(1, 1, 9, 10, "launch");
    w.finish();
  }
  looplab::testing::TraceFile t;
  ASSERT_TRUE(looplab::testing::read_trace(dir / "bad.json.gz", t));
  auto bad = looplab::testing::trace_problems(t);
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_NE(bad[0].find("partial overlap on track 1/1"), std::string::npos) << bad[0];
  EXPECT_NE(bad[1].find("flow 9"), std::string::npos) << bad[1];
}

TEST(TraceWriter, UnwritablePathIsAnInputError) {
  TempDir dir;
  try {
    ChromeTraceWriter w(dir / "no-such-folder" / "t.json.gz");
    FAIL() << "opened a file in a missing folder";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "trace");
  }
  EXPECT_THROW(ChromeTraceWriter w(dir.path()), InputError);
}
