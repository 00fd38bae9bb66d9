// Why a results store could not be shown, in a form the error dialog can title and explain:
// missing, not a file, empty, corrupt, not a looplab store, locked, newer schema.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace looplab::gui {

enum class ProblemKind : std::uint8_t {
  missing,      // no file at the path
  notAFile,     // a directory or a device
  empty,        // a zero-byte file, or a store that holds no runs yet
  corrupt,      // not an SQLite file, or damaged
  notLooplab,   // an SQLite file without looplab's schema
  locked,       // another process holds the store's lock past the wait
  newerSchema,  // written by a newer looplab than this one
  unreadable,   // permissions or any other I/O failure
  unsupported,  // this build has no store reader
};

struct StoreProblem {
  ProblemKind kind = ProblemKind::unreadable;
  std::string path;
  std::string detail;  // the underlying message, for the dialog's details
};

// A short title ("The store is locked") and one or two sentences on what to do next.
std::string problemTitle(ProblemKind kind);
std::string problemAdvice(ProblemKind kind);

// Thrown by snapshot sources; the loader turns it into a failed() signal.
class StoreProblemError : public std::runtime_error {
 public:
  explicit StoreProblemError(StoreProblem problem)
      : std::runtime_error(problem.detail), m_problem(std::move(problem)) {}
  const StoreProblem& problem() const noexcept { return m_problem; }

 private:
  StoreProblem m_problem;
};

// Checks the file before any SQLite call: missing, not a regular file, zero bytes, or a header
// that is not "SQLite format 3". Returns kind-less success as an empty detail and ok = true.
struct FileCheck {
  bool ok = false;
  StoreProblem problem;
};
FileCheck checkStoreFile(const std::string& path);

}  // namespace looplab::gui
