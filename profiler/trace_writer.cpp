// ChromeTraceWriter: JSON text assembled in a fixed buffer and handed to zlib's gzwrite.
#include "profiler/trace_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"

namespace looplab::profiler {

namespace {
constexpr std::size_t kBufferBytes = 256u << 10;
}

void ChromeTraceWriter::GzCloser::operator()(void* f) const { gzclose(static_cast<gzFile>(f)); }

ChromeTraceWriter::ChromeTraceWriter(const std::filesystem::path& path, int level) : path_(path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError("trace", path.string() + " is a directory");
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError("trace", "the folder " + dir.string() + " of " + path.string() + " does not exist");
  // Written to a temporary file beside the target and renamed by finish(): a failure part way
  // (disk full) leaves no truncated trace.
  tmp_path_ = temp_name_beside(path);
  const int fd = mkstemp(tmp_path_.data());
  if (fd < 0) throw InputError("trace", "cannot create a file in " + dir.string() + ": " + std::strerror(errno));
  std::string mode = "wb" + std::to_string(level < 1 ? 1 : level > 9 ? 9 : level);
  gzFile f = gzdopen(fd, mode.c_str());
  if (!f) {
    ::close(fd);
    ::unlink(tmp_path_.c_str());
    throw InputError("trace", "cannot create " + path.string() + ": zlib error");
  }
  file_.reset(f);
  gzbuffer(f, static_cast<unsigned>(kBufferBytes));
  buf_.reserve(kBufferBytes + 4096);
  buf_ += "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
}

ChromeTraceWriter::~ChromeTraceWriter() {
  // Not finished (an error part way): the temporary file goes, no partial trace is left.
  if (!renamed_) {
    file_.reset();
    ::unlink(tmp_path_.c_str());
  }
}

void ChromeTraceWriter::append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += hex;
        } else {
          out += c;
        }
    }
  }
}

void ChromeTraceWriter::append_ts(std::int64_t ns) {
  // Microseconds with exactly three decimals: integer arithmetic keeps nanoseconds exact, so two
  // events that share a boundary in ns share it in the file too.
  char text[32];
  const char* sign = ns < 0 ? "-" : "";
  std::uint64_t a = ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  std::snprintf(text, sizeof text, "%s%llu.%03llu", sign, static_cast<unsigned long long>(a / 1000),
                static_cast<unsigned long long>(a % 1000));
  buf_ += text;
}

void ChromeTraceWriter::begin_event() {
  if (events_ > 0) buf_ += ",\n";
  ++events_;
}

void ChromeTraceWriter::flush_buffer() {
  if (buf_.empty() || !file_) return;
  uncompressed_bytes_ += static_cast<std::int64_t>(buf_.size());
  int n = gzwrite(static_cast<gzFile>(file_.get()), buf_.data(), static_cast<unsigned>(buf_.size()));
  if (n != static_cast<int>(buf_.size())) failed_ = true;
  buf_.clear();
}

void ChromeTraceWriter::process_name(int pid, std::string_view name) {
  begin_event();
  buf_ += "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" + std::to_string(pid) + ",\"tid\":0,\"args\":{\"name\":\"";
  append_escaped(buf_, name);
  buf_ += "\"}}";
}

void ChromeTraceWriter::process_sort_index(int pid, int index) {
  begin_event();
  buf_ += "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":" + std::to_string(pid) +
          ",\"tid\":0,\"args\":{\"sort_index\":" + std::to_string(index) + "}}";
}

void ChromeTraceWriter::thread_name(int pid, int tid, std::string_view name) {
  begin_event();
  buf_ += "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) +
          ",\"args\":{\"name\":\"";
  append_escaped(buf_, name);
  buf_ += "\"}}";
}

void ChromeTraceWriter::thread_sort_index(int pid, int tid, int index) {
  begin_event();
  buf_ += "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":" + std::to_string(pid) +
          ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"sort_index\":" + std::to_string(index) + "}}";
}

void ChromeTraceWriter::complete(int pid, int tid, std::string_view name, std::string_view category, std::int64_t ts_ns,
                                 std::int64_t dur_ns, std::string_view args_json) {
  begin_event();
  buf_ += "{\"ph\":\"X\",\"pid\":";
  buf_ += std::to_string(pid);
  buf_ += ",\"tid\":";
  buf_ += std::to_string(tid);
  buf_ += ",\"name\":\"";
  append_escaped(buf_, name);
  buf_ += "\",\"cat\":\"";
  append_escaped(buf_, category);
  buf_ += "\",\"ts\":";
  append_ts(ts_ns);
  buf_ += ",\"dur\":";
  append_ts(dur_ns < 0 ? 0 : dur_ns);
  if (!args_json.empty()) {
    buf_ += ",\"args\":{";
    buf_ += args_json;
    buf_ += '}';
  }
  buf_ += '}';
  if (buf_.size() >= kBufferBytes) flush_buffer();
}

void ChromeTraceWriter::flow_start(int pid, int tid, std::uint64_t id, std::int64_t ts_ns, std::string_view name) {
  begin_event();
  buf_ += "{\"ph\":\"s\",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) +
          ",\"id\":" + std::to_string(id) + ",\"cat\":\"launch\",\"name\":\"";
  append_escaped(buf_, name);
  buf_ += "\",\"ts\":";
  append_ts(ts_ns);
  buf_ += '}';
  if (buf_.size() >= kBufferBytes) flush_buffer();
}

void ChromeTraceWriter::flow_end(int pid, int tid, std::uint64_t id, std::int64_t ts_ns, std::string_view name) {
  begin_event();
  buf_ += "{\"ph\":\"f\",\"bp\":\"e\",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) +
          ",\"id\":" + std::to_string(id) + ",\"cat\":\"launch\",\"name\":\"";
  append_escaped(buf_, name);
  buf_ += "\",\"ts\":";
  append_ts(ts_ns);
  buf_ += '}';
  if (buf_.size() >= kBufferBytes) flush_buffer();
}

void ChromeTraceWriter::finish(std::string_view other_data_json) {
  if (finished_) return;
  buf_ += "\n]";
  if (!other_data_json.empty()) {
    buf_ += ",\"otherData\":{";
    buf_ += other_data_json;
    buf_ += '}';
  }
  buf_ += "}\n";
  flush_buffer();
  finished_ = true;
  int rc = gzclose(static_cast<gzFile>(file_.release()));
  if (failed_ || rc != Z_OK)
    throw std::runtime_error("writing the trace " + path_.string() +
                             " failed (disk full or I/O error); no trace written");
  ::chmod(tmp_path_.c_str(), 0644);
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0)
    throw std::runtime_error("could not move the trace to " + path_.string() + ": " + std::strerror(errno));
  renamed_ = true;
}

}  // namespace looplab::profiler
