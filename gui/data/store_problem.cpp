// Titles, advice and the pre-open file check of store problems (see store_problem.hpp).
#include "gui/data/store_problem.hpp"

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace looplab::gui {

std::string problemTitle(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::missing:
      return "The store file does not exist";
    case ProblemKind::notAFile:
      return "The path is not a store file";
    case ProblemKind::empty:
      return "The store holds no runs";
    case ProblemKind::corrupt:
      return "The store file is damaged";
    case ProblemKind::notLooplab:
      return "The file is not a looplab store";
    case ProblemKind::locked:
      return "The store is locked";
    case ProblemKind::newerSchema:
      return "The store is newer than this program";
    case ProblemKind::unreadable:
      return "The store cannot be read";
    case ProblemKind::unsupported:
      return "This build cannot read stores";
  }
  return "The store cannot be read";
}

std::string problemAdvice(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::missing:
      return "Check the path, or record runs first with `looplab run` or `looplab demo`.";
    case ProblemKind::notAFile:
      return "Choose a .db file, not a folder.";
    case ProblemKind::empty:
      return "Record runs with `looplab run` or `looplab demo`, then open the store again.";
    case ProblemKind::corrupt:
      return "The file is not a readable SQLite database. Restore it from a copy or record the "
             "runs again.";
    case ProblemKind::notLooplab:
      return "It is an SQLite database, but not one looplab wrote. Choose a store written by "
             "`looplab run`.";
    case ProblemKind::locked:
      return "Another program holds the store's lock. Wait for it to finish (a running "
             "`looplab run` releases it when done) and open the store again.";
    case ProblemKind::newerSchema:
      return "A newer looplab wrote this store. Update looplab to open it.";
    case ProblemKind::unreadable:
      return "Check the file's permissions and the disk.";
    case ProblemKind::unsupported:
      return "looplab-gui was built without the results store library; rebuild with it.";
  }
  return {};
}

FileCheck checkStoreFile(const std::string& path) {
  namespace fs = std::filesystem;
  FileCheck c;
  c.problem.path = path;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (path.empty() || !fs::exists(st)) {
    c.problem.kind = ProblemKind::missing;
    c.problem.detail = (path.empty() ? std::string("no file given") : path + " does not exist");
    return c;
  }
  if (!fs::is_regular_file(st)) {
    c.problem.kind = ProblemKind::notAFile;
    c.problem.detail = path + " is " + (fs::is_directory(st) ? "a directory" : "not a regular file");
    return c;
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size == 0) {
    c.problem.kind = ProblemKind::empty;
    c.problem.detail = path + " is an empty file (0 bytes)";
    return c;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    c.problem.kind = ProblemKind::unreadable;
    c.problem.detail = "cannot open " + path + " for reading";
    return c;
  }
  // Every SQLite database starts with these 16 bytes (the file format's header string).
  static const char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
  std::array<char, 16> head{};
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.gcount() != 16 || std::memcmp(head.data(), kMagic, 16) != 0) {
    c.problem.kind = ProblemKind::corrupt;
    c.problem.detail = path + " does not start with the SQLite header";
    return c;
  }
  c.ok = true;
  return c;
}

}  // namespace looplab::gui
