// write_file_atomically(): temp file, write, flush to disk, rename.
#include "engine/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "engine/core/error.hpp"

namespace looplab {

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, const char* field) {
  namespace fs = std::filesystem;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(field, "the folder " + dir.string() + " of " + path.string() + " does not exist");
  if (fs::is_directory(path, ec)) throw InputError(field, path.string() + " is a directory");
  std::string tmp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(tmp.data());
  if (fd < 0) throw InputError(field, "cannot write in " + dir.string() + ": " + std::strerror(errno));
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    if (err == ENOSPC || err == EDQUOT) throw std::runtime_error("disk full while writing " + path.string());
    throw std::runtime_error("writing " + path.string() + " failed: " + std::strerror(err));
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail(errno);
  const mode_t mask = ::umask(0);  // mkstemp makes 0600; give the file the usual mode
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("writing " + path.string() + " failed: " + std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("could not move the new file to " + path.string() + ": " + std::strerror(err));
  }
}

}  // namespace looplab
