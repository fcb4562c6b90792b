#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "smpsim/model/distributions.h"
#include "smpsim/model/patient.h"

namespace smpsim {

// ---- The typed parameters (docs/model.md §2-4), every default in one place: their defaults,
// ---- units, ranges and sources live in the key table, config_keys() in sim/config/keys.cpp,
// ---- and default_parameters() fills these structs from it. Plain data: the model reads them,
// ---- the config layer fills them.

struct RunSettings {
  std::int64_t patients = 0;
  std::int64_t seed = 0;
  std::int64_t threads = 0;  // 0: all cores
  std::string output;        // empty: out/<config name>.h5
  bool daily = true;         // write the daily series
};

// Which version of the model (docs/model.md): 1 restores every version-1 behaviour at once (fixed
// plan, target-relative threshold, version-1 examination and satisfaction), bit for bit.
struct ModelSettings {
  std::int64_t version = 0;
};

struct Correlation {
  std::string first;
  std::string second;
  double rho = 0;
  friend bool operator==(const Correlation&, const Correlation&) = default;
};

struct PatientModel {
  std::array<Distribution, kAttributeCount> attributes;
  std::vector<Correlation> correlations;
  const Distribution& operator[](Attribute a) const {
    return attributes[static_cast<std::size_t>(a)];
  }
};

struct Protocol {
  std::int64_t min_sessions = 0;
  std::int64_t max_sessions = 0;
  double min_gap_days = 0;
  double gap_days = 0;
  double assess_day = 0;
  double final_day = 0;
  std::int64_t horizon_days = 0;
  bool touch_up = false;
  Distribution prior_density;
  double patchiness_max = 0;
  double blowout_max = 0;  // version 2: satisfied needs blowout_fraction <= this (§5)

  // Days between sessions: gap_days, never under min_gap_days (docs/model.md §5).
  double session_gap_days() const { return gap_days > min_gap_days ? gap_days : min_gap_days; }
  // A touch-up treatment needs one session at least (docs/model.md §3).
  std::int64_t required_sessions() const { return touch_up ? 1 : min_sessions; }
};

struct TechnicianParameters {
  std::int64_t dots_per_session = 0;
  std::int64_t regions = 0;
  double session_hours = 0;
  double target_depth_um = 0;
  double depth_sd_um = 0;
  Distribution pigment_per_dot;
  double density_target = 0;
  double coverage_target = 0;
  bool adaptive = false;
  double fill = 0;
  // The technician's plan of the next move (docs/model.md §3.1): "adaptive" | "fixed".
  std::string plan;
  double lost_below = 0;
  double blowout_tolerance = 0;
  double lost_tolerance = 0;
  double faint_tolerance = 0;
  double depth_step_um = 0;
  double max_depth_shift_um = 0;
  double pigment_step = 0;
  double max_pigment_factor = 0;
  double fade_allowance = 0;  // version 2: the examination discounts the fading to come (§5)

  // Dots per region when a session spreads them evenly: the unit of region density.
  double dots_per_region() const {
    return static_cast<double>(dots_per_session) / static_cast<double>(regions);
  }
};

struct Aftercare {
  double cream_relief = 0;
  double cover_hours_per_day = 0;
  double cover_protection = 0;
  double cover_max_hours = 0;
  double moist_delay = 0;
};

struct Kinetics {
  double scab_probability = 0;
  double inflammation_days = 0;
  double scab_form_days = 0;
  double closure_days = 0;
  double scab_shed_days = 0;
  double k_enc = 0;
  double k_clear = 0;
  double k_release = 0;
  double recapture = 0;
  double epidermal_turnover_days = 0;
  double scab_carry = 0;
  double p_detach = 0;
  double loss_open = 0;
  double settle_days = 0;
  std::int64_t packets_per_dot = 0;
  double track_share = 0;
};

struct Optics {
  double mu_per_um = 0;
  double hyperplasia_um = 0;
  double cap_um = 0;
  double cap_days = 0;
  double cap_sigma = 0;
  double blowout_sharpness = 0;
  double visible_threshold = 0;
  double reference_depth_um = 0;  // version 2: the threshold's fixed perceptual depth (§4)
  double hair_obscure_mm = 0;
};

// A sweep over parameter points (docs/interface.md, [sweep]). `method = "none"` runs one point.
struct SweptParameter {
  std::string key;             // a numeric config key or a distribution's field
  std::vector<double> values;  // grid
  double low = 0;              // lhs, sobol, morris
  double high = 0;
  friend bool operator==(const SweptParameter&, const SweptParameter&) = default;
};

struct SweepSpec {
  std::string method;          // none | grid | lhs | sobol | morris
  std::int64_t samples = 0;    // lhs: points; sobol: base samples N; morris: trajectories
  std::int64_t levels = 0;     // morris: grid levels
  std::int64_t baseline = -1;  // the point paired differences are taken against; -1: none
  // Or (grid sweeps) the baseline named by values of swept keys: within each combination of
  // the other swept keys, the point with these values.
  std::vector<std::pair<std::string, double>> baseline_values;
  std::int64_t bootstrap = 0;  // resamples for the intervals of sensitivity indices
  std::vector<SweptParameter> parameters;
};

// The number of points a sweep has (1 for method "none"), counted from its spec before any
// Add patients to each point in batches until the outcomes' 95 % intervals are narrow enough.
struct ConvergenceSpec {
  std::vector<std::string> outcomes;  // empty: a fixed cohort of run.patients
  // Outcomes whose paired effect from the baseline must reach abs_half_width.
  std::vector<std::string> effects;
  double rel_half_width = 0;  // target half-width relative to |mean| (0: unused)
  double abs_half_width = 0;  // or absolute (0: unused)
  std::int64_t batch = 0;
  std::int64_t max_patients = 0;
  bool enabled() const { return !outcomes.empty() || !effects.empty(); }
};

// A calibration (docs/calibration.md): ABC-SMC over dotted keys, against observed statistics.
struct CalibratedParameter {
  std::string key;  // a numeric config key or a distribution's field
  Distribution prior;
  friend bool operator==(const CalibratedParameter&, const CalibratedParameter&) = default;
};

// One observed summary statistic of a cohort and its uncertainty.
struct CalibrationTarget {
  std::string name;
  std::string statistic;  // mean | median | quantile | share | mean_daily | median_daily
  std::string outcome;    // mean, median, quantile, share: a final outcome
  std::string series;     // mean_daily, median_daily: a daily series
  double day = 0;         // the daily series' observation time (k + 0.5)
  double q = 0;           // quantile: its probability
  std::string compare;    // share: equals | below | above
  double threshold = 0;   // share: the value compared with
  double value = 0;       // observed
  double sd = 0;          // its uncertainty
  friend bool operator==(const CalibrationTarget&, const CalibrationTarget&) = default;
};

struct CalibrationSpec {
  std::string method;  // none | abc-smc
  std::int64_t particles = 0;
  std::int64_t patients = 0;
  std::int64_t max_generations = 0;
  double quantile = 0;
  double min_acceptance = 0;
  std::int64_t posterior_check = 0;  // posterior draws of the predictive check
  std::vector<CalibratedParameter> parameters;
  std::vector<CalibrationTarget> targets;
  bool enabled() const { return method != "none"; }
};

struct Parameters {
  ModelSettings model;
  RunSettings run;
  PatientModel patient;
  Protocol protocol;
  TechnicianParameters technician;
  Aftercare aftercare;
  Kinetics kinetics;
  Optics optics;
  SweepSpec sweep;
  ConvergenceSpec convergence;
  CalibrationSpec calibration;

  // Version 2's behaviours, each off under model.version = 1 (docs/model.md §3.1, §4, §5).
  bool version_one() const { return model.version == 1; }
  bool plans_moves() const { return !version_one() && technician.plan == "adaptive"; }
  // The depth at which the visibility threshold is set: the needle's target in version 1.
  double threshold_depth_um() const {
    return version_one() ? technician.target_depth_um : optics.reference_depth_um;
  }
};

}  // namespace smpsim
