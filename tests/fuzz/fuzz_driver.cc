// A small stand-in for libFuzzer's main (g++ has no -fsanitize=fuzzer): runs a target's
// LLVMFuzzerTestOneInput on its seeds and then on deterministic random mutations of them (bit
// flips, byte changes, truncations, inserts, erasures, repeats, splices) for a bounded time.
// Without coverage feedback it finds less than libFuzzer, but it runs in every ctest.
//
//   <target> [--seconds S] [--runs N] [--seed N] [--corpus DIR]... [--max-len N] [--timeout S]
//            [--artifacts DIR] [FILE...]
//
// FILEs: run each input once and exit (reproducing a crash). A crash (a signal) or an input
// running longer than --timeout writes the input to <artifacts>/crash-<target>-<run> and fails
// the process; leaks are found when the target is built with CAREFLOW_SANITIZE (LeakSanitizer
// runs at exit). Usage and the CMake side: tests/fuzz/README.md.

#include "fuzz_driver.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace careflow::fuzz {

__attribute__((weak)) std::vector<std::string> careflow_fuzz_seeds() { return {}; }

}  // namespace careflow::fuzz

extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

struct Options {
  double seconds = 20;
  long long runs = -1;
  uint64_t seed = 1;
  size_t max_len = 1 << 16;
  double timeout = 30;
  std::string artifacts = ".";
  std::vector<std::string> corpora;
  std::vector<std::string> files;
};

// The input being run, for the crash and hang handlers (which may only use what is async-signal-safe).
std::string current;
std::atomic<long long> run_number{0};
char artifact_path[4096];

void write_artifact() {
  const int fd = ::open(artifact_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    const char* p = current.data();
    size_t left = current.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<size_t>(n);
    }
    ::close(fd);
  }
}

void say(const char* a, const char* b = "", const char* c = "") {
  for (const char* s : {a, b, c}) (void)!::write(STDERR_FILENO, s, std::strlen(s));
}

void on_crash(int sig) {
  write_artifact();
  say("fuzz: crashed on the input saved as ", artifact_path, "\n");
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void set_artifact_path(const Options& o, const char* argv0, long long run) {
  std::snprintf(artifact_path, sizeof artifact_path, "%s/crash-%s-%lld", o.artifacts.c_str(),
                fs::path(argv0).filename().c_str(), run);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

[[noreturn]] void usage(const char* argv0, const std::string& problem) {
  std::fprintf(stderr,
               "%s: %s\nusage: %s [--seconds S] [--runs N] [--seed N] [--corpus DIR]... [--max-len N] "
               "[--timeout S] [--artifacts DIR] [FILE...]\n",
               argv0, problem.c_str(), argv0);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!a.starts_with("--")) {
      o.files.push_back(a);
      continue;
    }
    if (i + 1 >= argc) usage(argv[0], "flag " + a + " needs a value");
    const std::string v = argv[++i];
    try {
      if (a == "--seconds") o.seconds = std::stod(v);
      else if (a == "--runs") o.runs = std::stoll(v);
      else if (a == "--seed") o.seed = std::stoull(v);
      else if (a == "--max-len") o.max_len = std::stoul(v);
      else if (a == "--timeout") o.timeout = std::stod(v);
      else if (a == "--artifacts") o.artifacts = v;
      else if (a == "--corpus") o.corpora.push_back(v);
      else usage(argv[0], "unknown flag " + a);
    } catch (const std::exception&) {
      usage(argv[0], "flag " + a + ": '" + v + "' is not a number");
    }
  }
  return o;
}

class Mutator {
 public:
  Mutator(uint64_t seed, size_t max_len) : rng_(seed), max_len_(max_len) {}

  size_t below(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  // One to four mutations of `in`; `other` is a second input to splice from.
  std::string mutate(std::string in, const std::string& other) {
    const size_t count = 1 + below(4);
    for (size_t k = 0; k < count; ++k) mutate_once(in, other);
    if (in.size() > max_len_) in.resize(max_len_);
    return in;
  }

 private:
  void mutate_once(std::string& s, const std::string& other) {
    static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x10};
    switch (below(8)) {
      case 0:  // flip a bit
        if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1 << below(8));
        break;
      case 1:  // set a byte to an interesting or random value
        if (!s.empty()) {
          s[below(s.size())] = static_cast<char>(below(2) ? kInteresting[below(sizeof kInteresting)] : below(256));
        }
        break;
      case 2:  // truncate
        s.resize(below(s.size() + 1));
        break;
      case 3: {  // insert random bytes
        std::string bytes(1 + below(16), '\0');
        for (char& c : bytes) c = static_cast<char>(below(256));
        s.insert(below(s.size() + 1), bytes);
        break;
      }
      case 4:  // erase a range
        if (!s.empty()) {
          const size_t at = below(s.size());
          s.erase(at, 1 + below(std::min<size_t>(64, s.size() - at)));
        }
        break;
      case 5:  // repeat a range
        if (!s.empty()) {
          const size_t at = below(s.size());
          s.insert(below(s.size() + 1), s.substr(at, 1 + below(std::min<size_t>(256, s.size() - at))));
        }
        break;
      case 6:  // splice: a prefix of this input and a suffix of another
        if (!other.empty()) s = s.substr(0, below(s.size() + 1)) + other.substr(below(other.size()));
        break;
      case 7: {  // overwrite 4 bytes with a little-endian boundary value (a length, a count)
        if (s.size() < 4) break;
        static constexpr int64_t kValues[] = {0, -1, 1, INT32_MAX, INT32_MIN, 0x7fff, 0x10000, 55};
        const auto v = static_cast<int32_t>(kValues[below(std::size(kValues))]);
        std::memcpy(s.data() + below(s.size() - 3), &v, 4);
        break;
      }
    }
  }

  std::mt19937_64 rng_;
  size_t max_len_;
};

void run_one(const std::string& input) {
  current = input;
  ++run_number;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(current.data()), current.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  const Options o = parse(argc, argv);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reports SIGSEGV itself, then aborts: only SIGABRT is ours.
  for (int sig : {SIGABRT}) ::signal(sig, on_crash);
#else
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, on_crash);
#endif
  set_artifact_path(o, argv[0], 0);

  if (!o.files.empty()) {
    for (const std::string& f : o.files) run_one(read_file(f));
    std::printf("fuzz %s: ran %zu file(s)\n", argv[0], o.files.size());
    return 0;
  }

  std::vector<std::string> seeds = careflow::fuzz::careflow_fuzz_seeds();
  for (const std::string& dir : o.corpora) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.is_regular_file()) seeds.push_back(read_file(e.path()));
    }
    if (ec) usage(argv[0], "--corpus " + dir + ": " + ec.message());
  }
  if (seeds.empty()) seeds.push_back("");

  // A hang shows as a run number that does not move: the watchdog saves the input and aborts.
  std::atomic<bool> done{false};
  std::thread watchdog([&] {
    long long last = -1;
    auto since = std::chrono::steady_clock::now();
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const long long now_run = run_number.load();
      if (now_run != last) {
        last = now_run;
        since = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - since > std::chrono::duration<double>(o.timeout)) {
        write_artifact();
        say("fuzz: an input ran longer than --timeout; saved as ", artifact_path, "\n");
        std::_Exit(1);
      }
    }
  });

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  Mutator mutator(o.seed, o.max_len);
  std::vector<std::string> pool = seeds;  // seeds plus some mutants, so mutations compound
  long long runs = 0;
  for (const std::string& s : seeds) {
    set_artifact_path(o, argv[0], runs++);
    run_one(s);
  }
  while ((o.runs < 0 || runs < o.runs) && elapsed() < o.seconds) {
    const std::string& base = pool[mutator.below(pool.size())];
    const std::string& other = pool[mutator.below(pool.size())];
    std::string input = mutator.mutate(base, other);
    set_artifact_path(o, argv[0], runs++);
    run_one(input);
    if (mutator.below(8) == 0) {
      if (pool.size() < 256 + seeds.size()) {
        pool.push_back(std::move(input));
      } else {
        pool[seeds.size() + mutator.below(256)] = std::move(input);
      }
    }
  }
  done = true;
  watchdog.join();
  std::printf("fuzz %s: %lld runs in %.1f s from %zu seed(s), --seed %llu\n", fs::path(argv[0]).filename().c_str(), runs,
              elapsed(), seeds.size(), static_cast<unsigned long long>(o.seed));
  return 0;
}
