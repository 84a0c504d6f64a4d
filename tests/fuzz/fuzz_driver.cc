// A small, self-contained fuzzing driver for targets written against libFuzzer's entry point
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// so that CI fuzzes every parser for a bounded time with the project's own compiler (GCC, where
// libFuzzer is not available), and the same targets build unchanged with clang -fsanitize=fuzzer.
//
//   fuzz_<name> [--seconds N] [--seed S] [FILE_OR_DIR ...]
//
// It runs every seed file once (a file given alone reproduces a crash), then, until N seconds
// (default 15) have passed, inputs made from the seeds by deterministic random mutations — bit
// flips, truncations, byte and "interesting token" inserts, chunk duplication (which grows nesting
// quickly) and splices of two seeds — and prints how many it ran. A crash is the failure: before
// dying it writes the input to ./fuzz-crash-<name>.bin and says so on stderr. Exit 0 otherwise.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using Bytes = std::string;

// The input being run, for the crash handler (which may only make async-signal-safe calls).
const char* g_current = nullptr;
size_t g_current_size = 0;
char g_crash_path[512] = "fuzz-crash.bin";

void on_crash(int sig) {
  int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    if (g_current && ::write(fd, g_current, g_current_size) < 0) {
      // nothing more can be done inside a signal handler
    }
    ::close(fd);
  }
  const char msg[] = "fuzz: crashed; the input is in ";
  if (::write(2, msg, sizeof msg - 1) < 0 || ::write(2, g_crash_path, std::strlen(g_crash_path)) < 0 ||
      ::write(2, "\n", 1) < 0) {
    // ignore
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_crash_handler() {
  // An alternate stack, so that a stack overflow can still be reported.
  static std::vector<char> alt(1 << 16);
  stack_t ss{};
  ss.ss_sp = alt.data();
  ss.ss_size = alt.size();
  ::sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = on_crash;
  sa.sa_flags = SA_ONSTACK;
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) ::sigaction(sig, &sa, nullptr);
}

int run_one(const Bytes& input) {
  g_current = input.data();
  g_current_size = input.size();
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

void add_seeds(const std::filesystem::path& path, std::vector<Bytes>& seeds) {
  if (std::filesystem::is_directory(path)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // the same order on every machine
    for (const auto& f : files) add_seeds(f, seeds);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class Mutator {
 public:
  Mutator(uint64_t seed, const std::vector<Bytes>& seeds) : rng_(seed), seeds_(seeds) {}

  Bytes next() {
    Bytes b = seeds_.empty() ? Bytes() : seeds_[pick(seeds_.size())];
    const size_t rounds = 1 + pick(6);
    for (size_t i = 0; i < rounds; ++i) mutate(b);
    return b;
  }

 private:
  size_t pick(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  void mutate(Bytes& b) {
    // Tokens that matter to the parsers under test: nesting, quoting, escapes, numbers.
    static const char* const kTokens[] = {"[",  "{",   "(",    "]",       "}",     ")",    "\"",  "'",    "\\", ",",
                                          ":",  "\0",  "-",    "+",       "1e400", "1e-320", "NaN", "null", "\r", "\n",
                                          "\xff", "\xc3", "SELECT", "(SELECT 1)", "{\"type\":", "[\"null\",", "--", "/*"};
    switch (pick(7)) {
      case 0:  // flip a bit
        if (!b.empty()) b[pick(b.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // truncate
        if (!b.empty()) b.resize(pick(b.size()));
        break;
      case 2:  // insert random bytes
        b.insert(pick(b.size() + 1), Bytes(1 + pick(4), static_cast<char>(pick(256))));
        break;
      case 3: {  // insert a token
        const char* t = kTokens[pick(std::size(kTokens))];
        b.insert(pick(b.size() + 1), *t ? Bytes(t) : Bytes(1, '\0'));
        break;
      }
      case 4: {  // duplicate a chunk in place, many times: grows nesting and lengths fast
        if (b.empty()) break;
        const size_t from = pick(b.size());
        const size_t len = 1 + pick(std::min<size_t>(16, b.size() - from));
        const Bytes chunk = b.substr(from, len);
        const size_t times = 1 + pick(pick(2) ? 8 : 2000);
        Bytes repeated;
        for (size_t i = 0; i < times && repeated.size() < (1 << 20); ++i) repeated += chunk;
        b.insert(from, repeated);
        break;
      }
      case 5: {  // splice with another seed
        if (seeds_.empty()) break;
        const Bytes& other = seeds_[pick(seeds_.size())];
        b = b.substr(0, pick(b.size() + 1)) + other.substr(pick(other.size() + 1));
        break;
      }
      default:  // overwrite a byte
        if (!b.empty()) b[pick(b.size())] = static_cast<char>(pick(256));
    }
    if (b.size() > (4 << 20)) b.resize(4 << 20);
  }

  std::mt19937_64 rng_;
  const std::vector<Bytes>& seeds_;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 15;
  uint64_t seed = 1;
  std::vector<Bytes> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--seconds" || arg == "--seed") && i + 1 < argc) {
      char* end = nullptr;
      const char* text = argv[++i];
      if (arg == "--seconds") seconds = std::strtod(text, &end);
      else seed = std::strtoull(text, &end, 10);
      if (end == text || *end != '\0' || seconds < 0) {
        std::fprintf(stderr, "fuzz: %s expects a number, got '%s'\n", arg.c_str(), text);
        return 2;
      }
    } else if (arg.starts_with("--")) {
      std::fprintf(stderr, "usage: %s [--seconds N] [--seed S] [FILE_OR_DIR ...]\n", argv[0]);
      return 2;
    } else {
      add_seeds(arg, seeds);
    }
  }
  const std::string name = std::filesystem::path(argv[0]).filename().string();
  std::snprintf(g_crash_path, sizeof g_crash_path, "fuzz-crash-%s.bin", name.c_str());
  install_crash_handler();

  for (const Bytes& s : seeds) run_one(s);
  Mutator mutator(seed, seeds);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  uint64_t iterations = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const Bytes input = mutator.next();
    run_one(input);
    ++iterations;
  }
  std::printf("%s: %zu seeds, %llu mutated inputs in %.0f s, no crash (seed %llu)\n", name.c_str(), seeds.size(),
              static_cast<unsigned long long>(iterations), seconds, static_cast<unsigned long long>(seed));
  return 0;
}
