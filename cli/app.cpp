// The `looplab` program behind main(): builds the subcommands that registered themselves, parses,
// runs one, and maps every way it can end to the exit-code table (cli/app.hpp).
#include "cli/app.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <vector>

#include "cli/commands.hpp"
#include "engine/core/error.hpp"
#include "store/store_error.hpp"

namespace looplab::cli {
std::vector<RegisterFn>& registry() {
  static std::vector<RegisterFn> fns;
  return fns;
}
}  // namespace looplab::cli

namespace {

// Output that could not be written (a full disk, a closed pipe, /dev/full) is a failure, never a
// silent exit 0.
int finish_output(int rc) {
  std::cout.flush();
  const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
  if (!failed) return rc;
  std::fprintf(stderr, "looplab: failed: writing the output failed (%s)\n",
               errno == ENOSPC ? "disk full"
               : errno         ? std::strerror(errno)
                               : "write error");
  return rc == 0 ? 1 : rc;
}

// "looplab", "looplab hardware", ...: the deepest subcommand the parser reached.
std::string command_path(CLI::App& app) {
  std::string path = "looplab";
  CLI::App* at = &app;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (CLI::App* sub : at->get_subcommands()) {
      path += " " + sub->get_name();
      at = sub;
      deeper = true;
      break;
    }
  }
  return path;
}

int run_looplab(int argc, char** argv) {
  using namespace looplab::cli;
  CLI::App app{"looplab: measure and predict what looped transformers cost to run"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "looplab 0.1.0");
  app.footer(
      "Exit codes: 0 ok; 1 a failed check (for `gate`: a regression) or a failure while working (disk full, a "
      "lock held too long); 2 bad input or a refused file (one line 'looplab: error: FIELD: problem', nothing "
      "written); 3 `gate compare` or `gate run --baseline-bin` found no regression but could not tell for some "
      "comparison (too noisy); "
      "130 interrupted (Ctrl-C or SIGTERM; a run is kept as interrupted).");
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
    // One line naming what it is about, like every other bad input: the option when CLI11 names
    // one ("--seed: ..."), else the (sub)command the arguments were for.
    std::string msg = e.what();
    const std::size_t colon = msg.find(": ");
    const bool named = msg.rfind('-', 0) == 0 && colon != std::string::npos && colon < 40;
    if (!named) msg = command_path(app) + ": " + msg;
    std::fprintf(stderr, "looplab: error: %s (see --help)\n", looplab::one_line(msg).c_str());
    return 2;
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return finish_output(c.run());
  } catch (const looplab::InputError& e) {
    std::fprintf(stderr, "looplab: error: %s\n", e.what());
    return 2;
  } catch (const looplab::store::StoreError& e) {
    // Damage found while reading is a refused file (2); a full disk or a lock held too long is a
    // failure while working (1). Either way one line.
    const bool damaged = e.fault() == looplab::store::StoreFault::corrupt;
    std::fprintf(stderr, "looplab: %s: %s%s\n", damaged ? "error: db" : "failed", looplab::one_line(e.what()).c_str(),
                 damaged ? " (the store is damaged: restore it from a copy)" : "");
    return damaged ? 2 : 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "looplab: failed: out of memory (the request is larger than this machine can hold)\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "looplab: failed: %s\n", looplab::one_line(e.what()).c_str());
    return 1;
  }
  return 2;
}

}  // namespace

namespace looplab::cli {

int main_entry(int argc, char** argv) {
  try {
    return run_looplab(argc, argv);
  } catch (...) {
    // Only a failure of the error path itself (printing) reaches here.
    return 1;
  }
}

}  // namespace looplab::cli
