// careflow up: run the whole embedded system in the foreground until SIGINT or SIGTERM.

#include <fmt/format.h>
#include <signal.h>

#include "app/cli.h"
#include "app/services.h"
#include "common/logging.h"

namespace careflow::app {

void add_up_command(Cli& cli) {
  auto* up = cli.app().add_subcommand("up", "Start careflow: database, topic log, simulator and API, until Ctrl-C");
  up->callback([&cli] {
    // Block the stop signals in every thread started from here on; this thread waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

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
    int signal = 0;
    sigwait(&stop_signals, &signal);
    log_info("app", "stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
    services->reset();
    fmt::print("careflow stopped\n");
  });
}

}  // namespace careflow::app
