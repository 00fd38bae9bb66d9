// Running the `looplab` executable from a test: spawn it with stdout and stderr in files (or
// stdout on a given path such as /dev/full), wait, read back. LOOPLAB_CLI is the binary's path.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

namespace looplab::testing::cli {

struct Proc {
  pid_t pid = -1;
  std::filesystem::path out, err;
};

// stdout goes to `stdout_path` when given (e.g. "/dev/full"), else to a file in `dir`.
inline Proc start(const std::vector<std::string>& args, const std::filesystem::path& dir, const std::string& tag,
                  const std::string& stdout_path = {}) {
  Proc p;
  p.out = stdout_path.empty() ? dir / (tag + ".out") : std::filesystem::path(stdout_path);
  p.err = dir / (tag + ".err");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, p.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, p.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> all = {LOOPLAB_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&p.pid, LOOPLAB_CLI, &fa, nullptr, argv.data(), environ) != 0) p.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return p;
}

// The exit code, or 128 + the signal that ended the process.
inline int wait_exit(const Proc& p) {
  int status = 0;
  waitpid(p.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline std::string slurp(const std::filesystem::path& f) {
  std::ifstream in(f);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Result {
  int rc;
  std::string out, err;
};
inline Result run(const std::vector<std::string>& args, const std::filesystem::path& dir,
                  const std::string& stdout_path = {}) {
  static int n = 0;
  Proc p = start(args, dir, "cmd" + std::to_string(n++), stdout_path);
  const int rc = wait_exit(p);
  return {rc, stdout_path.empty() ? slurp(p.out) : std::string(), slurp(p.err)};
}

// The same with the file-size limit (RLIMIT_FSIZE) at `max_file_bytes`: every write past it fails
// with EFBIG, as on a full disk, without root or a mount. SIGXFSZ is ignored so the write fails
// instead of killing the process.
inline Result run_with_file_limit(const std::vector<std::string>& args, const std::filesystem::path& dir,
                                  long max_file_bytes) {
  static int n = 0;
  const std::filesystem::path out = dir / ("limited" + std::to_string(n) + ".out");
  const std::filesystem::path err = dir / ("limited" + std::to_string(n++) + ".err");
  std::vector<std::string> all = {LOOPLAB_CLI};
  all.insert(all.end(), args.begin(), args.end());
  const pid_t pid = fork();
  if (pid == 0) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    signal(SIGXFSZ, SIG_IGN);
    rlimit lim{static_cast<rlim_t>(max_file_bytes), static_cast<rlim_t>(max_file_bytes)};
    setrlimit(RLIMIT_FSIZE, &lim);
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(LOOPLAB_CLI, argv.data());
    _exit(127);
  }
  Proc p{pid, out, err};
  const int rc = wait_exit(p);
  return {rc, slurp(out), slurp(err)};
}

}  // namespace looplab::testing::cli
