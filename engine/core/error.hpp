// Errors that name what was wrong. InputError is bad user input (CLI exit code 2): it carries the
// field it is about, so every message reads "field: problem".
#pragma once
#include <stdexcept>
#include <string>

namespace looplab {

class InputError : public std::runtime_error {
 public:
  InputError(std::string field, const std::string& problem)
      : std::runtime_error(field + ": " + problem), field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace looplab
