#include "smpsim/run/ranks.h"

#include <cstdlib>

#ifdef SMPSIM_WITH_MPI
// The MPI C API; not the deprecated C++ bindings some mpi.h pull in.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace smpsim::ranks {

namespace {

bool started = false;
int this_rank = 0;
int rank_count = 1;

// Open MPI, MPICH and Slurm's PMI each say so in the environment of the processes they start.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}

}  // namespace

#ifdef SMPSIM_WITH_MPI

Session::Session(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &this_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &rank_count);
  started = true;
}

Session::~Session() {
  if (started) MPI_Finalize();
}

void send(int to, Tag tag, std::span<const std::byte> bytes) {
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, static_cast<int>(tag),
           MPI_COMM_WORLD);
}

std::optional<Message> poll() {
  if (!started) return std::nullopt;
  int waiting = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
  if (!waiting) return std::nullopt;
  int size = 0;
  MPI_Get_count(&status, MPI_BYTE, &size);
  Message message{status.MPI_SOURCE, static_cast<Tag>(status.MPI_TAG),
                  std::vector<std::byte>(static_cast<std::size_t>(size))};
  MPI_Recv(message.bytes.data(), size, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return message;
}

std::int64_t broadcast(std::int64_t value) {
  if (started) MPI_Bcast(&value, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
  return value;
}

void broadcast(std::vector<double>& values) {
  if (!started) return;
  auto count = static_cast<std::int64_t>(values.size());
  MPI_Bcast(&count, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
  values.resize(static_cast<std::size_t>(count));
  MPI_Bcast(values.data(), static_cast<int>(count), MPI_DOUBLE, 0, MPI_COMM_WORLD);
}

#else

Session::Session(int&, char**&) {
  (void)launched_by_mpi;
  (void)started;
}
Session::~Session() = default;
void send(int, Tag, std::span<const std::byte>) {}
std::optional<Message> poll() {
  return std::nullopt;
}
std::int64_t broadcast(std::int64_t value) {
  return value;
}
void broadcast(std::vector<double>&) {}

#endif

int rank() {
  return this_rank;
}
int size() {
  return rank_count;
}

}  // namespace smpsim::ranks
