// cdc_capture: a process that runs careflow's CDC connector into an embedded log until SIGTERM,
// for the tests that SIGKILL it. Prints "streaming" once the connector streams.
//   cdc_capture <conninfo> <log dir> [max records per append]


#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cdc/cdc_connector.h"
#include "common/stop_signals.h"
#include "log/embedded_log.h"

int main(int argc, char** argv) {
  using namespace careflow;
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: cdc_capture <conninfo> <log dir> [max records per append]\n");
    return 2;
  }
  const StopSignals stop;

  log::EmbeddedLogOptions log_options;
  log_options.maintenance_interval_ms = 0;
  auto log = log::EmbeddedLog::open(argv[2], log_options);
  if (!log) {
    std::fprintf(stderr, "cdc_capture: %s\n", log.status().to_string().c_str());
    return 1;
  }
  cdc::CdcOptions options;
  options.conninfo = argv[1];
  options.envelope.database = "careflow";
  options.confirm_interval = std::chrono::milliseconds(50);
  options.max_backoff = std::chrono::milliseconds(200);
  options.heartbeat_interval = std::chrono::milliseconds(100);
  options.make_durable = [&] { return (*log)->flush(); };
  if (argc == 4) options.max_records_per_append = std::atoll(argv[3]);
  auto connector = cdc::CdcConnector::start(options, **log);
  if (!connector) {
    std::fprintf(stderr, "cdc_capture: %s\n", connector.status().to_string().c_str());
    return 1;
  }
  cdc::CdcConnector& running = **connector;
  std::atomic<bool> stopping{false};
  std::thread announce([&] {
    while (!stopping && running.status().state != "streaming") std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (stopping) return;
    std::printf("streaming\n");
    std::fflush(stdout);
  });
  stop.wait();
  stopping = true;
  announce.join();
  running.stop();
  return 0;
}
