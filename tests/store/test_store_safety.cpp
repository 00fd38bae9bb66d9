// A refused store is never modified, and reading creates nothing: the files the store must turn
// away before SQLite touches them (a foreign -wal or -journal beside a store, a 1-byte file, SQLite
// special names), reads that leave no -wal/-shm behind and work on a read-only folder, a damaged
// schema version, and several processes creating one store at once.
#include <grp.h>
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
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::store;
using looplab::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string open_error(const fs::path& p, OpenMode mode) {
  try {
    open_store(p, mode);
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "db");
    return e.what();
  }
  return "";
}

std::string bytes_of(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// A store with `runs` finished runs, closed (its -wal checkpointed away).
void make_store(const fs::path& p, int runs) {
  auto s = open_store(p, OpenMode::read_write);
  for (int i = 0; i < runs; ++i) {
    RunInfo info = looplab::testing::sample_run("r" + std::to_string(i));
    const RunId id = s->begin_run(info);
    RunRows rows;
    for (int op = 0; op < 50; ++op) rows.ops.push_back(looplab::testing::sample_op(0, 0, op));
    s->append(id, rows);
    looplab::testing::finish(*s, id, RunStatus::complete);
  }
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// The foreign -wal of another database beside a store: refused before SQLite could replay it.
TEST(StoreSafety, ForeignWalBesideAStoreIsRefusedAndTheStoreUntouched) {
  TempDir dir;
  make_store(dir / "v.db", 4);
  const std::string before = bytes_of(dir / "v.db");
  {
    // Another database in WAL mode, its log copied while the writer still holds it open.
    Database other((dir / "other.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    other.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)");
    fs::copy_file(dir / "other.db-wal", dir / "v.db-wal");
  }
  ASSERT_GT(fs::file_size(dir / "v.db-wal"), 0u);
  for (OpenMode m : {OpenMode::read_write, OpenMode::read_only, OpenMode::read_only_live}) {
    const std::string e = open_error(dir / "v.db", m);
    EXPECT_NE(e.find("-wal"), std::string::npos) << e;
    EXPECT_NE(e.find("move"), std::string::npos) << e;
  }
  EXPECT_EQ(bytes_of(dir / "v.db"), before);  // not one byte changed
  fs::remove(dir / "v.db-wal");
  EXPECT_EQ(open_store(dir / "v.db", OpenMode::read_only)->list_runs().size(), 4u);
}

TEST(StoreSafety, ForeignJournalBesideAStoreIsRefused) {
  TempDir dir;
  make_store(dir / "v.db", 1);
  const std::string before = bytes_of(dir / "v.db");
  // A rollback journal header with another page size (1024; the store uses SQLite's 4096).
  std::string journal(512, '\0');
  const unsigned char magic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
  journal.replace(0, 8, reinterpret_cast<const char*>(magic), 8);
  journal[24 + 2] = 0x04;  // page size 1024, big-endian at offset 24
  std::ofstream(dir / "v.db-journal", std::ios::binary) << journal;
  const std::string e = open_error(dir / "v.db", OpenMode::read_write);
  EXPECT_NE(e.find("-journal"), std::string::npos) << e;
  EXPECT_EQ(bytes_of(dir / "v.db"), before);
}

TEST(StoreSafety, TinyAndForeignFilesAreRefusedUntouched) {
  TempDir dir;
  std::ofstream(dir / "one.db", std::ios::binary) << "x";
  for (OpenMode m : {OpenMode::read_write, OpenMode::read_only}) {
    const std::string e = open_error(dir / "one.db", m);
    EXPECT_NE(e.find("not a SQLite database (1 bytes)"), std::string::npos) << e;
  }
  EXPECT_EQ(bytes_of(dir / "one.db"), "x");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"one.db"}));
}

TEST(StoreSafety, SqliteSpecialNamesAreRefused) {
  TempDir dir;
  for (const char* name : {":memory:", "file::memory:", "file:x.db?mode=memory", ":x"}) {
    const std::string e = open_error(name, OpenMode::read_write);
    EXPECT_NE(e.find("special name"), std::string::npos) << name << ": " << e;
  }
}

TEST(StoreSafety, ReadingCreatesNoFile) {
  TempDir dir;
  make_store(dir / "s.db", 2);
  const auto files = names_in(dir.path());
  ASSERT_EQ(files, (std::vector<std::string>{"s.db"}));  // a closed writer leaves no -wal/-shm
  {
    auto s = open_store(dir / "s.db", OpenMode::read_only);
    EXPECT_EQ(s->list_runs().size(), 2u);
    EXPECT_EQ(s->read_rows(1).ops.size(), 50u);
  }
  EXPECT_EQ(names_in(dir.path()), files);
}

// A store on a read-only folder (as on a read-only mount) can be read; as root permissions do
// not hold, the check runs in a child that drops to an unprivileged user.
TEST(StoreSafety, ReadOnlyFolderCanBeRead) {
  TempDir dir;
  fs::create_directory(dir / "ro");
  make_store(dir / "ro" / "s.db", 3);
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(dir / "ro",
                  fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(dir / "ro" / "s.db", fs::perms::owner_read | fs::perms::others_read);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The group too: with gid 0 the files' group bits (none) would apply, not the others' bits.
    if (geteuid() == 0 &&
        (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0))
      _exit(10);
    for (OpenMode m : {OpenMode::read_only, OpenMode::read_only_live}) {
      try {
        auto s = open_store(dir / "ro" / "s.db", m);
        if (s->list_runs().size() != 3) _exit(11);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "read-only folder: %s\n", e.what());
        _exit(12);
      }
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  fs::permissions(dir / "ro", fs::perms::owner_all);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: could not drop privileges, 11: wrong run count, 12: failed to open";
  EXPECT_EQ(names_in(dir / "ro"), (std::vector<std::string>{"s.db"}));
}

TEST(StoreSafety, NegativeSchemaVersionIsDamage) {
  TempDir dir;
  make_store(dir / "s.db", 1);
  {
    Database db((dir / "s.db").string(), SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = -1");
  }
  const std::string e = open_error(dir / "s.db", OpenMode::read_write);
  EXPECT_NE(e.find("is damaged: its schema version reads -1"), std::string::npos) << e;
}

// Eight processes create the same new store at once and each stores its runs: every run lands
// (the switch to WAL once failed with "database is locked" and lost a writer's runs).
TEST(StoreSafety, ConcurrentCreationLosesNoRuns) {
  for (int round = 0; round < 3; ++round) {
    TempDir dir;
    const fs::path db = dir / "new.db";
    std::vector<pid_t> kids;
    for (int k = 0; k < 8; ++k) {
      pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        try {
          auto s = open_store(db, OpenMode::read_write);
          for (int i = 0; i < 3; ++i) {
            RunInfo info = looplab::testing::sample_run("k" + std::to_string(k));
            looplab::testing::finish(*s, s->begin_run(info), RunStatus::complete);
          }
        } catch (const std::exception& e) {
          std::fprintf(stderr, "writer %d: %s\n", k, e.what());
          _exit(1);
        }
        _exit(0);
      }
      kids.push_back(pid);
    }
    for (pid_t pid : kids) {
      int status = 0;
      waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
    }
    EXPECT_EQ(open_store(db, OpenMode::read_only)->list_runs().size(), 24u) << "round " << round;
  }
}
