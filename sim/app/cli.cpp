#include "smpsim/app/cli.h"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/io/build_info.h"
#include "smpsim/io/h5.h"
#include "smpsim/io/trace_csv.h"
#include "smpsim/io/writer.h"
#include "smpsim/model/error.h"
#include "smpsim/model/format.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"
#include "smpsim/run/engine.h"
#include "smpsim/run/estimate.h"
#include "smpsim/run/progress.h"
#include "smpsim/run/ranks.h"
#include "smpsim/run/study.h"
#include "smpsim/run/sweep.h"

namespace smpsim {

namespace {

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
  std::string command_line;  // as typed, to say how to resume
  bool quiet = false;
  bool overwrite = false;
  bool resume = false;
};

struct TraceOptions {
  ConfigOptions config;
  std::int64_t patient = 0;
  std::int64_t point = 0;
  bool any_patient = false;
};

// Flushes stdout (both the C and the C++ stream) and throws IoError when anything written to it
// was lost (a full disk, a closed pipe, /dev/full): output that matters is never dropped silently.
void check_stdout(const std::string& what) {
  errno = 0;
  std::cout.flush();
  const bool cpp_failed = !std::cout;
  int error = errno;
  const bool c_failed = std::fflush(stdout) != 0 || std::ferror(stdout);
  if (!error) error = errno;
  if (cpp_failed || c_failed) {
    if (!error) error = EIO;  // the stream failed earlier, its errno since overwritten
    throw IoError("stdout: cannot write " + what +
                  (error ? std::string(": ") + std::strerror(error) : std::string()));
  }
}

// A whole number within [low, high], with a message that says which of the two it is not.
CLI::Validator whole_number(std::int64_t low, std::int64_t high) {
  return CLI::Validator(
      [low, high](std::string& text) -> std::string {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size()) {
          return "expected a whole number, got '" + text + "'";
        }
        if (value < low || value > high) {
          return "must be in [" + std::to_string(low) + ", " + std::to_string(high) + "], got " +
                 text;
        }
        return {};
      },
      "INT in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
}

// Refuses (exit 2) a run whose patients in flight would not fit in the machine's memory: each
// thread holds one patient, whose scalp keeps every session's dots and each dot's packets.
// Per dot ~150 bytes and per packet ~90 (measured: peak RSS of 1 patient x 1 thread at 20,000
// to 80,000 dots x 4 sessions and 8 to 32 packets, 2026-12-02), plus ~64 MB for the rest.
void check_memory(const Parameters& parameters, std::int64_t threads) {
  const double dots = static_cast<double>(parameters.technician.dots_per_session) *
                      static_cast<double>(parameters.protocol.max_sessions);
  const double per_patient =
      dots * (150.0 + 90.0 * static_cast<double>(parameters.kinetics.packets_per_dot));
  const double estimate =
      64e6 + per_patient * static_cast<double>(std::max<std::int64_t>(threads, 1));
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return;
  const double memory = static_cast<double>(pages) * static_cast<double>(page_size);
  if (estimate > memory) {
    char text[320];
    std::snprintf(text, sizeof text,
                  "technician.dots_per_session: the run would need about %.1f GB (%lld dots x %lld "
                  "sessions x %lld packets, %.2f GB a patient, x %lld threads), more than this "
                  "machine's %.1f GB; lower technician.dots_per_session, kinetics.packets_per_dot "
                  "or --threads",
                  estimate / 1e9, static_cast<long long>(parameters.technician.dots_per_session),
                  static_cast<long long>(parameters.protocol.max_sessions),
                  static_cast<long long>(parameters.kinetics.packets_per_dot), per_patient / 1e9,
                  static_cast<long long>(std::max<std::int64_t>(threads, 1)), memory / 1e9);
    throw InputError(text);
  }
}

std::string default_output(const ConfigLoader& loader) {
  return "out/" + loader.name() + ".h5";
}

void print_point_table(const PointSummary& summary) {
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

// A sweep's points, one line each: the swept values and the key outcomes' means with their
// 95 % half-widths.
// The swept keys as column headers, whole (a key's section tells patient.itch from
// aftercare.itch), each column as wide as its name.
std::vector<int> print_key_headers(const std::vector<std::string>& keys) {
  std::vector<int> widths;
  for (const std::string& key : keys) {
    widths.push_back(std::max<int>(10, static_cast<int>(key.size())));
    std::printf(" %*s", widths.back(), key.c_str());
  }
  return widths;
}

void print_sweep_table(const StudyResult& study) {
  constexpr std::size_t kShownPoints = 40;
  const std::array<Outcome, 4> shown = {Outcome::kFinalCoverage, Outcome::kPatchiness,
                                        Outcome::kSessions, Outcome::kSatisfied};
  std::printf("\n%6s", "point");
  const std::vector<int> widths = print_key_headers(study.plan.keys);
  std::printf(" %9s", "patients");
  for (Outcome o : shown) std::printf(" %22s", kOutcomes[static_cast<std::size_t>(o)].name.data());
  std::printf("\n");
  for (std::size_t k = 0; k < study.points.size() && k < kShownPoints; ++k) {
    const PointSummary& point = study.points[k];
    std::printf("%6lld", static_cast<long long>(point.point));
    for (std::size_t i = 0; i < widths.size(); ++i) {
      std::printf(" %*.5g", widths[i], point.parameter_values[i]);
    }
    std::printf(" %9lld", static_cast<long long>(point.patients));
    for (Outcome o : shown) {
      const OutcomeSummary& s = point.outcomes[static_cast<std::size_t>(o)];
      char cell[64];
      std::snprintf(cell, sizeof cell, "%.4g ± %.2g", s.mean, kNormal95 * s.sem);
      std::printf(" %22s", cell);
    }
    std::printf("%s\n", point.converged ? "" : "  (targets not met)");
  }
  if (study.points.size() > kShownPoints) {
    std::printf("... %zu more points in /summary\n", study.points.size() - kShownPoints);
  }
  if (study.effects.empty()) return;
  // The answer a baseline asks for: each point's paired effect, with its 95 % interval and
  // (in brackets) its SEM over the unpaired one, what common random numbers bought.
  std::printf(
      "\npaired effects from the baseline (point - baseline, 95 %% interval, "
      "[paired / unpaired SEM]):\n%6s %8s",
      "point", "baseline");
  print_key_headers(study.plan.keys);
  for (Outcome o : shown) std::printf(" %30s", kOutcomes[static_cast<std::size_t>(o)].name.data());
  std::printf("\n");
  for (std::size_t k = 0; k < study.points.size() && k < kShownPoints; ++k) {
    const Effect& first = study.effects[k * kOutcomeCount];
    if (first.point == first.baseline) continue;
    std::printf("%6lld %8lld", static_cast<long long>(first.point),
                static_cast<long long>(first.baseline));
    for (std::size_t i = 0; i < widths.size(); ++i) {
      std::printf(" %*.5g", widths[i], study.points[k].parameter_values[i]);
    }
    for (Outcome o : shown) {
      const Effect& e = study.effects[k * kOutcomeCount + static_cast<std::size_t>(o)];
      char cell[64];
      std::snprintf(cell, sizeof cell, "%+.3g [%+.3g, %+.3g] [%.2f]", e.mean, e.ci_low, e.ci_high,
                    e.sem_ratio);
      std::printf(" %30s", cell);
    }
    std::printf("\n");
  }
}

void print_sensitivity(const SensitivityTable& table) {
  for (const char* outcome : {"final_coverage", "patchiness"}) {
    std::printf("\n%s:\n%-34s", outcome, "parameter");
    for (const std::string& column : table.columns) std::printf(" %12s", column.c_str());
    std::printf("\n");
    for (const SensitivityTable::Row& row : table.rows) {
      if (row.outcome != outcome) continue;
      std::printf("%-34s", row.parameter.c_str());
      for (double v : row.values) std::printf(" %12.4g", v);
      std::printf("\n");
    }
  }
}

// A calibration's closing summary: its generations, then the posterior against the prior.
void print_calibration(const StudyResult& study, const std::string& path) {
  const CalibrationResult& c = *study.calibration;
  std::printf(
      "smpsim %s: calibration, %zu generation%s (stopped by %s), %lld cohorts in %.1f s -> %s\n",
      kVersion, c.generations.size(), c.generations.size() == 1 ? "" : "s", c.stop_reason.c_str(),
      static_cast<long long>(study.evaluations), study.seconds, path.c_str());
  std::printf("\n%-10s %12s %10s %12s %10s\n", "generation", "epsilon", "proposals", "acceptance",
              "seconds");
  for (std::size_t g = 0; g < c.generations.size(); ++g) {
    const CalibrationGeneration& generation = c.generations[g];
    std::printf("%-10zu %12.4g %10lld %12.3f %10.1f\n", g, generation.epsilon,
                static_cast<long long>(generation.proposals), generation.acceptance,
                generation.wall_seconds);
  }
  std::printf("\n%-34s %11s %11s %11s %11s   %s\n", "parameter", "mean", "sd", "q05", "q95",
              "prior q05 .. q95");
  for (const CalibrationSummary::Row& r : c.posterior.rows) {
    std::printf("%-34s %11.4g %11.4g %11.4g %11.4g   %.4g .. %.4g\n", r.parameter.c_str(), r.mean,
                r.sd, r.q05, r.q95, r.prior_q05, r.prior_q95);
  }
  std::printf("effective sample size %.1f\n", c.posterior.effective_sample_size);
}

void print_summary(const StudyResult& study, const std::string& path) {
  if (study.calibration) {
    print_calibration(study, path);
    return;
  }
  std::int64_t patients = 0;
  for (const PointSummary& point : study.points) patients += point.patients;
  char where[64] = "";
  if (study.ranks > 1) std::snprintf(where, sizeof where, "%d ranks x ", study.ranks);
  std::printf(
      "smpsim %s: %zu point%s, %lld patients in %.1f s (%.0f patients/s, %s%d thread%s) -> %s\n",
      kVersion, study.points.size(), study.points.size() == 1 ? "" : "s",
      static_cast<long long>(patients), study.seconds,
      static_cast<double>(patients) / std::max(study.seconds, 1e-9), where, study.threads,
      study.threads == 1 ? "" : "s", path.c_str());
  if (study.points.size() == 1) {
    print_point_table(study.points.front());
  } else {
    print_sweep_table(study);
  }
  if (!study.sensitivity.rows.empty()) print_sensitivity(study.sensitivity);
}

int run_simulation(const RunOptions& options) {
  ConfigLoader loader;
  if (options.config.path) loader.apply_file(*options.config.path);
  for (const std::string& assignment : options.config.overrides) loader.apply_override(assignment);
  if (options.patients) loader.apply_override("run.patients=" + std::to_string(*options.patients));
  if (options.seed) loader.apply_override("run.seed=" + std::to_string(*options.seed));
  if (options.threads) loader.apply_override("run.threads=" + std::to_string(*options.threads));
  const Parameters parameters = loader.finish();

  check_memory(parameters, parameters.run.threads > 0
                               ? parameters.run.threads
                               : static_cast<std::int64_t>(std::thread::hardware_concurrency()));
  StudyOptions study;
  if (options.output && options.output->empty()) {
    throw InputError("-o: the output path is empty; name a file, e.g. -o out/run.h5");
  }
  study.output = options.output.value_or(parameters.run.output);
  if (study.output.empty()) {
    study.output = default_output(loader);
    std::filesystem::create_directories(std::filesystem::path(study.output).parent_path());
  }
  // Inputs are sacred: no --overwrite makes the output the config (or a link to it).
  std::vector<std::string> inputs;
  if (options.config.path) inputs.push_back(*options.config.path);
  check_output_not_input(study.output, inputs);
  study.overwrite = options.overwrite;
  study.resume = options.resume;
  study.progress = !options.quiet && ::isatty(STDERR_FILENO);
  const StudyResult result = run_study(parameters, study);
  switch (result.end) {
    case StudyEnd::kComplete:
      break;
    case StudyEnd::kAlreadyComplete:
      if (ranks::coordinator()) {
        std::fprintf(stderr, "smpsim: %s is already complete; nothing to resume\n",
                     study.output.c_str());
      }
      return kExitDone;
    case StudyEnd::kInterruptedBySigint:
    case StudyEnd::kInterruptedBySigterm: {
      const int signal = result.end == StudyEnd::kInterruptedBySigint ? SIGINT : SIGTERM;
      if (ranks::coordinator()) {
        std::fprintf(stderr,
                     "smpsim: interrupted (%s) after %lld of %lld blocks; the finished ones are "
                     "kept in %s.checkpoint\nsmpsim: continue with: %s --resume\n",
                     signal == SIGINT ? "SIGINT" : "SIGTERM",
                     static_cast<long long>(result.blocks_done),
                     static_cast<long long>(result.blocks_known), study.output.c_str(),
                     options.command_line.c_str());
      }
      return 128 + signal;
    }
    case StudyEnd::kBadInputElsewhere:
      return kExitBadInput;
    case StudyEnd::kFailedElsewhere:
      return kExitRuntimeFailure;
  }
  if (!ranks::coordinator()) return kExitDone;
  if (!options.quiet) {
    print_summary(result, study.output);
    check_stdout("the run's summary (the run itself is complete in " + study.output + ")");
  }
  if (const char* timings = std::getenv("SMPSIM_TIMINGS");
      timings && *timings && std::string(timings) != "0") {
    const StudyResult::Timings& t = result.timings;
    std::fprintf(stderr,
                 "smpsim: timing: total=%.3f simulate=%.3f checkpoint_write=%.3f assemble=%.3f "
                 "threads=%d ranks=%d\n",
                 t.total, t.simulate, t.checkpoint_write, t.assemble, result.threads, result.ranks);
  }
  return kExitDone;
}

// The planned points as TOML comments: index and values, the first and last 20 of a long plan.
std::string planned_points(const SweepPlan& plan) {
  constexpr std::size_t kShown = 20;
  std::ostringstream out;
  out << "# " << plan.points() << " planned point" << (plan.points() == 1 ? "" : "s");
  if (plan.keys.empty()) return out.str() + " (no sweep)\n";
  out << " (" << plan.method << "):\n";
  for (std::size_t k = 0; k < plan.points(); ++k) {
    if (k == kShown && plan.points() > 2 * kShown) {
      out << "#   ... " << plan.points() - 2 * kShown << " more ...\n";
      k = plan.points() - kShown;
    }
    out << "#   point " << k << ":";
    for (std::size_t i = 0; i < plan.keys.size(); ++i) {
      out << (i ? "," : "") << " " << plan.keys[i] << " = " << plan.values[k][i];  // 6 digits
    }
    if (!plan.baselines.empty()) out << "  (baseline: point " << plan.baselines[k] << ")";
    out << "\n";
  }
  return out.str();
}

// A pilot's prediction of the study's cost on this machine, as TOML comments.
std::string estimated_cost(const Parameters& parameters, const SweepPlan& plan) {
  const int threads = resolve_threads(parameters.run.threads);
  const StudyEstimate e = estimate_study(parameters, plan, threads);
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line,
                "# estimate: a pilot of %lld patients at %lld points took %.2f s on %d thread%s: "
                "%.0f patients/s\n",
                static_cast<long long>(e.pilot_patients * e.pilot_points),
                static_cast<long long>(e.pilot_points), e.pilot_seconds, threads,
                threads == 1 ? "" : "s", e.patients_per_second);
  out << line;
  for (const StudyEstimate::PointNeed& need : e.needs) {
    out << "#   point " << need.point << " is expected to need " << need.patients << " patients (";
    const ConvergenceSpec& targets = parameters.convergence;
    for (std::size_t o = 0; o < need.patients_per_outcome.size(); ++o) {
      out << (o ? ", " : "")
          << (o < targets.outcomes.size()
                  ? targets.outcomes[o]
                  : targets.effects[o - targets.outcomes.size()] + " effect")
          << " " << need.patients_per_outcome[o];
    }
    out << ")\n";
  }
  std::snprintf(line, sizeof line,
                "# estimate: %lld patients in all, about %.0f s (%.1f min) of simulation on this "
                "machine%s\n",
                static_cast<long long>(e.patients), e.seconds, e.seconds / 60,
                e.needs.empty() ? "" : " (a convergence study: from the pilot's variance)");
  out << line;
  return out.str();
}

// A calibration's plan as TOML comments; with `estimate`, a pilot's lower bound on its cost: every
// generation evaluates at least `particles` cohorts.
std::string planned_calibration(const Parameters& parameters, bool estimate) {
  const CalibrationSpec& c = parameters.calibration;
  const std::int64_t least = c.particles * c.max_generations + c.posterior_check;
  std::ostringstream out;
  out << "# a calibration (" << c.method << "): " << c.parameters.size() << " parameter"
      << (c.parameters.size() == 1 ? "" : "s") << ", " << c.targets.size() << " target"
      << (c.targets.size() == 1 ? "" : "s") << ", at most " << c.max_generations
      << " generations of " << c.particles << " particles, each proposal a cohort of " << c.patients
      << " patients: at least " << least << " cohorts\n";
  if (!estimate) return out.str();
  Parameters cohort = parameters;
  cohort.run.patients = c.patients;
  cohort.calibration.method = "none";
  cohort.run.daily =
      std::any_of(c.targets.begin(), c.targets.end(),
                  [](const CalibrationTarget& t) { return t.statistic.ends_with("_daily"); });
  const int threads = resolve_threads(parameters.run.threads);
  const StudyEstimate e = estimate_study(cohort, plan_sweep(cohort), threads);
  char line[256];
  std::snprintf(line, sizeof line,
                "# estimate: a pilot ran %.0f patients/s on %d thread%s: at least %.0f s (%.1f "
                "min) of simulation; each generation after the first needs particles / its "
                "acceptance cohorts\n",
                e.patients_per_second, threads, threads == 1 ? "" : "s",
                static_cast<double>(least * c.patients) / e.patients_per_second,
                static_cast<double>(least * c.patients) / e.patients_per_second / 60);
  return out.str() + line;
}

int check_config(const ConfigOptions& options, bool explain, bool estimate) {
  const Parameters parameters = load_parameters(options.path, options.overrides);
  const SweepPlan plan = plan_sweep(parameters);  // every point valid, the baseline among them
  std::cout << "# smpsim " << kVersion << ": resolved config"
            << (options.path ? " of " + *options.path : std::string(" (built-in defaults)")) << "\n"
            << (parameters.calibration.enabled()
                    ? planned_calibration(parameters, estimate)
                    : planned_points(plan) + (estimate ? estimated_cost(parameters, plan) : ""))
            << to_toml(parameters, explain);
  check_stdout("the resolved config");
  return kExitDone;
}

int trace_patient(const TraceOptions& options) {
  const Parameters base = load_parameters(options.config.path, options.config.overrides);
  const SweepPlan plan = plan_sweep(base);
  if (options.point >= static_cast<std::int64_t>(plan.points())) {
    throw InputError("--point " + std::to_string(options.point) + ": this config has " +
                     std::to_string(plan.points()) + " point" + (plan.points() == 1 ? "" : "s") +
                     " (0 to " + std::to_string(plan.points() - 1) + ")");
  }
  const Parameters parameters =
      point_parameters(base, plan, static_cast<std::size_t>(options.point));
  // The cohort is run.patients (convergence.max_patients in a convergence study); a patient
  // beyond it is no patient of the run, and traced only on request.
  const std::int64_t cohort = parameters.convergence.enabled() ? parameters.convergence.max_patients
                                                               : parameters.run.patients;
  if (options.patient >= cohort && !options.any_patient) {
    throw InputError(
        "--patient " + std::to_string(options.patient) + ": the cohort is " +
        std::to_string(cohort) + " patients (0 to " + std::to_string(cohort - 1) + ", " +
        (parameters.convergence.enabled() ? "convergence.max_patients" : "run.patients") +
        "); pass --any-patient to trace a patient outside it");
  }
  check_memory(parameters, 1);
  const PatientSampler sampler(parameters);
  const Patient patient = sampler.sample(static_cast<std::uint64_t>(parameters.run.seed),
                                         static_cast<std::uint64_t>(options.patient));
  EventLog log;
  simulate_patient(parameters, patient, &log);
  write_trace_csv(log, std::cout);
  check_stdout("the trace");
  return kExitDone;
}

}  // namespace

int run_command_line(int argc, char** argv) {
  h5::initialise();
  CLI::App app{"smpsim: Monte Carlo simulation of scalp micropigmentation healing"};
  app.set_version_flag("--version", std::string("smpsim ") + kVersion + " (" + kGitCommit + ")");
  app.require_subcommand(1);

  RunOptions run;
  CLI::App* run_command = app.add_subcommand("run", "simulate a cohort and write HDF5");
  run.config.add_to(*run_command);
  run_command->add_option("-o,--output", run.output, "output file (default: out/<config>.h5)");
  run_command->add_option("--threads", run.threads, "OpenMP threads (0: every core)")
      ->check(whole_number(0, 4096));
  run_command->add_option("--patients", run.patients, "patients per point")
      ->check(whole_number(1, 0xFFFFFFFF));
  run_command->add_option("--seed", run.seed, "random seed")
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max()));
  run_command->add_flag("--quiet", run.quiet, "no progress, no summary");
  run_command->add_flag("--overwrite", run.overwrite,
                        "replace an existing output file and start over from no checkpoint");
  run_command->add_flag("--resume", run.resume,
                        "continue from the checkpoint an interrupted run left (or start one)");

  ConfigOptions check;
  bool explain = false;
  CLI::App* check_command =
      app.add_subcommand("check", "validate a config and print it fully resolved as TOML");
  check.add_to(*check_command);
  check_command->add_flag("--explain", explain, "comment each key: unit, range, meaning");
  bool estimate = false;
  check_command->add_flag("--estimate", estimate,
                          "run a short pilot and predict the study's wall time on this machine");

  TraceOptions trace;
  CLI::App* trace_command = app.add_subcommand(
      "trace", "print one patient's events as CSV: time,event,dot,region,detail");
  trace.config.add_to(*trace_command);
  trace_command->add_option("--patient", trace.patient, "patient id")
      ->required()
      ->check(whole_number(0, 0xFFFFFFFF));
  trace_command->add_option("--point", trace.point, "sweep point")
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max()));
  trace_command->add_flag("--any-patient", trace.any_patient,
                          "allow a patient id outside the cohort (>= run.patients)");

  for (int i = 0; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--resume") continue;
    const bool plain = word.find_first_of(" \t'\"{}[]$;&|*?") == std::string::npos;
    run.command_line += (i ? " " : "") + (plain ? word : "'" + word + "'");
  }
  if (argc > 1 && argv[1][0] != '-') {
    const std::string command = argv[1];
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->get_name() == command;
    }
    if (!known) {
      std::cerr << "smpsim: error: unknown command '" << command << "'; the commands are " << names
                << " (smpsim --help)\n";
      return kExitBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --help-all, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "smpsim: error: " << e.what() << "\nRun with --help for more information.\n";
    return kExitBadInput;
  }

  // Under MPI every rank runs `run`; `check` and `trace` are rank 0's alone. Errors are
  // rank 0's to print: the other ranks fail the same way and say nothing.
  const bool speaks = ranks::coordinator();
  try {
    if (*run_command) return run_simulation(run);
    if (!speaks) return kExitDone;
    if (*check_command) return check_config(check, explain, estimate);
    if (*trace_command) return trace_patient(trace);
  } catch (const InputError& e) {
    if (speaks) std::cerr << "smpsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    if (speaks) std::cerr << "smpsim: error: " << e.what() << "\n";
    return kExitRuntimeFailure;
  }
  return kExitDone;
}

}  // namespace smpsim
