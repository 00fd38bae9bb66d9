// Errors that name what was wrong. InputError is bad user input (CLI exit code 2): it carries the
// field it is about, so every message reads "field: problem". Messages are one line and short
// whatever the input held: control characters are escaped and a long text (a 50 MB bad value
// quoted back) is cut in the middle, saying how much was left out.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace looplab {

// At most `max_bytes` of `text` on one line: control characters as \n, \t, \xNN; the middle of a
// longer text replaced by "...(N bytes)...". Never cuts inside a UTF-8 character.
std::string one_line(std::string_view text, std::size_t max_bytes = 400);

// The first `max_bytes` of `text` for a table cell: control characters escaped, never cut inside
// a UTF-8 character.
std::string cell_text(std::string_view text, std::size_t max_bytes);

class InputError : public std::runtime_error {
 public:
  InputError(std::string field, const std::string& problem)
      : std::runtime_error(one_line(field, 120) + ": " + one_line(problem)), field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace looplab
