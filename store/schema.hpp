// The store's schema: version, the migrations that build it, and the checks that refuse files
// which are not looplab stores or were written by a newer looplab. docs/profiler.md documents it.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "store/sqlite_handle.hpp"

namespace looplab::store {

// PRAGMA application_id of every looplab store: "LLab" in ASCII.
inline constexpr std::int64_t kApplicationId = 0x4C4C6162;
// PRAGMA user_version this binary writes; files above it are refused.
inline constexpr std::int64_t kSchemaVersion = 4;

// Migration i takes a store from user_version i-1 to i: SQL, or a function (run) when set.
struct Migration {
  std::int64_t to_version;
  std::string_view sql;
  void (*run)(Database&) = nullptr;
};
std::span<const Migration> migrations();

// The CREATE statements of a new store, generated from store/tables.hpp.
std::string current_schema_sql();

enum class SchemaAccess : unsigned char { read_only, read_write };

// Checks application_id and user_version of an open database and, for read_write, creates or
// migrates it inside one IMMEDIATE transaction (so concurrent openers do it once). Throws
// InputError("db", ...) for a file that is not a looplab store, is corrupt, is newer than
// kSchemaVersion, or (read_only) is older and would need a migration.
void ensure_schema(Database& db, SchemaAccess access);

// The migration engine, exposed for tests: applies every migration whose to_version is above
// the current user_version, each step in its own transaction.
void apply_migrations(Database& db, std::span<const Migration> steps);

}  // namespace looplab::store
