// one_line(): escaping and shortening of texts that go into error messages.
#include "engine/core/error.hpp"

#include <cstdio>

namespace looplab {

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else {
      out += ch;
    }
  }
  return out;
}

// The largest prefix length <= n that does not end inside a UTF-8 sequence.
std::size_t utf8_floor(std::string_view s, std::size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

std::string cell_text(std::string_view text, std::size_t max_bytes) {
  const std::string e = escaped(text);
  return e.substr(0, utf8_floor(e, max_bytes));
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
  std::string e = escaped(text);
  if (e.size() <= max_bytes) return e;
  const std::size_t head = utf8_floor(e, max_bytes * 2 / 3);
  std::size_t tail_start = e.size() - (max_bytes - max_bytes * 2 / 3);
  while (tail_start < e.size() && (static_cast<unsigned char>(e[tail_start]) & 0xC0) == 0x80) ++tail_start;
  return e.substr(0, head) + "...(" + std::to_string(e.size() - head - (e.size() - tail_start)) +
         " bytes left out)..." + e.substr(tail_start);
}

}  // namespace looplab
