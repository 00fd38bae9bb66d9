// parse_json_text(): one pass over the text that tracks strings, nesting and the key path, then
// nlohmann's parser on text known to be within bounds.
#include "engine/core/json_text.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "engine/core/error.hpp"

namespace looplab {

namespace {

struct Level {
  bool object = false;
  std::string key;      // the last key read at this level (objects)
  long long index = 0;  // the element count so far (arrays)
};

// "layers[0].shape[2]"; a run of more than three nested arrays shows its first three indices
// and how deep it went ("[0][0][0]...(61 more)").
std::string path_of(const std::vector<Level>& stack) {
  std::string p;
  int run = 0;
  for (std::size_t i = 0; i < stack.size(); ++i) {
    const Level& l = stack[i];
    if (l.object) {
      run = 0;
      if (l.key.empty()) continue;
      if (!p.empty()) p += ".";
      p += l.key;
      continue;
    }
    if (++run <= 3) {
      p += "[" + std::to_string(l.index) + "]";
      continue;
    }
    std::size_t j = i;
    while (j < stack.size() && !stack[j].object) ++j;
    p += "...(" + std::to_string(j - i) + " more)";
    i = j - 1;
    run = 0;
  }
  return p;
}

// The field a message names: the key path under `field`; the file itself when there is neither.
std::string with_path(const std::string& field, const std::string& path, const std::string& where) {
  if (path.empty()) return !field.empty() ? field : !where.empty() ? where : "input";
  return field.empty() ? path : field + "." + path;
}

// Reads a string starting at text[i] == '"'; returns the index after the closing quote, or npos.
std::size_t skip_string(std::string_view text, std::size_t i, std::string* out) {
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (++i >= text.size()) return std::string_view::npos;
      if (out) *out += text[i];
      continue;
    }
    if (c == '"') return i + 1;
    if (out && out->size() < 64) *out += c;
  }
  return std::string_view::npos;
}

void scan(std::string_view text, const std::string& field, const std::string& where) {
  std::vector<Level> stack;
  bool expect_key = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '{' || c == '[') {
      if (stack.size() >= static_cast<std::size_t>(kMaxJsonDepth))
        throw InputError(with_path(field, path_of(stack), where),
                         where + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      stack.push_back({c == '{', {}, 0});
      expect_key = c == '{';
      ++i;
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      expect_key = false;
      ++i;
    } else if (c == ',') {
      if (!stack.empty()) {
        if (stack.back().object)
          expect_key = true;
        else
          ++stack.back().index;
      }
      ++i;
    } else if (c == '"') {
      std::string s;
      const std::size_t end = skip_string(text, i, expect_key ? &s : nullptr);
      if (end == std::string_view::npos) return;  // unterminated: the parser reports it
      if (expect_key && !stack.empty()) {
        stack.back().key = s;
        expect_key = false;
      }
      i = end;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t j = i;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '-' ||
                                 text[j] == '+' || text[j] == '.' || text[j] == 'e' || text[j] == 'E'))
        ++j;
      const std::string number(text.substr(i, j - i));
      errno = 0;
      const double v = std::strtod(number.c_str(), nullptr);
      if (errno == ERANGE && std::isinf(v))
        throw InputError(with_path(field, path_of(stack), where),
                         where + ": the number " + number + " is beyond the range of a double");
      i = j;
    } else {
      ++i;
    }
  }
}

}  // namespace

nlohmann::json parse_json_text(std::string_view text, const std::string& field, const std::string& where) {
  scan(text, field, where);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(with_path(field, "", where), where + ": malformed JSON at byte " + std::to_string(e.byte) + " (" +
                                                      std::string(e.what()).substr(0, 160) + ")");
  } catch (const nlohmann::json::exception& e) {
    throw InputError(with_path(field, "", where), where + ": " + std::string(e.what()).substr(0, 160));
  }
}

}  // namespace looplab
