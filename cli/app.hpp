// The whole `looplab` program as a function, so that main() is one line and the fuzz suite can
// run the program in a forked child without loading it again.
//
// Exit codes, the same for every command:
//   0    ok
//   1    a failed check, or a failure while working (disk full, a lock held too long)
//   2    bad input or a refused file: one line "looplab: error: FIELD: problem", nothing written
//   3    `gate compare`: no regression found, but some comparison too noisy to tell
//   130  interrupted (Ctrl-C or SIGTERM); a run is kept as interrupted
#pragma once

namespace looplab::cli {

int main_entry(int argc, char** argv);

}  // namespace looplab::cli
