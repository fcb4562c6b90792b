#pragma once

#include <set>
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

// The threads a run uses: run.threads, or every core when it is 0.
int resolve_threads(std::int64_t requested);

// The patients of a block, key.first .. key.first + key.count - 1, of the point whose parameters
// are `p`: the unit of work every thread and rank computes.
std::vector<PatientResult> simulate_block(const Parameters& p, const BlockKey& key);

// Rank 0: runs the schedule to its end (or a stop), committing blocks to the checkpoint;
// blocks in `committed` are read back instead of computed. Throws the first failure of any rank,
// naming the rank.
EngineRun coordinate_blocks(const std::vector<Parameters>& points, Schedule& schedule,
                            const Checkpoint& checkpoint, const std::set<BlockKey>& committed,
                            int threads, Progress& progress);

// Other ranks: computes the blocks rank 0 deals until it says the schedule is done.
EngineRun compute_dealt_blocks(const std::vector<Parameters>& points, int threads);

}  // namespace smpsim
