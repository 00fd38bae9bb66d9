// Every subcommand registers itself on the root app and returns the callback that runs it.
// A command returns its exit code: 0 ok, 1 a failed check or regression, 2 bad input.
#pragma once
#include <functional>

#include <CLI/CLI.hpp>

namespace looplab::cli {

using Command = std::function<int()>;
struct Registered {
  CLI::App* app;  // the subcommand
  Command run;    // runs it once parsed
};

Registered register_presets(CLI::App& root);
Registered register_plan(CLI::App& root);

}  // namespace looplab::cli
