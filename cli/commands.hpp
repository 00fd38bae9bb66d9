// Subcommands register themselves: a cmd_*.cpp file defines a static Registrar whose function
// adds its CLI::App subcommand to the root and returns the callback that runs it.
// A command returns its exit code: 0 ok, 1 a failed check or regression, 2 bad input
// (throw looplab::InputError and main prints one line and returns 2).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace looplab::cli {

using Command = std::function<int()>;
struct Registered {
  CLI::App* app;  // the subcommand
  Command run;    // runs it once parsed
};
using RegisterFn = Registered (*)(CLI::App& root);

std::vector<RegisterFn>& registry();
struct Registrar {
  explicit Registrar(RegisterFn fn) { registry().push_back(fn); }
};

}  // namespace looplab::cli
