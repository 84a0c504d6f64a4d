// The REST API under load, against peers measured in the same run on the same machine:
//   GET /prescriptions (64 connections, wrk)  vs  nginx serving the same JSON bytes as a static file;
//   POST /prescriptions (64 connections, wrk) vs  pgbench running the same INSERT straight on PostgreSQL.
// Run by scripts/bench api, which writes bench/results/api.md. Needs wrk, nginx and pgbench
// (scripts/bench installs wrk and nginx-light; pgbench comes with postgresql).
//
//   api_bench [--markdown FILE] [--seconds N]

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "api/domain_routes.h"
#include "http/http_server.h"
#include "bench_util.h"
#include "store/change_listener.h"
#include "store/local_postgres.h"
#include "store/migrations.h"
#include "store/tests/test_postgres.h"

namespace careflow::bench {
namespace {

// Runs a program to completion and returns its standard output.
std::string run_capture(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) return "";
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return out;
}

struct Load {
  double requests_per_second = 0;
  double p99_ms = 0;
  std::string raw;
};

double to_ms(double value, const std::string& unit) {
  if (unit == "us") return value / 1000;
  if (unit == "s") return value * 1000;
  return value;
}

Load wrk(const std::string& url, int seconds, const std::string& script = "") {
  std::vector<std::string> argv = {"wrk", "-t2", "-c64", fmt::format("-d{}s", seconds), "--latency"};
  if (!script.empty()) {
    argv.push_back("-s");
    argv.push_back(script);
  }
  argv.push_back(url);
  Load load;
  load.raw = run_capture(argv);
  std::smatch m;
  if (std::regex_search(load.raw, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) load.requests_per_second = std::stod(m[1]);
  if (std::regex_search(load.raw, m, std::regex(R"(99%\s+([0-9.]+)(us|ms|s))"))) load.p99_ms = to_ms(std::stod(m[1]), m[2]);
  return load;
}

Load pgbench(const std::string& conninfo_host, int port, const std::string& script, int seconds) {
  Load load;
  load.raw = run_capture({"pgbench", "-n", "-h", conninfo_host, "-p", std::to_string(port), "-U", "careflow", "-c", "64",
                          "-j", "2", "-T", std::to_string(seconds), "-f", script, "careflow"});
  std::smatch m;
  if (std::regex_search(load.raw, m, std::regex(R"(tps = ([0-9.]+))"))) load.requests_per_second = std::stod(m[1]);
  if (std::regex_search(load.raw, m, std::regex(R"(latency average = ([0-9.]+) ms)"))) load.p99_ms = std::stod(m[1]);
  return load;
}

void write_file(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace
}  // namespace careflow::bench

int main(int argc, char** argv) {
  using namespace careflow;
  using namespace careflow::bench;
  std::string markdown_path;
  int seconds = 10;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--markdown") == 0 && i + 1 < argc) markdown_path = argv[++i];
    else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atoi(argv[++i]);
  }
  ScratchDir dir("api-bench");
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::others_exec |
                                                std::filesystem::perms::group_exec);
  store::LocalPostgresOptions pg_options;
  pg_options.dir = (dir.path() / "pg").string();
  pg_options.port = store::testing::free_port();
  auto pg = store::LocalPostgres::start(pg_options);
  if (!pg) {
    fmt::print(stderr, "api_bench: {}\n", pg.status().to_string());
    return 1;
  }
  auto db = store::Database::open((*pg)->conninfo(), 4);
  if (!db || !store::migrate(**db)) {
    fmt::print(stderr, "api_bench: database setup failed\n");
    return 1;
  }
  // Wired as careflow up wires it: list bodies cached, dropped on every table change.
  api::ListCache cache;
  auto listener = store::ChangeListener::start((*pg)->conninfo(), [&cache](const std::string& t) { cache.invalidate(t); });
  if (!listener) {
    fmt::print(stderr, "api_bench: {}\n", listener.status().to_string());
    return 1;
  }
  http::Router router;
  api::add_domain_routes(router, **db, &cache);
  http::HttpServerOptions options;
  options.port = 0;
  http::HttpServer server(options, router);
  if (auto s = server.start(); !s) {
    fmt::print(stderr, "api_bench: {}\n", s.to_string());
    return 1;
  }
  const std::string base = fmt::format("http://127.0.0.1:{}", server.port());

  // nginx serves the exact bytes GET /prescriptions returns.
  const std::string body = run_capture({"curl", "-s", base + "/prescriptions"});
  std::filesystem::create_directories(dir.path() / "static");
  write_file(dir.path() / "static" / "prescriptions", body);
  const int nginx_port = store::testing::free_port();
  write_file(dir.path() / "nginx.conf",
             fmt::format("worker_processes 2; daemon off; pid {0}/nginx.pid; error_log {0}/nginx.err;\n"
                         "events {{ worker_connections 1024; }}\n"
                         "http {{ access_log off; default_type application/json; client_body_temp_path {0};\n"
                         "  server {{ listen 127.0.0.1:{1}; root {0}/static; }} }}\n",
                         dir.path().string(), nginx_port));
  pid_t nginx = fork();
  if (nginx == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    execlp("nginx", "nginx", "-c", (dir.path() / "nginx.conf").c_str(), "-p", dir.path().c_str(), nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  const Load get_ours = wrk(base + "/prescriptions", seconds);
  const Load get_peer = wrk(fmt::format("http://127.0.0.1:{}/prescriptions", nginx_port), seconds);
  kill(nginx, SIGTERM);
  waitpid(nginx, nullptr, 0);

  write_file(dir.path() / "post.lua",
             "wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n"
             "wrk.body = '{\"patientId\":\"P001\",\"deviceId\":\"DEV-P001\",\"medicationOrTherapy\":\"CPAP\","
             "\"startDate\":1700000000000,\"parameters\":[{\"parameter_name\":\"Pressure\",\"parameter_value\":11,"
             "\"parameter_tolerance\":1,\"unit\":\"cmH2O\"}]}'\n");
  const Load post_ours = wrk(base + "/prescriptions", seconds, (dir.path() / "post.lua").string());
  write_file(dir.path() / "insert.sql",
             "INSERT INTO prescriptions (prescription_id, patient_id, device_id, medication_or_therapy, start_date, parameters)\n"
             "VALUES ('RX-PGBENCH-' || md5(random()::text), 'P001', 'DEV-P001', 'CPAP', 1700000000000,\n"
             "'[{\"parameter_name\":\"Pressure\",\"parameter_value\":11,\"parameter_tolerance\":1,\"unit\":\"cmH2O\"}]'::jsonb);\n");
  std::string socket_dir = (*pg)->conninfo();
  socket_dir = socket_dir.substr(5, socket_dir.find(' ') - 5);  // "host=<dir> ..."
  const Load post_peer = pgbench(socket_dir, pg_options.port, (dir.path() / "insert.sql").string(), seconds);

  std::string table = fmt::format(
      "Load: wrk, 2 threads, 64 connections, {} s per run; careflow's HTTP server with 2 I/O threads, 4 "
      "database connections and list bodies cached until their table changes.\n\n"
      "| route | careflow req/s | careflow p99 | peer | peer req/s | ratio |\n|---|---|---|---|---|---|\n"
      "| GET /prescriptions ({} bytes) | {:.0f} | {:.1f} ms | nginx, same bytes as a static file | {:.0f} | {} |\n"
      "| POST /prescriptions | {:.0f} | {:.1f} ms | pgbench, the same INSERT on PostgreSQL (64 clients) | {:.0f} | {} |\n",
      seconds, body.size(), get_ours.requests_per_second, get_ours.p99_ms, get_peer.requests_per_second,
      ratio(get_ours.requests_per_second, get_peer.requests_per_second), post_ours.requests_per_second, post_ours.p99_ms,
      post_peer.requests_per_second, ratio(post_ours.requests_per_second, post_peer.requests_per_second));
  table += "\nTargets (issue 4): ≥ 10,000 GET/s with p99 < 20 ms on this 2-core machine.\n";
  fmt::print("{}\n{}\n{}\n{}\n{}", get_ours.raw, get_peer.raw, post_ours.raw, post_peer.raw, table);
  if (!markdown_path.empty()) write_file(markdown_path, table);
  server.stop();
  return 0;
}
