#include "smpsim/cli.h"

int main(int argc, char** argv) { return smpsim::run_command_line(argc, argv); }
