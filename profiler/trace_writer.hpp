// ChromeTraceWriter: streams Chrome trace-event JSON (what ui.perfetto.dev and chrome://tracing
// open) through zlib into a .json.gz file, one event at a time. Memory stays constant whatever
// the number of events: a 256 KiB text buffer and zlib's ~256 KiB deflate state.
// Timestamps are integer nanoseconds, written as microseconds with three decimals (exact).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace looplab::profiler {

class ChromeTraceWriter {
 public:
  // Creates (truncates) the file. Throws InputError("trace", ...) when it cannot be created.
  // level: zlib compression level 1 (fast) .. 9 (small).
  explicit ChromeTraceWriter(const std::filesystem::path& path, int level = 1);
  ~ChromeTraceWriter();  // closes the file if finish() was not called; the result is then partial
  ChromeTraceWriter(const ChromeTraceWriter&) = delete;
  ChromeTraceWriter& operator=(const ChromeTraceWriter&) = delete;

  // Track names and order (metadata events).
  void process_name(int pid, std::string_view name);
  void process_sort_index(int pid, int index);
  void thread_name(int pid, int tid, std::string_view name);
  void thread_sort_index(int pid, int tid, int index);

  // A complete ("X") event. args_json: the inside of a JSON object ("\"k\":1,\"s\":\"v\"") or empty.
  void complete(int pid, int tid, std::string_view name, std::string_view category, std::int64_t ts_ns,
                std::int64_t dur_ns, std::string_view args_json = {});
  // A flow arrow from the slice enclosing (pid, tid, ts) at the start to the slice at the end.
  void flow_start(int pid, int tid, std::uint64_t id, std::int64_t ts_ns, std::string_view name);
  void flow_end(int pid, int tid, std::uint64_t id, std::int64_t ts_ns, std::string_view name);

  // Closes the JSON and the file; throws std::runtime_error when a write failed (disk full).
  void finish(std::string_view other_data_json = {});

  std::int64_t events() const { return events_; }
  std::int64_t uncompressed_bytes() const { return uncompressed_bytes_; }

  // JSON string escaping for names and argument values.
  static void append_escaped(std::string& out, std::string_view s);

 private:
  void begin_event();
  void flush_buffer();
  void append_ts(std::int64_t ns);

  struct GzCloser {
    void operator()(void* f) const;
  };
  std::unique_ptr<void, GzCloser> file_;
  std::filesystem::path path_;
  std::string tmp_path_;  // written here, renamed to path_ by finish()
  bool renamed_ = false;
  std::string buf_;
  std::int64_t events_ = 0;
  std::int64_t uncompressed_bytes_ = 0;
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace looplab::profiler
