// careflow up: run the whole embedded system in the foreground until SIGINT or SIGTERM.

#include <fmt/format.h>

#include "app/cli.h"
#include "app/services.h"
#include "common/logging.h"
#include "common/stop_signals.h"

namespace careflow::app {

void add_up_command(Cli& cli) {
  auto* up = cli.app().add_subcommand("up", "Start careflow: database, topic log, simulator and API, until Ctrl-C");
  up->callback([&cli] {
    // Block the stop signals in every thread started from here on; this thread waits for them.
    const StopSignals stop_signals;

    auto services = Services::start(cli.config());
    if (!services) {
      cli.fail(services.status());
      return;
    }
    const Services& running = **services;
    fmt::print("careflow is up: data in {}; web app {}{}\n", running.data_dir(), running.url(),
               running.serves_web_app() ? "" : " (the web app is not built yet; the API answers there)");
    for (const std::string& line : running.describe()) fmt::print("  {}\n", line);
    fmt::print("Press Ctrl-C to stop.\n");
    std::fflush(stdout);
    const int signal = stop_signals.wait();
    log_info("app", "stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
    services->reset();
    fmt::print("careflow stopped\n");
  });
}

}  // namespace careflow::app
