#include <fmt/format.h>

#include "app/cli.h"

namespace careflow::app {

void add_version_command(Cli& cli) {
  auto* cmd = cli.app().add_subcommand("version", "Print careflow's version");
  cmd->callback([] {
    fmt::print("careflow {} ({} build, {} {})\n", CAREFLOW_VERSION, CAREFLOW_BUILD_TYPE,
#if defined(__clang__)
               "clang", __clang_version__
#else
               "gcc", __VERSION__
#endif
    );
  });
}

}  // namespace careflow::app
