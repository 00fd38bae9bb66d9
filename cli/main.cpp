// looplab: one executable, one subcommand per job (generate, predict, sweep, run, runs, demo...).
#include <cstdio>
#include <exception>
#include <iostream>
#include <vector>

#include "cli/commands.hpp"
#include "engine/core/error.hpp"

namespace looplab::cli {
std::vector<RegisterFn>& registry() {
  static std::vector<RegisterFn> fns;
  return fns;
}
}  // namespace looplab::cli

namespace {

int run_looplab(int argc, char** argv) {
  using namespace looplab::cli;
  CLI::App app{"looplab: measure and predict what looped transformers cost to run"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "looplab 0.1.0");
  std::vector<Registered> commands;
  for (RegisterFn fn : registry()) commands.push_back(fn(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const looplab::InputError& e) {
    std::fprintf(stderr, "looplab: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "looplab: failed: %s\n", e.what());
    return 1;
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_looplab(argc, argv);
  } catch (...) {
    // Only a failure of the error path itself (printing) reaches here.
    return 1;
  }
}
