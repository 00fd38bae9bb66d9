// looplab_fuzz: the deterministic fuzz suite. Runs N seeded cases (cases.hpp) through the real
// `looplab` program, each in a forked child in a folder of its own, and checks the contract of
// the README for every one: no signal, an exit code from the table, on bad input (2) exactly one
// line "looplab: error: FIELD: problem" and not one file created or changed, and no temporary
// file left behind whatever the outcome. A case still running after --timeout-s (a valid but
// long request, e.g. a prompt of 180,000 tokens) gets Ctrl-C (SIGINT), as a user would send it:
// it must then stop within 10 s, by exit 130 or by the signal itself, leaving no temporary file.
//   looplab_fuzz [--cases N] [--seed S] [--kinds a,b] [--jobs J] [--timeout-s T] [--keep DIR] [--case I]
// Exit 0 when every case holds, 1 otherwise (each failure printed with how to replay it).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/app.hpp"
#include "tests/fuzz/cases.hpp"

namespace fs = std::filesystem;
using namespace looplab::fuzz;

namespace {

struct Options {
  std::uint64_t cases = 2000;
  std::uint64_t seed = 1;
  std::vector<std::string> kinds = looplab::fuzz::kinds();
  int jobs = 2;
  int timeout_s = 60;
  std::string keep;
  std::int64_t only = -1;  // --case I: just that one
};

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every file of a folder with its bytes: what "nothing changed" is checked against.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename().string()] = read_bytes(e.path());
  return out;
}

struct Running {
  pid_t pid;
  std::uint64_t number;
  Case c;
  fs::path dir;
  std::map<std::string, std::string> before;
  std::chrono::steady_clock::time_point started;
  bool interrupted = false;  // sent SIGINT after the time limit
  bool killed = false;       // sent SIGKILL: it did not stop after SIGINT
  std::chrono::steady_clock::time_point interrupted_at;
};

std::string expand(const std::string& arg, const fs::path& dir) {
  std::string s = arg;
  for (std::size_t at; (at = s.find("{dir}")) != std::string::npos;) s.replace(at, 5, dir.string());
  return s;
}

pid_t launch(const Case& c, const fs::path& dir, int timeout_s) {
  for (const CaseFile& f : c.files) std::ofstream(dir / f.name, std::ios::binary) << f.bytes;
  std::vector<std::string> args = {"looplab"};
  for (const std::string& a : c.args) args.push_back(expand(a, dir));
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // The child: the case's folder as working directory, output to files beside it, a time limit.
  if (chdir(dir.c_str()) != 0) _exit(97);
  std::freopen((dir.string() + ".out").c_str(), "w", stdout);
  std::freopen((dir.string() + ".err").c_str(), "w", stderr);
  alarm(static_cast<unsigned>(timeout_s + 60));  // a backstop only: the parent interrupts it first
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = looplab::cli::main_entry(static_cast<int>(args.size()), argv.data());
  std::fflush(nullptr);
  _exit(rc);
}

// The contract, or why it was broken ("" when it held).
std::string check(const Running& r, int status, int timeout_s) {
  const auto after = snapshot(r.dir);
  for (const auto& [name, bytes] : after)
    if (name.size() > 7 && name[0] == '.' && name[name.size() - 7] == '.') return "a temporary file was left: " + name;
  if (r.killed) return "still running " + std::to_string(timeout_s) + " s in, and did not stop within 10 s of Ctrl-C";
  if (r.interrupted && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) return "";  // Ctrl-C's default: fine
  if (WIFSIGNALED(status))
    return WTERMSIG(status) == SIGALRM ? "did not finish in time"
                                       : "killed by signal " + std::to_string(WTERMSIG(status));
  const int rc = WEXITSTATUS(status);
  if (r.interrupted && rc == 130) return "";
  if (rc == 130) return "exit code 130 (interrupted) without an interrupt";
  if (rc != 0 && rc != 1 && rc != 2) return "exit code " + std::to_string(rc) + " is not in the table (0, 1, 2, 130)";
  const std::string err = read_bytes(r.dir.string() + ".err");
  if (rc == 2) {
    static const std::regex line("^looplab: error: [^:\\n]+: [^\\n]+\\n$");
    if (!std::regex_match(err, line))
      return "bad input without exactly one line naming the field: " + err.substr(0, 300);
    if (after != r.before) {
      for (const auto& [name, bytes] : after)
        if (!r.before.count(name)) return "bad input, yet " + name + " was created";
      return "bad input, yet a file was changed";
    }
  }
  if (rc == 1) {
    const std::size_t last = err.rfind('\n', err.size() >= 2 ? err.size() - 2 : 0);
    const std::string tail = err.substr(last == std::string::npos ? 0 : last + 1);
    if (tail.rfind("looplab: failed: ", 0) != 0 && tail.rfind("looplab: warning: ", 0) != 0)
      return "a failure without a 'looplab: failed:' line: " + err.substr(0, 300);
  }
  return "";
}

int run(const Options& o) {
  const fs::path root = fs::temp_directory_path() / ("looplab-fuzz-" + std::to_string(getpid()));
  fs::create_directories(root / "bases");
  const Bases bases = make_bases((root / "bases").string());
  std::map<std::string, std::map<int, int>> tally;  // kind -> exit code -> cases
  std::vector<std::string> failures;
  std::vector<Running> running;
  const auto t0 = std::chrono::steady_clock::now();

  int interrupted = 0;
  // Waits for one case to end; meanwhile interrupts (then kills) the ones past their time.
  auto reap = [&]() {
    int status = 0;
    pid_t pid = 0;
    while ((pid = waitpid(-1, &status, WNOHANG)) == 0) {
      const auto now = std::chrono::steady_clock::now();
      for (Running& r : running) {
        if (!r.interrupted && now - r.started > std::chrono::seconds(o.timeout_s)) {
          kill(r.pid, SIGINT);
          r.interrupted = true;
          r.interrupted_at = now;
          ++interrupted;
        } else if (r.interrupted && !r.killed && now - r.interrupted_at > std::chrono::seconds(10)) {
          kill(r.pid, SIGKILL);
          r.killed = true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (pid < 0) return false;
    for (auto it = running.begin(); it != running.end(); ++it) {
      if (it->pid != pid) continue;
      const std::string why = check(*it, status, o.timeout_s);
      tally[it->c.kind][WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)]++;
      if (!why.empty()) {
        std::string args;
        for (const auto& a : it->c.args) args += " " + (a.size() > 60 ? a.substr(0, 60) + "..." : a);
        failures.push_back("case " + std::to_string(it->number) + " (" + it->c.kind + ": " + it->c.mutation +
                           "): " + why + "\n    looplab" + args + "\n    replay: looplab_fuzz --seed " +
                           std::to_string(o.seed) + " --case " + std::to_string(it->number));
        if (!o.keep.empty()) {
          const fs::path keep = fs::path(o.keep) / ("case-" + std::to_string(it->number));
          fs::create_directories(keep);
          for (const CaseFile& f : it->c.files) std::ofstream(keep / f.name, std::ios::binary) << f.bytes;
          std::ofstream(keep / "stderr.txt") << read_bytes(it->dir.string() + ".err");
        }
      }
      std::error_code ec;
      fs::remove_all(it->dir, ec);
      fs::remove(it->dir.string() + ".out", ec);
      fs::remove(it->dir.string() + ".err", ec);
      running.erase(it);
      return true;
    }
    return true;
  };

  const std::uint64_t first = o.only >= 0 ? static_cast<std::uint64_t>(o.only) : 0;
  const std::uint64_t last = o.only >= 0 ? first + 1 : o.cases;
  for (std::uint64_t n = first; n < last; ++n) {
    while (static_cast<int>(running.size()) >= o.jobs) reap();
    const std::string& kind = o.kinds[n % o.kinds.size()];
    Running r{0,
              n,
              make_case(bases, kind, o.seed, n / o.kinds.size()),
              root / ("case-" + std::to_string(n)),
              {},
              {},
              false,
              false,
              {}};
    fs::create_directories(r.dir);
    for (const CaseFile& f : r.c.files) std::ofstream(r.dir / f.name, std::ios::binary) << f.bytes;
    r.before = snapshot(r.dir);
    r.started = std::chrono::steady_clock::now();
    r.pid = launch(r.c, r.dir, o.timeout_s);
    running.push_back(std::move(r));
    if ((n + 1) % 500 == 0)
      std::fprintf(stderr, "looplab_fuzz: %llu cases, %zu failures\n", static_cast<unsigned long long>(n) + 1,
                   failures.size());
  }
  while (!running.empty()) reap();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::error_code ec;
  fs::remove_all(root, ec);

  std::printf(
      "looplab_fuzz: %llu cases (seed %llu) in %.1f s, %zu failures; %d still running after %d s and "
      "interrupted\n",
      (unsigned long long)(last - first), (unsigned long long)o.seed, secs, failures.size(), interrupted, o.timeout_s);
  for (const auto& [kind, codes] : tally) {
    std::printf("  %-12s", kind.c_str());
    for (const auto& [code, count] : codes) std::printf("  exit %d: %d", code, count);
    std::printf("\n");
  }
  for (const std::string& f : failures) std::printf("FAIL %s\n", f.c_str());
  return failures.empty() ? 0 : 1;
}

}  // namespace

static int parse_and_run(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "looplab_fuzz: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--cases")
      o.cases = std::stoull(value());
    else if (a == "--seed")
      o.seed = std::stoull(value());
    else if (a == "--jobs")
      o.jobs = std::max(1, std::stoi(value()));
    else if (a == "--timeout-s")
      o.timeout_s = std::max(1, std::stoi(value()));
    else if (a == "--keep")
      o.keep = value();
    else if (a == "--case")
      o.only = std::stoll(value());
    else if (a == "--kinds") {
      o.kinds.clear();
      std::string list = value();
      for (std::size_t at = 0; at <= list.size();) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        o.kinds.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else {
      std::fprintf(stderr,
                   "usage: looplab_fuzz [--cases N] [--seed S] [--kinds a,b] [--jobs J] [--timeout-s T] "
                   "[--keep DIR] [--case I]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  return run(o);
}

int main(int argc, char** argv) {
  try {
    return parse_and_run(argc, argv);
  } catch (const std::exception& e) {  // a bad number for an option, or a file system error
    std::fprintf(stderr, "looplab_fuzz: %s\n", e.what());
    return 2;
  }
}
