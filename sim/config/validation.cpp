#include "smpsim/config/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "checks.h"
#include "smpsim/config/access.h"
#include "smpsim/config/keys.h"
#include "smpsim/config/suggest.h"
#include "smpsim/model/error.h"
#include "smpsim/model/format.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/patient.h"

namespace smpsim {

double sweep_points(const SweepSpec& sweep) {
  const double d = static_cast<double>(sweep.parameters.size());
  const double samples = static_cast<double>(sweep.samples);
  if (sweep.method == "none") return 1;
  if (sweep.method == "lhs") return samples;
  if (sweep.method == "sobol") return samples * (d + 2);
  if (sweep.method == "morris") return samples * (d + 1);
  double points = 1;  // grid: every combination of the value lists
  for (const SweptParameter& swept : sweep.parameters) {
    points *= static_cast<double>(swept.values.size());
  }
  return points;
}

namespace {

void validate_sweep(const Parameters& p) {
  const SweepSpec& sweep = p.sweep;
  if (sweep.method == "none") {
    if (sweep.samples != 0) {
      throw InputError("sweep.samples: has no effect without a sweep method; set sweep.method");
    }
    if (!sweep.parameters.empty()) {
      throw InputError(
          "sweep.parameters: parameters are given but sweep.method is \"none\"; set "
          "sweep.method to grid, lhs, sobol or morris");
    }
    return;
  }
  if (sweep.parameters.empty()) {
    throw InputError("sweep.parameters: sweep.method = \"" + sweep.method +
                     "\" needs at least one swept parameter");
  }
  const bool grid = sweep.method == "grid";
  std::vector<std::string> seen;
  for (const SweptParameter& swept : sweep.parameters) {
    const std::string name = "sweep.parameters." + swept.key;
    if (std::find(seen.begin(), seen.end(), swept.key) != seen.end()) {
      throw InputError(name + ": swept twice");
    }
    seen.push_back(swept.key);
    if (swept.key.starts_with("sweep.")) {
      throw InputError(name + ": a sweep cannot sweep its own keys");
    }
    try {
      get_number(p, swept.key);
      Parameters trial = p;
      if (grid && swept.values.empty()) {
        throw InputError("a grid sweep needs a list of values, e.g. [1.0, 2.0]");
      }
      if (!grid && !swept.values.empty()) {
        throw InputError((sweep.method == "lhs" ? "an " : "a ") + sweep.method +
                         " sweep needs a range {low = a, high = b}");
      }
      for (double value : grid ? swept.values : std::vector<double>{swept.low, swept.high}) {
        set_number(trial, swept.key, value);
      }
    } catch (const InputError& e) {
      throw InputError(name + ": " + e.what());
    }
  }
  const std::int64_t least = sweep.method == "lhs" ? 1 : 2;
  if (!grid && sweep.samples < least) {
    const char* what = sweep.method == "lhs"     ? "points"
                       : sweep.method == "sobol" ? "base samples"
                                                 : "trajectories";
    throw InputError("sweep.samples: " + std::string(sweep.method == "lhs" ? "an " : "a ") +
                     sweep.method + " sweep needs samples >= " + std::to_string(least) + " (" +
                     what + "), got " + std::to_string(sweep.samples));
  }
  if (grid && sweep.samples != 0) {
    throw InputError(
        "sweep.samples: has no effect on a grid sweep (its points are the product "
        "of the value lists); remove it");
  }
  static const Parameters defaults = default_parameters();
  if (sweep.method != "morris" && sweep.levels != defaults.sweep.levels) {
    throw InputError("sweep.levels: has no effect on a " + sweep.method + " sweep (morris only)");
  }
  if (sweep.method != "sobol" && sweep.method != "morris" &&
      sweep.bootstrap != defaults.sweep.bootstrap) {
    throw InputError("sweep.bootstrap: has no effect on a " + sweep.method +
                     " sweep (sobol and morris only)");
  }
  // Counted before any point is made: a typo must not ask for 10^10 of them.
  const double points = sweep_points(sweep);
  if (points > static_cast<double>(kMaxSweepPoints)) {
    char count[32];
    std::snprintf(count, sizeof count, "%.0f", points);
    throw InputError("sweep.parameters: the sweep would have " + std::string(count) +
                     " points; at most " + std::to_string(kMaxSweepPoints) + " are allowed");
  }
}

// Each name an outcome, each once: an outcome listed twice would be a second, identical target.
// Checked at every point of a sweep, so nothing is allocated unless the check fails.
void validate_outcome_set(const std::vector<std::string>& list, std::string_view key) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& outcome = list[i];
    if (outcome_index(outcome) == kOutcomeCount) {
      throw InputError(std::string(key) + ": unknown outcome " + in_quotes(outcome) +
                       did_you_mean(outcome, outcome_names()));
    }
    if (std::find(list.begin(), list.begin() + i, outcome) != list.begin() + i) {
      throw InputError(std::string(key) + ": " + in_quotes(outcome) +
                       " is listed twice; each outcome once");
    }
  }
}

void validate_convergence(const Parameters& p) {
  const ConvergenceSpec& c = p.convergence;
  validate_outcome_set(c.outcomes, "convergence.outcomes");
  validate_outcome_set(c.effects, "convergence.effects");
  if (!c.effects.empty() && c.rel_half_width > 0) {
    throw InputError(
        "convergence.effects: an effect's target is abs_half_width (an effect near 0 has no "
        "relative width); remove rel_half_width");
  }
  if (!c.enabled()) {
    static const ConvergenceSpec defaults = default_parameters().convergence;
    if (c.rel_half_width != 0 || c.abs_half_width != 0 || c.batch != defaults.batch ||
        c.max_patients != defaults.max_patients) {
      throw InputError(
          "convergence.outcomes: convergence settings are given but no outcomes to "
          "converge; list them, e.g. outcomes = [\"final_coverage\"] or effects = "
          "[\"satisfied\"]");
    }
    return;
  }
  if ((c.rel_half_width > 0) == (c.abs_half_width > 0)) {
    throw InputError(
        "convergence.rel_half_width: give exactly one target, rel_half_width or "
        "abs_half_width, > 0");
  }
  if (c.batch > c.max_patients) {
    throw InputError("convergence.batch: must not exceed convergence.max_patients (" +
                     std::to_string(c.batch) + " > " + std::to_string(c.max_patients) + ")");
  }
}

// The values a prior gives its key: its bounds where finite, else quantiles far in its tails.
std::vector<double> prior_extremes(const Distribution& prior) {
  constexpr double kTail = 1e-9;
  const double low =
      std::isfinite(prior.lower()) ? prior.lower() : prior.quantile(kTail, 1 - kTail);
  const double high =
      std::isfinite(prior.upper()) ? prior.upper() : prior.quantile(1 - kTail, kTail);
  return {low, prior.quantile(0.5, 0.5), high};
}

void validate_calibration(const Parameters& p) {
  const CalibrationSpec& c = p.calibration;
  static const CalibrationSpec defaults = default_parameters().calibration;
  if (!c.enabled()) {
    if (!c.parameters.empty() || !c.targets.empty() || c.particles != defaults.particles ||
        c.patients != defaults.patients || c.max_generations != defaults.max_generations ||
        c.quantile != defaults.quantile || c.min_acceptance != defaults.min_acceptance ||
        c.posterior_check != defaults.posterior_check) {
      throw InputError(
          "calibration.method: calibration settings are given but calibration.method is "
          "\"none\"; set method = \"abc-smc\"");
    }
    return;
  }
  if (p.sweep.method != "none") {
    throw InputError("calibration.method: a calibration cannot also be a sweep (sweep.method = \"" +
                     p.sweep.method + "\"); run them as two studies");
  }
  if (p.convergence.enabled()) {
    throw InputError(
        "calibration.method: a calibration's cohorts have calibration.patients patients; "
        "remove the [convergence] targets");
  }
  if (c.parameters.empty()) {
    throw InputError(
        "calibration.parameters: a calibration needs at least one parameter with its prior, "
        "e.g. \"kinetics.k_enc\" = {dist = \"uniform\", low = 0.1, high = 1.5}");
  }
  if (c.targets.empty()) {
    throw InputError(
        "calibration.targets: a calibration needs at least one observed statistic, e.g. "
        "retained = {statistic = \"mean\", outcome = \"retained\", value = 0.63, sd = 0.03}");
  }
  // The predictive check's cohorts use seeds run.seed + 1 + k, passed between ranks as doubles.
  if (p.run.seed > (std::int64_t{1} << 53) - 1 - c.posterior_check) {
    throw InputError("run.seed: a calibration's seed must be below 2^53 - 1 - posterior_check (" +
                     std::to_string((std::int64_t{1} << 53) - 1 - c.posterior_check) + ")");
  }
  std::vector<std::string> seen;
  for (const CalibratedParameter& calibrated : c.parameters) {
    const std::string name = "calibration.parameters." + calibrated.key;
    if (std::find(seen.begin(), seen.end(), calibrated.key) != seen.end()) {
      throw InputError(name + ": calibrated twice");
    }
    seen.push_back(calibrated.key);
    for (const char* own : {"calibration.", "sweep.", "convergence.", "run.", "model."}) {
      if (calibrated.key.starts_with(own)) {
        throw InputError(name +
                         ": not a model parameter; a calibration learns the keys of "
                         "[patient], [protocol], [technician], [aftercare], [kinetics] "
                         "and [optics]");
      }
    }
    try {
      get_number(p, calibrated.key);
    } catch (const InputError& e) {
      throw InputError(name + ": " + e.what());
    }
    if (const ConfigKey* spec = find_key(calibrated.key);
        spec && std::holds_alternative<std::int64_t& (*)(Parameters&)>(spec->access)) {
      throw InputError(name + ": an integer key; a calibration learns real-valued keys");
    }
    for (const double value : prior_extremes(calibrated.prior)) {
      Parameters trial = p;
      try {
        set_number(trial, calibrated.key, value);
      } catch (const InputError& e) {
        throw InputError(name + ": the prior " + calibrated.prior.to_toml() +
                         " reaches values outside the key's valid range: " + e.what());
      }
    }
  }
  for (const CalibrationTarget& target : c.targets) {
    const std::string name = "calibration.targets." + target.name;
    // A target's column in /calibration/generations/<g>/particles sits beside these.
    if (target.name == "particle" || target.name == "distance" || target.name == "weight" ||
        std::find(seen.begin(), seen.end(), target.name) != seen.end()) {
      throw InputError(name +
                       ": the name is taken by a column of the particles table; rename "
                       "the target");
    }
    // Target names are stored in fixed-length strings of 64 bytes (/calibration/targets).
    if (target.name.empty() || target.name.size() > 63) {
      throw InputError(name + ": a target's name has 1 to 63 characters");
    }
    if (!target.statistic.ends_with("_daily")) continue;
    const double last = static_cast<double>(p.protocol.horizon_days) + 0.5;
    if (target.day < 0.5 || target.day > last) {
      throw InputError(name + ": day " + format_short(target.day) +
                       " is beyond the observed days 0.5 .. " + format_short(last) +
                       " (protocol.horizon_days = " + std::to_string(p.protocol.horizon_days) +
                       ")");
    }
    if (target.day - 0.5 != std::floor(target.day - 0.5)) {
      throw InputError(name + ": the daily series are observed at t = k + 0.5; day " +
                       format_short(target.day) + " is not one of them");
    }
  }
}

}  // namespace

void validate(const Parameters& p) {
  validate_point(p);
  // Once, not per sweep point: correlations cannot be swept, so every point has the base's,
  // and the eigen-decomposition made checking a 150,000-point grid take over 10 s under ASan
  // (found by the command-line fuzzer, tests/fuzz/cli_regressions/timeout-70c34e17...).
  correlation_matrix(p);  // throws when not positive definite
  validate_sweep(p);
  if (!p.convergence.effects.empty() && p.sweep.baseline < 0 && p.sweep.baseline_values.empty()) {
    throw InputError(
        "convergence.effects: effects are taken from the sweep's baseline; name one "
        "(sweep.baseline = 0, or {\"swept.key\" = value} in a grid)");
  }
  validate_calibration(p);
}

void validate_point(const Parameters& p) {
  const Protocol& protocol = p.protocol;
  if (protocol.required_sessions() > protocol.max_sessions) {
    throw InputError("protocol.min_sessions: must not exceed protocol.max_sessions (" +
                     std::to_string(protocol.min_sessions) + " > " +
                     std::to_string(protocol.max_sessions) + ")");
  }
  if (protocol.max_sessions > 1 && protocol.assess_day >= protocol.session_gap_days()) {
    throw InputError(
        "protocol.assess_day: the examination must come before the next session: assess_day (" +
        format_short(protocol.assess_day) + ") must be < max(gap_days, min_gap_days) (" +
        format_short(protocol.session_gap_days()) + ")");
  }
  if (protocol.final_day < protocol.assess_day) {
    throw InputError(
        "protocol.final_day: the final look comes after the last examination: "
        "final_day (" +
        format_short(protocol.final_day) + ") must be >= assess_day (" +
        format_short(protocol.assess_day) + ")");
  }
  const auto side =
      static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(p.technician.regions))));
  if (side * side != p.technician.regions) {
    throw InputError("technician.regions: must be a square number (a side x side grid), got " +
                     std::to_string(p.technician.regions));
  }
  if (p.technician.regions > p.technician.dots_per_session) {
    throw InputError("technician.regions: must not exceed technician.dots_per_session (" +
                     std::to_string(p.technician.regions) + " > " +
                     std::to_string(p.technician.dots_per_session) + ")");
  }
  validate_convergence(p);
}
}  // namespace smpsim
