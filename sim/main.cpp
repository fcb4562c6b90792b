#include "smpsim/cli.h"
#include "smpsim/ranks.h"

int main(int argc, char** argv) {
  const smpsim::ranks::Session session(argc, argv);  // MPI, when started by mpirun
  return smpsim::run_command_line(argc, argv);
}
