#pragma once

#include <csignal>
#include <set>
#include <stdexcept>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/io/checkpoint.h"
#include "smpsim/run/progress.h"
#include "smpsim/run/schedule.h"

namespace smpsim {

// Where the blocks of a study are computed: this rank's threads and, under MPI, the other
// ranks. Rank 0 holds the schedule and the checkpoint: it deals blocks to its own threads and,
// on request, to the other ranks (dynamically, so a slow point never leaves a rank idle), commits
// every finished block and decides convergence batches. The other ranks only compute the blocks
// they are dealt and send them back. Under MPI every rank has `threads` computing threads plus
// its main thread as a messenger, which only passes messages. Every patient draws from its own
// streams, so what rank or thread computed a block changes nothing in it.
struct EngineRun {
  int stopped_by = 0;             // the signal (SIGINT, SIGTERM) that stopped the run, or 0
  double checkpoint_seconds = 0;  // thread-seconds serializing and committing blocks
};

// SIGINT and SIGTERM (what a scheduler sends before killing) ask the run to stop, for as long as
// this lives (a whole study: the blocks and the assembly): blocks in flight are abandoned within
// one patient, committed blocks are kept, and the assembly stops before the file is named.
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction previous_interrupt_ {};
  struct sigaction previous_terminate_ {};
};

// The signal that asked the run to stop, or 0; request_stop(s) asks as a signal would (under
// MPI, when another rank was signalled).
int stop_requested();
void request_stop_by(int signal);

// A block given up half-way because the run is stopping: not a failure, and not committed.
struct BlockAbandoned : std::runtime_error {
  BlockAbandoned() : std::runtime_error("block abandoned: the run is stopping") {}
};

// The threads a run uses: run.threads, or every core when it is 0.
int resolve_threads(std::int64_t requested);

// The patients of a block, key.first .. key.first + key.count - 1, of the point whose parameters
// are `p`: the unit of work every thread and rank computes. Throws BlockAbandoned when a stop is
// requested meanwhile.
std::vector<PatientResult> simulate_block(const Parameters& p, const BlockKey& key);

// Rank 0: runs the schedule to its end (or a stop), committing blocks to the checkpoint;
// blocks in `committed` are read back instead of computed, once checked (Checkpoint::
// read_checked): one that fails the check is reported on stderr, by its file, and recomputed.
// A signal to any rank stops every rank. Throws the first failure of any rank or thread,
// naming the rank. `points[0]` is point `first_point` (a calibration's batches of proposals
// continue the numbering of the earlier batches, so every block has its own key).
EngineRun coordinate_blocks(const std::vector<Parameters>& points, Schedule& schedule,
                            const Checkpoint& checkpoint, const std::set<BlockKey>& committed,
                            int threads, Progress& progress, std::int64_t first_point = 0);

// Other ranks: computes the blocks rank 0 deals until it says the schedule is done; each block
// carries the run's `identity`. A signal to this rank is passed on to rank 0, which stops all.
EngineRun compute_dealt_blocks(const std::vector<Parameters>& points, int threads,
                               std::uint64_t identity, std::int64_t first_point = 0);

}  // namespace smpsim
