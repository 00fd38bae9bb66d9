// looplab: one executable, one subcommand per job (generate, predict, sweep, run, runs, demo...).
#include "cli/app.hpp"

int main(int argc, char** argv) { return looplab::cli::main_entry(argc, argv); }
