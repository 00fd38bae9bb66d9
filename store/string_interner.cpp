// StringInterner (string_interner.hpp).
#include "store/string_interner.hpp"

#include "store/store_error.hpp"

namespace looplab::store {

StringInterner::StringInterner(Database& db)
    : insert_(db, "INSERT OR IGNORE INTO StringIds (value) VALUES (?)"),
      select_(db, "SELECT id FROM StringIds WHERE value = ?") {}

std::int64_t StringInterner::id(const std::string& s) {
  auto it = cache_.find(s);
  if (it != cache_.end()) return it->second;
  insert_.bind(1, std::string_view(s)).run();
  select_.bind(1, std::string_view(s));
  if (!select_.step()) throw StoreError(StoreFault::io, "StringIds: interned string not found");
  std::int64_t v = select_.int64(0);
  select_.reset();
  cache_.emplace(s, v);
  return v;
}

}  // namespace looplab::store
