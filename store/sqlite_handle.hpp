// Move-only RAII owners for SQLite's C API: Database (sqlite3*), Statement (sqlite3_stmt*) and
// Transaction (BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless committed).
// No other file calls sqlite3_close or sqlite3_finalize.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace looplab::store {

// Throws StoreError for any result code other than SQLITE_OK / ROW / DONE; `what` names the
// statement or action, the message adds SQLite's own text and the file name.
void check_sqlite(int rc, sqlite3* db, std::string_view what);

class Database {
 public:
  Database() = default;
  // flags: SQLITE_OPEN_* bits. Throws StoreError when SQLite cannot open the file at all.
  // `name` is the file as messages call it (default: `path`, which may be an SQLite URI).
  Database(const std::string& path, int flags, std::string name = {});
  Database(Database&& o) noexcept;
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  sqlite3* get() const noexcept { return db_; }
  const std::string& path() const noexcept { return path_; }
  // Runs one or more statements without results.
  void exec(std::string_view sql);
  // First column of the first row of a query as an integer (PRAGMAs, COUNT(*)).
  std::int64_t query_int(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  bool read_only() const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement() = default;
  Statement(Database& db, std::string_view sql);
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding is 1-based like SQLite's; an empty optional binds NULL.
  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, double v);
  Statement& bind(int index, std::string_view v);
  Statement& bind(int index, std::optional<std::int64_t> v);
  Statement& bind(int index, std::optional<double> v);
  Statement& bind_null(int index);
  // Binds every argument in order to parameters 1..N.
  template <class... Ts>
  Statement& bind_all(const Ts&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }
  // True while a row is available; false once the statement is done.
  bool step();
  // Steps a statement that returns no rows, then resets it for reuse.
  void run();
  void reset();

  // Column reads, 0-based like SQLite's.
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::optional<double> opt_real(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading a
// read lock; the busy timeout makes the second one wait instead of failing.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database* db_;
  bool done_ = false;
};

}  // namespace looplab::store
