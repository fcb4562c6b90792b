// The HDF5 writer (ResultWriter, sim/writer.cpp): one whole output file of one point, written
// the way assembly writes it (begin_point, append a block of 32 patients at a time, end_point,
// finish) to a temporary file, from results computed beforehand. bytes/s counts the raw bytes
// handed to HDF5 (patients table + sessions table + daily float32 series, before compression);
// items are patients.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "output_bytes.h"
#include "scenario.h"
#include "smpsim/config/config.h"
#include "smpsim/io/h5.h"
#include "smpsim/io/writer.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"

namespace {

using namespace smpsim;

// Distinct simulated patients: one daily chunk (256 rows) holds no repeated row, so the
// compression sees real data. The file repeats them with fresh ids up to kFilePatients.
constexpr std::int64_t kDistinctPatients = 256;
constexpr std::int64_t kFilePatients = 1024;
constexpr std::size_t kBlockPatients = 32;  // a checkpoint block, the unit assembly appends

void BM_WriteOutputFile(benchmark::State& state) {
  h5::initialise();
  const Parameters p = bench::default_scenario();
  const PatientSampler sampler(p);
  std::vector<PatientResult> distinct(static_cast<std::size_t>(kDistinctPatients));
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t id = 0; id < kDistinctPatients; ++id) {
    distinct[static_cast<std::size_t>(id)] = simulate_patient(
        p, sampler.sample(static_cast<std::uint64_t>(p.run.seed), static_cast<std::uint64_t>(id)));
  }
  std::vector<PatientResult> results;
  std::size_t bytes = 0;
  for (std::int64_t id = 0; id < kFilePatients; ++id) {
    results.push_back(distinct[static_cast<std::size_t>(id % kDistinctPatients)]);
    results.back().patient.id = static_cast<std::uint64_t>(id);
    bytes += bench::raw_bytes(results.back());
  }
  RunInfo info;
  info.config_toml = to_toml(p);
  info.seed = static_cast<std::uint64_t>(p.run.seed);
  const auto days = static_cast<std::size_t>(p.protocol.horizon_days + 1);
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("smpsim_bench_writer_" + std::to_string(::getpid()) + ".h5");

  for (auto _ : state) {
    ResultWriter writer(path.string(), info);
    writer.begin_point(0, {}, {}, days);
    for (std::size_t first = 0; first < results.size(); first += kBlockPatients) {
      writer.append(std::span(results).subspan(first, kBlockPatients));
    }
    writer.end_point();
    writer.finish();
    state.PauseTiming();
    std::filesystem::remove(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kFilePatients);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["raw_bytes_per_patient"] =
      static_cast<double>(bytes) / static_cast<double>(kFilePatients);
  state.SetLabel(
      "items = patients; bytes = raw (uncompressed) output; one iteration = one file of " +
      std::to_string(kFilePatients) + " patients");
}
// Real time: the output waits on the file system as well as on the CPU.
BENCHMARK(BM_WriteOutputFile)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
