// read_file_header(), foreign_wal(), immutable_uri() (file_check.hpp). Formats from SQLite's
// "Database File Format" document: the header's page size at offset 16 (2 bytes), format
// versions at 18-19, user_version at 60 and application_id at 68 (4 bytes, big-endian); a WAL
// file is a 32-byte header (magic 0x377f0682/3, version, page size, checkpoint, salts,
// checksums) followed by frames of a 24-byte header (page number, database size after a commit,
// salts, checksums) and one page.
#include "store/file_check.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace looplab::store {

namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

FileHeader read_file_header(const std::filesystem::path& file) {
  FileHeader h;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return h;
  h.exists = true;
  h.size = std::filesystem::file_size(file, ec);
  if (ec) h.size = 0;
  std::array<unsigned char, 100> b{};
  std::ifstream in(file, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(b.data()), b.size())) return h;
  if (std::memcmp(b.data(), "SQLite format 3", 16) != 0) return h;
  h.sqlite = true;
  const std::uint32_t ps = (std::uint32_t{b[16]} << 8) | b[17];
  h.page_size = ps == 1 ? 65536 : ps;
  h.wal = b[18] == 2 && b[19] == 2;
  h.user_version = static_cast<std::int32_t>(be32(&b[60]));
  h.application_id = be32(&b[68]);
  // A power-of-two page size of 512..65536 and the payload fractions 64, 32, 32 (offsets 21-23):
  // anything else is a damaged header, not another program's database.
  const bool power = h.page_size >= 512 && h.page_size <= 65536 && (h.page_size & (h.page_size - 1)) == 0;
  h.sound = power && b[21] == 64 && b[22] == 32 && b[23] == 32;
  return h;
}

std::optional<std::string> foreign_wal(const std::filesystem::path& db, const FileHeader& header,
                                       std::uint32_t application_id) {
  const std::filesystem::path wal = db.string() + "-wal";
  std::error_code ec;
  const auto size = std::filesystem::file_size(wal, ec);
  if (ec || size == 0) return std::nullopt;
  std::ifstream in(wal, std::ios::binary);
  std::array<unsigned char, 32> w{};
  if (!in.read(reinterpret_cast<char*>(w.data()), w.size())) return "its -wal file is shorter than a WAL header";
  const std::uint32_t magic = be32(&w[0]);
  if (magic != 0x377f0682 && magic != 0x377f0683) return "its -wal file is not an SQLite write-ahead log";
  const std::uint32_t page = be32(&w[8]);
  if (header.page_size != 0 && page != header.page_size)
    return "its -wal file has pages of " + std::to_string(page) + " bytes, the store " +
           std::to_string(header.page_size) + ": it belongs to another database";
  const std::uint32_t salt1 = be32(&w[16]), salt2 = be32(&w[20]);
  // The last committed frame of page 1 decides what the header becomes after the replay.
  std::vector<unsigned char> frame(24 + page);
  std::optional<std::uint32_t> app_after;
  std::optional<std::uint32_t> pending;
  while (in.read(reinterpret_cast<char*>(frame.data()), static_cast<std::streamsize>(frame.size()))) {
    if (be32(&frame[8]) != salt1 || be32(&frame[12]) != salt2) break;  // the end of the valid log
    if (be32(&frame[0]) == 1) pending = be32(&frame[24 + 68]);
    if (be32(&frame[4]) != 0) {  // a commit frame: what came before it is part of the database
      if (pending) app_after = pending;
      pending.reset();
    }
  }
  if (app_after && *app_after != application_id && !(*app_after == 0 && header.application_id == 0))
    return "its -wal file would replace the store's header with another database's (application id " +
           std::to_string(*app_after) + ")";
  return std::nullopt;
}

std::string immutable_uri(const std::filesystem::path& db) {
  std::string uri = "file:";
  for (char c : std::filesystem::absolute(db).string()) {
    if (c == '%' || c == '?' || c == '#') {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", static_cast<unsigned char>(c));
      uri += b;
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

}  // namespace looplab::store
