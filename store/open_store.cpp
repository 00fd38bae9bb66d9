// open_store(): turns a --db path into a ready store, or into one clear sentence about why not.
#include <sqlite3.h>

#include <system_error>

#include "engine/core/error.hpp"
#include "store/schema.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"
#include "store/store_error.hpp"

namespace looplab::store {

namespace fs = std::filesystem;

std::unique_ptr<Store> open_store(const fs::path& path, OpenMode mode, const StoreOptions& options) {
  const std::string p = path.string();
  if (p.empty()) throw InputError("db", "no store file given");
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (fs::is_directory(st)) throw InputError("db", p + " is a directory, not a store file (give a file name)");
  bool exists = fs::exists(st);
  if (!exists) {
    if (mode == OpenMode::read_only) throw InputError("db", p + " does not exist (no runs recorded there yet)");
    fs::path parent = path.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
      throw InputError("db", "the folder " + parent.string() + " of " + p + " does not exist");
  } else if (!fs::is_regular_file(st)) {
    throw InputError("db", p + " is not a regular file");
  }

  int flags = mode == OpenMode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  Database db;
  try {
    db = Database(p, flags);
  } catch (const StoreError& e) {
    throw InputError("db", std::string("cannot open the store: ") + e.what());
  }
  if (mode == OpenMode::read_write && db.read_only())
    throw InputError("db", p + " is read-only: looplab cannot record runs in it (check the file's permissions, "
                              "or pass another --db)");
  check_sqlite(sqlite3_busy_timeout(db.get(), options.busy_timeout_ms), db.get(), "busy_timeout");

  try {
    ensure_schema(db, mode == OpenMode::read_only ? SchemaAccess::read_only : SchemaAccess::read_write);
    if (mode == OpenMode::read_write) {
      // WAL lets readers (a GUI) run while a run is written, and makes a killed writer harmless:
      // its uncommitted transaction is simply not in the log.
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
    }
    db.exec("PRAGMA foreign_keys = ON");
    if (options.max_pages) db.exec("PRAGMA max_page_count = " + std::to_string(*options.max_pages));
  } catch (const StoreError& e) {
    if (e.fault() == StoreFault::read_only)
      throw InputError("db", p + " cannot be written: " + e.what());
    throw;
  }
  return std::make_unique<SqliteStore>(std::move(db));
}

}  // namespace looplab::store
