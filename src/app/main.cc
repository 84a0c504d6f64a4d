// careflow: one binary for the whole platform; see docs/cli.md.

#include "app/cli.h"

int main(int argc, char** argv) {
  careflow::app::Cli cli;
  return cli.run(argc, argv);
}
