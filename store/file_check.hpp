// Looking at a store file before SQLite does: SQLite replays a -wal file found beside a database
// when it opens it, so a foreign -wal would be written into a store that is then refused. These
// checks read the bytes of the file and of its -wal directly and decide without changing either.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace looplab::store {

// The 100-byte SQLite header, as far as the checks need it.
struct FileHeader {
  bool exists = false;
  std::uintmax_t size = 0;
  bool sqlite = false;          // starts with "SQLite format 3\0"
  bool sound = false;           // and the fixed fields hold their only legal values
  std::uint32_t page_size = 0;  // bytes (65536 stored as 1)
  std::uint32_t application_id = 0;
  std::int32_t user_version = 0;
  bool wal = false;  // file format versions 2: the database is in WAL mode
};
FileHeader read_file_header(const std::filesystem::path& file);

// Why the -wal file beside `db` cannot belong to it, or nullopt (no -wal, an empty one, or one
// whose frames fit): a page size other than the database's, a bad magic number, or a committed
// frame of page 1 whose application id is not `application_id`.
std::optional<std::string> foreign_wal(const std::filesystem::path& db, const FileHeader& header,
                                       std::uint32_t application_id);

// `db` as an SQLite URI for read-only access that creates no -wal or -shm file (immutable=1).
std::string immutable_uri(const std::filesystem::path& db);

}  // namespace looplab::store
