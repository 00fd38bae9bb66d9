// AtomicFile: mkstemp beside the target, a buffered streambuf over the descriptor, fsync, rename.
#include "engine/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <streambuf>
#include <vector>

#include "engine/core/error.hpp"

namespace looplab {

namespace {

// An output streambuf over a file descriptor that remembers the first errno of a failed write.
class FdBuf final : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd), buf_(1 << 16) { setp(buf_.data(), buf_.data() + buf_.size()); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!flush_all()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return flush_all() ? 0 : -1; }

 private:
  bool flush_all() {
    const char* p = pbase();
    while (p < pptr()) {
      const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
      if (n < 0) {
        if (errno == EINTR) continue;
        if (!error_) error_ = errno;
        setp(buf_.data(), buf_.data() + buf_.size());
        return false;
      }
      p += n;
    }
    setp(buf_.data(), buf_.data() + buf_.size());
    return true;
  }
  int fd_;
  int error_ = 0;
  std::vector<char> buf_;
};

[[noreturn]] void write_failed(const std::filesystem::path& path, int err) {
  if (err == ENOSPC || err == EDQUOT || err == EFBIG)
    throw std::runtime_error("disk full while writing " + path.string() + " (nothing was written)");
  throw std::runtime_error("writing " + path.string() + " failed: " + std::strerror(err) + " (nothing was written)");
}

}  // namespace

struct AtomicFile::Impl {
  std::string tmp;
  int fd = -1;
  FdBuf buf;
  std::ostream os;
  bool committed = false;
  explicit Impl(int f, std::string t) : tmp(std::move(t)), fd(f), buf(f), os(&buf) {}
};

std::string temp_name_beside(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  return (dir / ("." + path.filename().string() + ".XXXXXX")).string();
}

AtomicFile::AtomicFile(const std::filesystem::path& path, const char* field) : path_(path) {
  namespace fs = std::filesystem;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (path.filename().empty()) throw InputError(field, "'" + path.string() + "' names no file");
  if (!fs::is_directory(dir, ec))
    throw InputError(field, "the folder " + dir.string() + " of " + path.string() + " does not exist");
  if (fs::is_directory(path, ec)) throw InputError(field, path.string() + " is a directory");
  std::string tmp = temp_name_beside(path);
  const int fd = mkstemp(tmp.data());
  if (fd < 0) throw InputError(field, "cannot write in " + dir.string() + ": " + std::strerror(errno));
  impl_ = std::make_unique<Impl>(fd, std::move(tmp));
}

AtomicFile::~AtomicFile() {
  if (!impl_) return;
  if (impl_->fd >= 0) ::close(impl_->fd);
  if (!impl_->committed) ::unlink(impl_->tmp.c_str());
}

std::ostream& AtomicFile::stream() { return impl_->os; }

void AtomicFile::commit() {
  Impl& i = *impl_;
  i.os.flush();
  if (i.buf.error() || !i.os) write_failed(path_, i.buf.error() ? i.buf.error() : EIO);
  if (::fsync(i.fd) != 0) write_failed(path_, errno);
  const mode_t mask = ::umask(0);  // mkstemp makes 0600; give the file the usual mode
  ::umask(mask);
  ::fchmod(i.fd, 0666 & ~mask);
  const int fd = i.fd;
  i.fd = -1;
  if (::close(fd) != 0) write_failed(path_, errno);
  if (std::rename(i.tmp.c_str(), path_.c_str()) != 0)
    throw std::runtime_error("could not move the new file to " + path_.string() + ": " + std::strerror(errno));
  i.committed = true;
}

void check_output_path(const std::filesystem::path& path, const char* field) {
  namespace fs = std::filesystem;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (path.filename().empty()) throw InputError(field, "'" + path.string() + "' names no file");
  if (!fs::is_directory(dir, ec))
    throw InputError(field, "the folder " + dir.string() + " of " + path.string() + " does not exist");
  if (fs::is_directory(path, ec)) throw InputError(field, path.string() + " is a directory");
  if (::access(dir.c_str(), W_OK) != 0) throw InputError(field, "cannot write in " + dir.string());
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, const char* field) {
  AtomicFile f(path, field);
  f.write(bytes);
  f.commit();
}

}  // namespace looplab
