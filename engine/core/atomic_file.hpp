// Writing a file all or nothing: bytes go to a temporary file beside the target, which is renamed
// over it only once every byte is written and synced, so a full disk, an error or a crash never
// leaves a truncated file behind (and an existing file stays as it was until the rename).
#pragma once
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace looplab {

class AtomicFile {
 public:
  // Checks the folder and creates the temporary file. Throws InputError(field, ...) when the
  // folder does not exist, `path` is a directory, or the folder cannot be written.
  explicit AtomicFile(const std::filesystem::path& path, const char* field = "out");
  ~AtomicFile();  // removes the temporary file unless commit() renamed it
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // A stream over the temporary file; a failed write (disk full) sets its badbit and is reported
  // by commit().
  std::ostream& stream();
  void write(std::string_view bytes) { stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size())); }
  // Flushes, syncs and renames into place. Throws std::runtime_error ("disk full while writing
  // PATH" when the file system is full) and leaves no file when anything failed.
  void commit();
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Impl;
  std::filesystem::path path_;
  std::unique_ptr<Impl> impl_;
};

// Checks, before any work, that `path` can be written later: its folder exists and is writable,
// and it is not a directory. Throws InputError(field, ...). Creates nothing.
void check_output_path(const std::filesystem::path& path, const char* field);

// The whole of `bytes` through an AtomicFile.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, const char* field = "out");

// A temporary file name beside `path` for writers that manage their own file (mkstemp pattern).
std::string temp_name_beside(const std::filesystem::path& path);

}  // namespace looplab
