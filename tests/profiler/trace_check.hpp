// Reads a .json.gz trace back (gunzip + a streaming JSON parse) and checks the Chrome
// trace-event rules the exporter promises: required fields per phase, no partially overlapping
// complete events on one track, every flow start matched by one flow end.
#pragma once
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace looplab::testing {

inline std::string gunzip_file(const std::filesystem::path& p) {
  gzFile f = gzopen(p.string().c_str(), "rb");
  if (!f) return {};
  std::string out;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

struct TraceEvent {
  std::string ph, name, cat;
  std::int64_t pid = -1, tid = -1;
  std::optional<std::int64_t> ts_ns, dur_ns;
  std::optional<std::uint64_t> id;
  std::string bp;
  std::string meta_name;  // args.name of M events
  std::set<std::string> keys;
};

struct TraceFile {
  std::vector<TraceEvent> events;
  bool has_trace_events = false;
  std::string display_time_unit;
};

// Depths: 1 the top object, 2 the traceEvents array, 3 an event, 4 its args.
// SAX handler that keeps one small struct per event (no DOM, so 1M events fit easily).
class TraceSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit TraceSax(TraceFile& out) : out_(out) {}
  bool null() override { return value(std::string("null"), std::nullopt, std::nullopt); }
  bool boolean(bool) override { return value(std::string("bool"), std::nullopt, std::nullopt); }
  bool number_integer(number_integer_t v) override { return value({}, static_cast<double>(v), v); }
  bool number_unsigned(number_unsigned_t v) override {
    return value({}, static_cast<double>(v), static_cast<std::int64_t>(v));
  }
  bool number_float(number_float_t v, const string_t&) override { return value({}, v, std::nullopt); }
  bool string(string_t& v) override { return value(v, std::nullopt, std::nullopt); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    if (in_events_ && depth_ == 3) cur_ = TraceEvent{};
    return true;
  }
  bool end_object() override {
    if (in_events_ && depth_ == 3) out_.events.push_back(std::move(cur_));
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && key_ == "traceEvents") {
      in_events_ = true;
      out_.has_trace_events = true;
    }
    return true;
  }
  bool end_array() override {
    if (depth_ == 2) in_events_ = false;
    --depth_;
    return true;
  }
  bool key(string_t& k) override {
    key_ = k;
    if (in_events_ && depth_ == 3) {
      cur_.keys.insert(k);
      top_key_ = k;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool value(std::optional<std::string> s, std::optional<double> d, std::optional<std::int64_t> i) {
    if (depth_ == 1 && key_ == "displayTimeUnit" && s) out_.display_time_unit = *s;
    if (!in_events_) return true;
    if (depth_ == 3) {
      if (key_ == "ph" && s) cur_.ph = *s;
      if (key_ == "name" && s) cur_.name = *s;
      if (key_ == "cat" && s) cur_.cat = *s;
      if (key_ == "bp" && s) cur_.bp = *s;
      if (key_ == "pid" && i) cur_.pid = *i;
      if (key_ == "tid" && i) cur_.tid = *i;
      if (key_ == "id" && i) cur_.id = static_cast<std::uint64_t>(*i);
      if (key_ == "ts" && d) cur_.ts_ns = std::llround(*d * 1000.0);
      if (key_ == "dur" && d) cur_.dur_ns = std::llround(*d * 1000.0);
    } else if (depth_ == 4 && top_key_ == "args" && key_ == "name" && s) {
      cur_.meta_name = *s;
    }
    return true;
  }
  TraceFile& out_;
  TraceEvent cur_;
  std::string key_, top_key_;
  int depth_ = 0;
  bool in_events_ = false;
};

inline bool read_trace(const std::filesystem::path& p, TraceFile& out) {
  std::string text = gunzip_file(p);
  TraceSax sax(out);
  return !text.empty() && nlohmann::json::sax_parse(text, &sax);
}

// Every rule violation as one line; empty means the trace is well formed.
inline std::vector<std::string> trace_problems(const TraceFile& t) {
  std::vector<std::string> bad;
  if (!t.has_trace_events) bad.push_back("no traceEvents array");
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<const TraceEvent*>> tracks;
  std::map<std::uint64_t, int> flow_starts, flow_ends;
  for (const TraceEvent& e : t.events) {
    auto need = [&](const char* k) {
      if (!e.keys.count(k)) bad.push_back(e.ph + " event '" + e.name + "' lacks " + k);
    };
    need("ph");
    need("pid");
    need("tid");
    need("name");
    if (e.ph == "X") {
      need("ts");
      need("dur");
      if (e.dur_ns && *e.dur_ns < 0) bad.push_back("negative dur on " + e.name);
      if (e.ts_ns && e.dur_ns) tracks[{e.pid, e.tid}].push_back(&e);
    } else if (e.ph == "s" || e.ph == "f") {
      need("ts");
      need("id");
      if (e.id) (e.ph == "s" ? flow_starts : flow_ends)[*e.id]++;
      if (e.ph == "f" && e.bp != "e") bad.push_back("flow end without bp=e");
    } else if (e.ph == "M") {
      need("args");
      if ((e.name == "process_name" || e.name == "thread_name") && e.meta_name.empty())
        bad.push_back("metadata " + e.name + " without args.name");
    } else {
      bad.push_back("unexpected phase '" + e.ph + "'");
    }
  }
  for (auto& [track, evs] : tracks) {
    std::sort(evs.begin(), evs.end(), [](const TraceEvent* a, const TraceEvent* b) {
      return *a->ts_ns != *b->ts_ns ? *a->ts_ns < *b->ts_ns : *a->dur_ns > *b->dur_ns;
    });
    std::vector<std::int64_t> open_ends;  // ends of the enclosing events, innermost last
    for (const TraceEvent* e : evs) {
      std::int64_t start = *e->ts_ns, end = start + *e->dur_ns;
      while (!open_ends.empty() && open_ends.back() <= start) open_ends.pop_back();
      if (!open_ends.empty() && end > open_ends.back()) {
        bad.push_back("partial overlap on track " + std::to_string(track.first) + "/" + std::to_string(track.second) +
                      " at " + e->name + " ts_ns " + std::to_string(start));
        if (bad.size() > 20) return bad;
      }
      open_ends.push_back(end);
    }
  }
  for (auto& [id, n] : flow_starts)
    if (n != 1 || flow_ends[id] != 1) bad.push_back("flow " + std::to_string(id) + " not one start and one end");
  for (auto& [id, n] : flow_ends)
    if (!flow_starts.count(id)) bad.push_back("flow " + std::to_string(id) + " ends without a start");
  return bad;
}

}  // namespace looplab::testing
