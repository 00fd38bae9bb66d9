// Files the store must refuse with a clear message, and writes that fail part way (disk full):
// nothing half-written may read as a complete run.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "engine/core/error.hpp"
#include "store/schema.hpp"
#include "store/sqlite_handle.hpp"
#include "store/store.hpp"
#include "store/store_error.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::store;
using looplab::testing::TempDir;

namespace {

// The InputError message open_store throws, or "" when it opened.
std::string open_error(const std::filesystem::path& p, OpenMode mode) {
  try {
    open_store(p, mode);
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "db");
    return e.what();
  }
  return "";
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void make_store(const std::filesystem::path& p) {
  auto s = open_store(p, OpenMode::read_write);
  RunInfo info = looplab::testing::sample_run();
  s->begin_run(info);
}

}  // namespace

TEST(StoreFaults, DirectoryIsRefused) {
  TempDir dir;
  std::string e = open_error(dir.path(), OpenMode::read_write);
  EXPECT_NE(e.find("is a directory"), std::string::npos) << e;
  EXPECT_NE(open_error(dir.path(), OpenMode::read_only).find("is a directory"), std::string::npos);
}

TEST(StoreFaults, MissingFileOrFolder) {
  TempDir dir;
  std::string e = open_error(dir / "none.db", OpenMode::read_only);
  EXPECT_NE(e.find("does not exist"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));  // reading never creates a file
  e = open_error(dir / "no-such-folder" / "a.db", OpenMode::read_write);
  EXPECT_NE(e.find("folder"), std::string::npos) << e;
}

TEST(StoreFaults, GarbageFileIsRefused) {
  TempDir dir;
  write_file(dir / "junk.db", std::string(8192, 'x'));
  for (OpenMode m : {OpenMode::read_only, OpenMode::read_write}) {
    std::string e = open_error(dir / "junk.db", m);
    EXPECT_NE(e.find("not a looplab store"), std::string::npos) << e;
    EXPECT_NE(e.find("not a SQLite database"), std::string::npos) << e;
  }
  EXPECT_EQ(read_file(dir / "junk.db"), std::string(8192, 'x'));  // left untouched
}

TEST(StoreFaults, ForeignSqliteFileIsRefused) {
  TempDir dir;
  {
    Database db((dir / "other.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hi')");
  }
  std::string e = open_error(dir / "other.db", OpenMode::read_write);
  EXPECT_NE(e.find("is not a looplab store"), std::string::npos) << e;
  Database db((dir / "other.db").string(), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sqlite_schema"), 1);  // no table was added
}

TEST(StoreFaults, NewerSchemaIsRefused) {
  TempDir dir;
  make_store(dir / "a.db");
  {
    Database db((dir / "a.db").string(), SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  }
  for (OpenMode m : {OpenMode::read_only, OpenMode::read_write}) {
    std::string e = open_error(dir / "a.db", m);
    EXPECT_NE(e.find("newer looplab"), std::string::npos) << e;
    EXPECT_NE(e.find("schema " + std::to_string(kSchemaVersion + 1)), std::string::npos) << e;
  }
}

TEST(StoreFaults, CorruptSchemaIsRefused) {
  TempDir dir;
  make_store(dir / "a.db");
  std::string bytes = read_file(dir / "a.db");
  auto at = bytes.find("CREATE TABLE runs");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 6, "CREATX");
  write_file(dir / "a.db", bytes);
  std::string e = open_error(dir / "a.db", OpenMode::read_only);
  EXPECT_NE(e.find("corrupt"), std::string::npos) << e;
}

TEST(StoreFaults, EmptyFileBecomesAStoreOnlyWhenWriting) {
  TempDir dir;
  write_file(dir / "empty.db", "");
  EXPECT_NE(open_error(dir / "empty.db", OpenMode::read_only).find("empty file"), std::string::npos);
  EXPECT_EQ(open_error(dir / "empty.db", OpenMode::read_write), "");
  EXPECT_EQ(open_error(dir / "empty.db", OpenMode::read_only), "");
}

// Root ignores file permissions, so the check runs in a child that drops to an unprivileged user.
TEST(StoreFaults, ReadOnlyFileIsRefusedForWriting) {
  TempDir dir;
  make_store(dir / "ro.db");
  std::filesystem::permissions(dir / "ro.db", std::filesystem::perms::owner_read | std::filesystem::perms::group_read |
                                                  std::filesystem::perms::others_read);
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                               std::filesystem::perms::group_exec |
                                               std::filesystem::perms::others_read |
                                               std::filesystem::perms::others_exec);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (geteuid() == 0 && setresuid(65534, 65534, 65534) != 0) _exit(10);
    std::string e = open_error(dir / "ro.db", OpenMode::read_write);
    if (e.find("is read-only") == std::string::npos) {
      std::fprintf(stderr, "open_store said: %s\n", e.c_str());
      _exit(11);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: could not drop privileges, 11: wrong or no error";
}

// A write that hits SQLITE_FULL fails with a disk-full StoreError, writes none of its rows, and
// leaves the run marked incomplete.
TEST(StoreFaults, DiskFullLeavesRunIncomplete) {
  TempDir dir;
  make_store(dir / "full.db");
  RunId id = 0;
  {
    StoreOptions opt;
    opt.max_pages = 40;  // ~160 KiB with 4 KiB pages
    auto s = open_store(dir / "full.db", OpenMode::read_write, opt);
    RunInfo info = looplab::testing::sample_run("full");
    id = s->begin_run(info);
    RunRows rows;
    for (int op = 0; op < 20000; ++op) rows.ops.push_back(looplab::testing::sample_op(0, op / 100, op % 100));
    try {
      s->append(id, rows);
      FAIL() << "append of 20000 ops fit in 40 pages";
    } catch (const StoreError& e) {
      EXPECT_EQ(e.fault(), StoreFault::disk_full);
      EXPECT_NE(std::string(e.what()).find("full"), std::string::npos) << e.what();
    }
  }
  auto s = open_store(dir / "full.db", OpenMode::read_only);
  auto run = s->get_run(id);
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->complete);
  EXPECT_EQ(run->status, RunStatus::running);
  EXPECT_TRUE(s->read_rows(id).ops.empty());
}

// The migration engine: steps apply in order, each in a transaction; a failing step leaves the
// file at the last good version; files already past a step skip it.
TEST(StoreMigrations, StepwiseAndAtomic) {
  TempDir dir;
  Database db((dir / "m.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const Migration good[] = {{1, "CREATE TABLE a (x INTEGER)"}, {2, "ALTER TABLE a ADD COLUMN y INTEGER"}};
  apply_migrations(db, good);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 2);
  EXPECT_EQ(db.query_int("PRAGMA application_id"), kApplicationId);
  apply_migrations(db, good);  // already there: nothing to do, no "table exists" error
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 2);
  const Migration bad[] = {{3, "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1)"}};
  EXPECT_THROW(apply_migrations(db, bad), StoreError);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 2);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'b'"), 0);
  const Migration gap[] = {{5, "CREATE TABLE c (x INTEGER)"}};
  EXPECT_THROW(apply_migrations(db, gap), StoreError);
}
