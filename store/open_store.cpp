// open_store(): turns a --db path into a ready store, or into one clear sentence about why not.
// The file (and a -wal or -journal beside it) is checked byte by byte before SQLite opens it, so
// a refused file is never modified; read-only opens create no file.
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <system_error>
#include <thread>

#include "engine/core/error.hpp"
#include "store/file_check.hpp"
#include "store/schema.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"
#include "store/store_error.hpp"

namespace looplab::store {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& p, const std::string& problem) {
  throw InputError("db", p + " " + problem);
}

// What the bytes say before SQLite sees the file.
void check_before_open(const fs::path& path, const FileHeader& h) {
  const std::string p = path.string();
  if (!h.exists || h.size == 0) return;
  if (!h.sqlite)
    refuse(p, "is not a looplab store: it is not a SQLite database (" + std::to_string(h.size) + " bytes)");
  if (!h.sound) refuse(p, "is corrupt: its SQLite header is damaged");
  if (h.application_id != static_cast<std::uint32_t>(kApplicationId)) {
    if (h.application_id != 0)
      refuse(p, "is not a looplab store (a SQLite file with application_id " + std::to_string(h.application_id) +
                    "); use another --db file");
    if (h.user_version != 0)
      refuse(p, "is not a looplab store (a SQLite file with user_version " + std::to_string(h.user_version) + ")");
  } else {
    if (h.user_version < 0) refuse(p, "is damaged: its schema version reads " + std::to_string(h.user_version));
    if (h.user_version > kSchemaVersion)
      refuse(p, "was written by a newer looplab (store schema " + std::to_string(h.user_version) +
                    "; this binary understands up to " + std::to_string(kSchemaVersion) + "): upgrade looplab");
  }
  if (auto why = foreign_wal(path, h, static_cast<std::uint32_t>(kApplicationId)))
    refuse(p, "cannot be opened safely: " + *why + "; move " + p + "-wal away");
  // A rollback journal beside it is replayed too; its page size must be the store's.
  const fs::path journal = p + "-journal";
  std::error_code ec;
  if (fs::file_size(journal, ec) >= 28 && !ec) {
    std::ifstream in(journal, std::ios::binary);
    unsigned char b[28] = {};
    if (in.read(reinterpret_cast<char*>(b), sizeof b)) {
      const std::uint32_t page =
          (std::uint32_t{b[24]} << 24) | (std::uint32_t{b[25]} << 16) | (std::uint32_t{b[26]} << 8) | b[27];
      const bool magic = b[0] == 0xd9 && b[1] == 0xd5 && b[2] == 0x05 && b[3] == 0xf9;
      if (magic && page != h.page_size)
        refuse(p, "cannot be opened safely: its -journal file has pages of " + std::to_string(page) +
                      " bytes, the store " + std::to_string(h.page_size) + "; move " + p + "-journal away");
    }
  }
}

// PRAGMA journal_mode = WAL needs a moment of exclusive access; a second process creating the
// same store may hold it, and the busy handler does not always wait for it: retry until the
// busy timeout.
void enter_wal(Database& db, int busy_timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  for (int attempt = 0;; ++attempt) {
    try {
      Statement st(db, "PRAGMA journal_mode = WAL");
      if (st.step() && st.text(0) == "wal") return;
    } catch (const StoreError& e) {
      if (e.fault() != StoreFault::busy || std::chrono::steady_clock::now() > until) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(100, 5 << std::min(attempt, 4))));
  }
}

Database open_read_only(const fs::path& path, const OpenMode mode) {
  const std::string p = path.string();
  std::error_code ec;
  const bool wal_there = fs::exists(p + "-wal", ec);
  // No -wal: no writer is at work and nothing waits to be replayed, so the file can be read as an
  // immutable snapshot without creating -wal and -shm (the CLI's short reads). A live reader (the
  // GUI) opens normally to see writers' progress, and falls back to the snapshot on read-only media.
  if (!wal_there && mode == OpenMode::read_only)
    return Database(immutable_uri(path), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, p);
  try {
    Database db(p, SQLITE_OPEN_READONLY);
    db.query_int("SELECT count(*) FROM sqlite_schema");  // reading needs the -shm: fails here if it cannot
    return db;
  } catch (const StoreError& e) {
    if (e.fault() != StoreFault::read_only && e.fault() != StoreFault::io) throw;
    return Database(immutable_uri(path), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, p);
  }
}

}  // namespace

std::unique_ptr<Store> open_store(const fs::path& path, OpenMode mode, const StoreOptions& options) {
  const std::string p = path.string();
  if (p.empty()) throw InputError("db", "no store file given");
  if (p == ":memory:" || p.front() == ':' || p.rfind("file:", 0) == 0)
    throw InputError("db", "'" + p + "' is an SQLite special name, not a file: give a file path (e.g. looplab.db)");
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (fs::is_directory(st)) throw InputError("db", p + " is a directory, not a store file (give a file name)");
  const bool exists = fs::exists(st);
  const bool reading = mode != OpenMode::read_write;
  if (!exists) {
    if (reading) throw InputError("db", p + " does not exist (no runs recorded there yet)");
    fs::path parent = path.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
      throw InputError("db", "the folder " + parent.string() + " of " + p + " does not exist");
  } else if (!fs::is_regular_file(st)) {
    throw InputError("db", p + " is not a regular file");
  }
  const FileHeader header = read_file_header(path);
  check_before_open(path, header);
  if (reading && header.size == 0) throw InputError("db", p + " is an empty file, not a looplab store");

  Database db;
  try {
    db = reading ? open_read_only(path, mode) : Database(p, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  } catch (const StoreError& e) {
    throw InputError("db", std::string("cannot open the store: ") + e.what());
  }
  if (mode == OpenMode::read_write && db.read_only())
    throw InputError("db", p + " is read-only: looplab cannot record runs in it (check the file's permissions, "
                               "or pass another --db)");
  check_sqlite(sqlite3_busy_timeout(db.get(), options.busy_timeout_ms), db.get(), "busy_timeout");

  try {
    ensure_schema(db, reading ? SchemaAccess::read_only : SchemaAccess::read_write);
    if (mode == OpenMode::read_write) {
      // WAL lets readers (a GUI) run while a run is written, and makes a killed writer harmless:
      // its uncommitted transaction is simply not in the log.
      enter_wal(db, options.busy_timeout_ms);
      db.exec("PRAGMA synchronous = NORMAL");
    }
    db.exec("PRAGMA foreign_keys = ON");
    if (options.max_pages) db.exec("PRAGMA max_page_count = " + std::to_string(*options.max_pages));
  } catch (const StoreError& e) {
    if (e.fault() == StoreFault::read_only) throw InputError("db", p + " cannot be written: " + e.what());
    if (e.fault() == StoreFault::corrupt) throw InputError("db", p + " is damaged: " + e.what());
    throw;
  }
  return std::make_unique<SqliteStore>(std::move(db));
}

}  // namespace looplab::store
