// Interns strings into StringIds (Nsight Systems' string table) within one transaction; the
// cache dies with the transaction, so a rolled-back insert never leaves a stale id behind.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

#include "store/sqlite_handle.hpp"

namespace looplab::store {

class StringInterner {
 public:
  explicit StringInterner(Database& db);
  std::int64_t id(const std::string& s);

 private:
  Statement insert_, select_;
  std::unordered_map<std::string, std::int64_t> cache_;
};

}  // namespace looplab::store
