// Demangling through the C++ ABI and the short-name cut.
#include "profiler/kernel_names.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace looplab::profiler {

std::string demangle(const char* name) {
  if (!name) return {};
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> d(abi::__cxa_demangle(name, nullptr, nullptr, &status), &std::free);
  return status == 0 && d ? std::string(d.get()) : std::string(name);
}

std::string short_kernel_name(const std::string& demangled) {
  // The parameter list is the last balanced "(...)"; earlier ones belong to the scope, as in
  // "(anonymous namespace)".
  std::string head = demangled;
  std::size_t close = head.rfind(')');
  if (close != std::string::npos) {
    int depth = 0;
    for (std::size_t i = close + 1; i-- > 0;) {
      if (head[i] == ')') ++depth;
      if (head[i] == '(' && --depth == 0) {
        head.resize(i);
        break;
      }
    }
  }
  // Template arguments at the end of the name.
  if (!head.empty() && head.back() == '>') {
    int depth = 0;
    for (std::size_t i = head.size(); i-- > 0;) {
      if (head[i] == '>') ++depth;
      if (head[i] == '<' && --depth == 0) {
        head.resize(i);
        break;
      }
    }
  }
  // Everything up to the last "::" or space outside brackets is scope or return type.
  std::size_t cut = 0;
  int depth = 0;
  for (std::size_t i = 0; i < head.size(); ++i) {
    char c = head[i];
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (depth != 0) continue;
    if (c == ' ') cut = i + 1;
    if (c == ':' && i + 1 < head.size() && head[i + 1] == ':') cut = i + 2;
  }
  return head.substr(cut);
}

}  // namespace looplab::profiler
