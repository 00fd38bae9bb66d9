// StoreError: a store operation that failed after the store was opened (disk full, I/O error,
// lock timeout). Problems with the file itself at open time are InputErrors on the "db" field.
#pragma once
#include <stdexcept>
#include <string>

namespace looplab::store {

enum class StoreFault : unsigned char {
  disk_full,  // SQLITE_FULL: the file system (or the store's page limit) is full
  busy,       // another writer held the lock past the busy timeout
  corrupt,    // SQLITE_CORRUPT / SQLITE_NOTADB met while reading or writing
  read_only,  // a write on a read-only store
  io,         // any other SQLite failure
};

class StoreError : public std::runtime_error {
 public:
  StoreError(StoreFault fault, const std::string& message) : std::runtime_error(message), fault_(fault) {}
  StoreFault fault() const noexcept { return fault_; }

 private:
  StoreFault fault_;
};

}  // namespace looplab::store
