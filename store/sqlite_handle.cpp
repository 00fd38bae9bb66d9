// The RAII owners of sqlite_handle.hpp and the one place SQLite result codes become errors.
#include "store/sqlite_handle.hpp"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "store/store_error.hpp"

namespace looplab::store {

namespace {

StoreFault fault_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return StoreFault::disk_full;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreFault::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StoreFault::corrupt;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return StoreFault::read_only;
    default:
      return StoreFault::io;
  }
}

std::string file_of(sqlite3* db) {
  const char* f = db ? sqlite3_db_filename(db, "main") : nullptr;
  return f && *f ? f : "(store)";
}

// Whether an I/O error met a full file system or this process's file-size limit (ulimit -f).
// SQLite's saved errno is often gone by the time a statement reports the error (its rollback made
// further system calls), so the file system itself is asked: under 1 MiB free, or the store's
// file (or its -wal or -journal) within a page of the size limit.
bool out_of_room(sqlite3* db) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  if (!file || !*file) return false;
  const int err = sqlite3_system_errno(db);
  if (err == ENOSPC || err == EFBIG) return true;
  struct statvfs fs {};
  if (statvfs(file, &fs) == 0 && static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize < (1ull << 20)) return true;
  rlimit lim{};
  if (getrlimit(RLIMIT_FSIZE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return false;
  for (const char* suffix : {"", "-wal", "-journal"}) {
    struct stat st {};
    const std::string f = std::string(file) + suffix;
    if (::stat(f.c_str(), &st) == 0 && static_cast<rlim_t>(st.st_size) + 65536 >= lim.rlim_cur) return true;
  }
  return false;
}

int to_int(std::size_t n) { return n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n); }

}  // namespace

void check_sqlite(int rc, sqlite3* db, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  // A full file system (or the process's file-size limit, which behaves the same) reaches SQLite
  // as an I/O error on write.
  if ((rc & 0xff) == SQLITE_IOERR && out_of_room(db)) rc = SQLITE_FULL;
  std::string detail = sqlite3_errstr(rc);
  if (db) {
    const char* m = sqlite3_errmsg(db);
    if (m && detail != m) detail += std::string(" (") + m + ")";
  }
  if ((rc & 0xff) == SQLITE_IOERR && db && sqlite3_system_errno(db) != 0)
    detail += std::string(" (") + std::strerror(sqlite3_system_errno(db)) + ")";
  std::string msg = file_of(db) + ": " + std::string(what) + ": " + detail;
  if ((rc & 0xff) == SQLITE_FULL)
    msg = file_of(db) + ": disk full (or the store's size limit reached) while " + std::string(what.substr(0, 40));
  throw StoreError(fault_of(rc), msg);
}

Database::Database(const std::string& path, int flags, std::string name) : path_(std::move(name)) {
  if (path_.empty()) path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = path_ + ": cannot open: " + sqlite3_errstr(rc);
    if (db_) {
      msg += std::string(" (") + sqlite3_errmsg(db_) + ")";
      sqlite3_close_v2(db_);
      db_ = nullptr;
    }
    throw StoreError(fault_of(rc), msg);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::Database(Database&& o) noexcept : db_(std::exchange(o.db_, nullptr)), path_(std::move(o.path_)) {}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
    path_ = std::move(o.path_);
  }
  return *this;
}

Database::~Database() {
  // close_v2 defers the close until every statement is finalized, so it cannot fail here.
  if (db_) sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  check_sqlite(rc, db_, s.size() > 60 ? s.substr(0, 60) + "..." : s);
}

std::int64_t Database::query_int(std::string_view sql) {
  Statement st(*this, sql);
  return st.step() ? st.int64(0) : 0;
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool Database::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

Statement::Statement(Database& db, std::string_view sql) : db_(db.get()) {
  int rc = sqlite3_prepare_v3(db_, sql.data(), to_int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  check_sqlite(rc, db_, "prepare " + std::string(sql.substr(0, 60)));
}

Statement::Statement(Statement&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)), db_(std::exchange(o.db_, nullptr)) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(o.stmt_, nullptr);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t v) {
  check_sqlite(sqlite3_bind_int64(stmt_, index, v), db_, "bind");
  return *this;
}
Statement& Statement::bind(int index, double v) {
  check_sqlite(sqlite3_bind_double(stmt_, index, v), db_, "bind");
  return *this;
}
Statement& Statement::bind(int index, std::string_view v) {
  check_sqlite(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8), db_, "bind");
  return *this;
}
Statement& Statement::bind(int index, std::optional<std::int64_t> v) { return v ? bind(index, *v) : bind_null(index); }
Statement& Statement::bind(int index, std::optional<double> v) { return v ? bind(index, *v) : bind_null(index); }
Statement& Statement::bind_null(int index) {
  check_sqlite(sqlite3_bind_null(stmt_, index), db_, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  std::string what = sql ? std::string(sql).substr(0, 60) : "step";
  sqlite3_reset(stmt_);
  check_sqlite(rc, db_, what);
  return false;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}
bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::optional<std::int64_t> Statement::opt_int64(int col) const {
  return is_null(col) ? std::nullopt : std::optional<std::int64_t>(int64(col));
}
std::optional<double> Statement::opt_real(int col) const {
  return is_null(col) ? std::nullopt : std::optional<double>(real(col));
}

Transaction::Transaction(Database& db) : db_(&db) { db_->exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_->get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_->exec("COMMIT");
  done_ = true;
}

}  // namespace looplab::store
