#include "smpsim/cli.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "smpsim/build_info.h"
#include "smpsim/cohort.h"
#include "smpsim/config.h"
#include "smpsim/error.h"
#include "smpsim/patient.h"
#include "smpsim/simulation.h"
#include "smpsim/trace.h"
#include "smpsim/writer.h"

namespace smpsim {

namespace {

constexpr double kNormal95 = 1.959963984540054;

// Options shared by the commands that read a config.
struct ConfigOptions {
  std::optional<std::string> path;
  std::vector<std::string> overrides;

  void add_to(CLI::App& command) {
    command.add_option("config", path, "TOML config (default: the built-in defaults)");
    command.add_option("--set", overrides, "override a config key: KEY=VALUE (repeatable)")
        ->type_name("KEY=VALUE");
  }
};

struct RunOptions {
  ConfigOptions config;
  std::optional<std::string> output;
  std::optional<std::int64_t> threads;
  std::optional<std::int64_t> patients;
  std::optional<std::int64_t> seed;
  bool quiet = false;
  bool overwrite = false;
};

struct TraceOptions {
  ConfigOptions config;
  std::int64_t patient = 0;
  std::int64_t point = 0;
};

std::string default_output(const ConfigLoader& loader) { return "out/" + loader.name() + ".h5"; }

void print_summary(const PointSummary& summary, const std::string& path, double seconds,
                   int threads) {
  std::printf("smpsim %s: %lld patients in %.1f s (%.0f patients/s, %d thread%s) -> %s\n",
              kVersion, static_cast<long long>(summary.patients), seconds,
              static_cast<double>(summary.patients) / std::max(seconds, 1e-9), threads,
              threads == 1 ? "" : "s", path.c_str());
  std::printf("\n%-22s %10s  %-25s %10s %10s %10s\n", "outcome", "mean", "95% CI", "p05", "p50",
              "p95");
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    const OutcomeSummary& s = summary.outcomes[i];
    char interval[64];
    std::snprintf(interval, sizeof interval, "[%.4g, %.4g]", s.mean - kNormal95 * s.sem,
                  s.mean + kNormal95 * s.sem);
    std::printf("%-22s %10.4g  %-25s %10.4g %10.4g %10.4g\n", kOutcomes[i].name.data(), s.mean,
                interval, s.p05, s.p50, s.p95);
  }
}

int run_simulation(const RunOptions& options) {
  ConfigLoader loader;
  if (options.config.path) loader.apply_file(*options.config.path);
  for (const std::string& assignment : options.config.overrides) loader.apply_override(assignment);
  if (options.patients) loader.apply_override("run.patients=" + std::to_string(*options.patients));
  if (options.seed) loader.apply_override("run.seed=" + std::to_string(*options.seed));
  if (options.threads) loader.apply_override("run.threads=" + std::to_string(*options.threads));
  const Parameters parameters = loader.finish();

  std::string output = options.output.value_or(parameters.run.output);
  if (output.empty()) {
    output = default_output(loader);
    std::filesystem::create_directories(std::filesystem::path(output).parent_path());
  }
  const int threads = resolve_threads(parameters.run.threads);
  RunInfo info;
  info.config_toml = to_toml(parameters);
  info.seed = static_cast<std::uint64_t>(parameters.run.seed);
  info.points = 1;
  info.threads_used = threads;

  ResultWriter writer(output, info, {}, options.overwrite);
  writer.begin_point(0, {}, static_cast<std::size_t>(parameters.protocol.horizon_days + 1));
  Progress progress(parameters.run.patients, !options.quiet && ::isatty(STDERR_FILENO));
  run_cohort(parameters, 0, parameters.run.patients, threads,
             [&](std::span<const PatientResult> block) { writer.append(block); }, progress);
  progress.finish();
  const PointSummary summary = writer.end_point();
  writer.finish();
  if (!options.quiet) print_summary(summary, output, progress.seconds(), threads);
  return kExitDone;
}

int check_config(const ConfigOptions& options, bool explain) {
  const Parameters parameters = load_parameters(options.path, options.overrides);
  std::cout << "# smpsim " << kVersion << ": resolved config"
            << (options.path ? " of " + *options.path : std::string(" (built-in defaults)"))
            << "\n"
            << to_toml(parameters, explain);
  return kExitDone;
}

int trace_patient(const TraceOptions& options) {
  const Parameters parameters = load_parameters(options.config.path, options.config.overrides);
  if (options.point != 0) {
    throw InputError("--point " + std::to_string(options.point) +
                     ": this config has a single point, 0");
  }
  const PatientSampler sampler(parameters);
  const Patient patient =
      sampler.sample(static_cast<std::uint64_t>(parameters.run.seed),
                     static_cast<std::uint64_t>(options.patient));
  EventLog log;
  simulate_patient(parameters, patient, &log);
  log.write_csv(std::cout);
  return kExitDone;
}

}  // namespace

int run_command_line(int argc, char** argv) {
  CLI::App app{"smpsim: Monte Carlo simulation of scalp micropigmentation healing"};
  app.set_version_flag("--version", std::string("smpsim ") + kVersion + " (" + kGitCommit + ")");
  app.require_subcommand(1);

  RunOptions run;
  CLI::App* run_command = app.add_subcommand("run", "simulate a cohort and write HDF5");
  run.config.add_to(*run_command);
  run_command->add_option("-o,--output", run.output, "output file (default: out/<config>.h5)");
  run_command->add_option("--threads", run.threads, "OpenMP threads (0: every core)")
      ->check(CLI::Range(0, 4096));
  run_command->add_option("--patients", run.patients, "patients per point")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{0xFFFFFFFF}));
  run_command->add_option("--seed", run.seed, "random seed")
      ->check(CLI::Range(std::int64_t{0}, std::numeric_limits<std::int64_t>::max()));
  run_command->add_flag("--quiet", run.quiet, "no progress, no summary");
  run_command->add_flag("--overwrite", run.overwrite, "replace an existing output file");

  ConfigOptions check;
  bool explain = false;
  CLI::App* check_command =
      app.add_subcommand("check", "validate a config and print it fully resolved as TOML");
  check.add_to(*check_command);
  check_command->add_flag("--explain", explain, "comment each key: unit, range, meaning");

  TraceOptions trace;
  CLI::App* trace_command =
      app.add_subcommand("trace", "print one patient's events as CSV: time,event,dot,region,detail");
  trace.config.add_to(*trace_command);
  trace_command->add_option("--patient", trace.patient, "patient id")
      ->required()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{0xFFFFFFFF}));
  trace_command->add_option("--point", trace.point, "sweep point")
      ->check(CLI::Range(std::int64_t{0}, std::numeric_limits<std::int64_t>::max()));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? kExitDone : kExitBadInput;
  }

  try {
    if (*run_command) return run_simulation(run);
    if (*check_command) return check_config(check, explain);
    if (*trace_command) return trace_patient(trace);
  } catch (const InputError& e) {
    std::cerr << "smpsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "smpsim: error: " << e.what() << "\n";
    return kExitRuntimeFailure;
  }
  return kExitDone;
}

}  // namespace smpsim
