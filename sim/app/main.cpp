#include <malloc.h>

#include "smpsim/app/cli.h"
#include "smpsim/run/ranks.h"

int main(int argc, char** argv) {
  // Each patient allocates and frees a few megabytes; keeping freed memory in the heap, not
  // handing it back to the kernel each time, saves page faults that cost a tenth of the run.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  const smpsim::ranks::Session session(argc, argv);  // MPI, when started by mpirun
  return smpsim::run_command_line(argc, argv);
}
