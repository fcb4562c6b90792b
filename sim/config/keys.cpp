#include "smpsim/config/keys.h"

#include <cmath>
#include <limits>

#include "smpsim/model/format.h"
#include "smpsim/model/outcomes.h"

namespace smpsim {

// The key table: one entry per key, with its default, unit, valid range and the source of
// the default (docs/model.md §2-4, §6).
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

constexpr Bounds between(double low, double high) {
  return {low, high, false, false};
}
constexpr Bounds above(double low, double high = kInf) {
  return {low, high, true, false};
}
constexpr Bounds at_least(double low) {
  return {low, kInf, false, true};
}
constexpr Bounds kProbability = between(0, 1);
constexpr Bounds kUnbounded = {-kInf, kInf, true, true};

// Accessors into Parameters, one per key, as plain function pointers.
#define SMPSIM_FIELD(section, name)                 \
#section "." #name, [](Parameters & p) -> auto& { \
    return p.section.name;                          \
  }

template <std::size_t I>
Distribution& attribute(Parameters& p) {
  return p.patient.attributes[I];
}
std::vector<Correlation>& correlations(Parameters& p) {
  return p.patient.correlations;
}
std::vector<SweptParameter>& swept_parameters(Parameters& p) {
  return p.sweep.parameters;
}
std::vector<CalibratedParameter>& calibrated_parameters(Parameters& p) {
  return p.calibration.parameters;
}
std::vector<CalibrationTarget>& calibration_targets(Parameters& p) {
  return p.calibration.targets;
}
std::vector<std::string>& convergence_outcomes(Parameters& p) {
  return p.convergence.outcomes;
}
std::vector<std::string>& convergence_effects(Parameters& p) {
  return p.convergence.effects;
}

ConfigKey key(std::string name, double& (*access)(Parameters&), double value, std::string unit,
              Bounds bounds, std::string meaning) {
  return {std::move(name), value, std::move(unit), bounds, std::move(meaning), access};
}
ConfigKey key(std::string name, std::int64_t& (*access)(Parameters&), std::int64_t value,
              std::string unit, Bounds bounds, std::string meaning) {
  return {std::move(name), value, std::move(unit), bounds, std::move(meaning), access};
}
ConfigKey key(std::string name, bool& (*access)(Parameters&), bool value, std::string meaning) {
  return {std::move(name), value, "", kUnbounded, std::move(meaning), access};
}
ConfigKey key(std::string name, std::string& (*access)(Parameters&), std::string value,
              std::string meaning, std::vector<std::string> choices = {}) {
  return {std::move(name), std::move(value),  "", kUnbounded, std::move(meaning),
          access,          std::move(choices)};
}
ConfigKey key(std::string name, Distribution& (*access)(Parameters&), Distribution value,
              std::string unit, Bounds support, std::string meaning) {
  return {std::move(name), value, std::move(unit), support, std::move(meaning), access};
}

template <std::size_t I>
ConfigKey attribute_key(Distribution value, std::string unit, Bounds support, std::string meaning) {
  return key("patient." + std::string(kAttributeNames[I]), &attribute<I>, value, std::move(unit),
             support, std::move(meaning));
}

std::vector<ConfigKey> make_keys() {
  using D = Distribution;
  constexpr std::int64_t kMaxPatients = 0xFFFFFFFFll;  // patient ids index a 32-bit counter word
  return {
      // [model] (docs/model.md)
      key(SMPSIM_FIELD(model, version), std::int64_t{2}, "", between(1, 2),
          "model version; 1 restores every version-1 behaviour (fixed plan, threshold at "
          "target_depth_um, version-1 examination and satisfaction) bit for bit"),

      // [run]
      key(SMPSIM_FIELD(run, patients), std::int64_t{1000}, "patients", between(1, kMaxPatients),
          "virtual patients per sweep point"),
      key(SMPSIM_FIELD(run, seed), std::int64_t{20261130}, "", between(0, 9223372036854775807.0),
          "64-bit key of every random stream (Philox4x32)"),
      key(SMPSIM_FIELD(run, threads), std::int64_t{0}, "threads", between(0, 4096),
          "OpenMP threads; 0 uses every core"),
      key(SMPSIM_FIELD(run, output), std::string{},
          "output file; empty writes out/<config name>.h5"),
      key(SMPSIM_FIELD(run, daily), true,
          "compute and write the daily series (false: large sweeps that need only outcomes)"),

      // [patient] (docs/model.md §2)
      attribute_key<0>(D::log_normal(70, 0.2), "um", above(0),
                       "epidermal thickness E; plausible 50-100 um: scalp epidermis 65.9 ± 14.4 "
                       "um (histology), 60-100 um (default 5-95 %: 50-97 um)"),
      attribute_key<1>(D::trunc_normal(250, 50, 120, 450), "um", above(0),
                       "papillary dermis thickness P; plausible 150-350 um: ~1/5 of a 1.2-1.5 mm "
                       "dermis (inference; default 5-95 %: 170-332 um)"),
      attribute_key<2>(D::log_normal(1, 0.35), "multiplier", at_least(0),
                       "macrophage clearance multiplier (1: the typical patient); plausible "
                       "0.5-2, half to twice the typical clearance (unsourced; default 5-95 %: "
                       "0.56-1.78)"),
      attribute_key<3>(D::log_normal(1, 0.3), "multiplier", at_least(0),
                       "encapsulation and collagen-cap multiplier (1: the typical patient); "
                       "plausible 0.5-2 (unsourced; default 5-95 %: 0.61-1.64)"),
      attribute_key<4>(D::log_normal(1, 0.25), "multiplier", above(0),
                       "speed of closure, inflammation, scab drying and shedding (1: the "
                       "typical patient; 2 heals in half the time); plausible 0.6-1.6 "
                       "(unsourced; default 5-95 %: 0.66-1.51, slower with age)"),
      attribute_key<5>(D::gamma(3, 2.5), "episodes", at_least(0),
                       "expected scratch episodes in the weeks after a session, before "
                       "aftercare; plausible 0-10 (unsourced; default 5-95 %: 0.33-7.9)"),
      attribute_key<6>(D::beta(6, 2), "share", kProbability,
                       "share of aftercare followed (cream, cover); plausible 0-1, most patients "
                       "above one half (unsourced; default 5-95 %: 0.48-0.95)"),
      attribute_key<7>(D::trunc_normal(0.36, 0.05, 0.2, 0.5), "mm/day", at_least(0),
                       "hair growth; plausible 0.28-0.41 mm/day by ancestry, 1 cm / 28 days "
                       "(literature)"),
      attribute_key<8>(D::uniform(0.6, 1.0), "", at_least(0),
                       "pigment/skin contrast, a factor on every dot's shade (1: full "
                       "contrast); plausible 0.6-1 (unsourced)"),
      attribute_key<9>(D::uniform(20, 70), "years", at_least(0),
                       "age; plausible 20-70 years, adults treated for hair loss (unsourced); "
                       "slows healing through patient.correlation"),
      {"patient.correlation",
       std::vector<Correlation>{{"age", "healing", -0.4}, {"immune", "fibroblast", 0.3}}, "",
       between(-1, 1), "Gaussian-copula correlations [[attribute, attribute, rho], ...]",
       &correlations},

      // [protocol] (docs/model.md §3, §5)
      key(SMPSIM_FIELD(protocol, min_sessions), std::int64_t{2}, "sessions", between(1, 64),
          "sessions a treatment has at least (1 for a touch-up)"),
      key(SMPSIM_FIELD(protocol, max_sessions), std::int64_t{4}, "sessions", between(1, 64),
          "sessions a treatment has at most"),
      key(SMPSIM_FIELD(protocol, min_gap_days), 7.0, "days", between(0, 3650),
          "shortest gap between sessions"),
      key(SMPSIM_FIELD(protocol, gap_days), 10.0, "days", between(0, 3650),
          "planned gap between sessions"),
      key(SMPSIM_FIELD(protocol, assess_day), 7.0, "days", above(0, 3650),
          "days after a session when the patient shaves and the technician examines"),
      key(SMPSIM_FIELD(protocol, final_day), 30.0, "days", between(0, 3650),
          "days after the last session when final outcomes are taken"),
      key(SMPSIM_FIELD(protocol, horizon_days), std::int64_t{120}, "days", between(0, 3650),
          "daily observations at t = k + 0.5 for k = 0..horizon_days"),
      key(SMPSIM_FIELD(protocol, touch_up), false,
          "a faded earlier treatment: prior density per region, min_sessions becomes 1"),
      key(SMPSIM_FIELD(protocol, prior_density), D::trunc_normal(0.6, 0.15, 0, 1.2), "density",
          at_least(0), "touch-up: visible density per region left by the earlier treatment"),
      key(SMPSIM_FIELD(protocol, patchiness_max), 0.15, "CV", at_least(0),
          "largest patchiness a satisfied patient accepts"),
      key(SMPSIM_FIELD(protocol, blowout_max), 0.1, "share", kProbability,
          "largest blowout_fraction a satisfied patient accepts: blurred dots are a visible "
          "defect (version 2; unsourced)"),

      // [technician] (docs/model.md §3, §4)
      key(SMPSIM_FIELD(technician, dots_per_session), std::int64_t{1000}, "dots",
          between(1, 1000000), "simulated dots per session, standing for the ~10^4 real ones"),
      key(SMPSIM_FIELD(technician, regions), std::int64_t{16}, "regions", between(1, 4096),
          "scalp regions, a square grid (4 x 4 of ~20 cm^2 each); a square number"),
      key(SMPSIM_FIELD(technician, session_hours), 4.0, "hours", above(0, 24),
          "length of a session; punctures are spread uniformly over it"),
      key(SMPSIM_FIELD(technician, target_depth_um), 200.0, "um", between(10, 10000),
          "aimed needle depth below the surface"),
      key(SMPSIM_FIELD(technician, depth_sd_um), 60.0, "um", between(0, 10000),
          "spread of the needle depth (normal, truncated at 10 um)"),
      key(SMPSIM_FIELD(technician, pigment_per_dot), D::log_normal(1, 0.25), "deposit", at_least(0),
          "pigment one dot receives"),
      key(SMPSIM_FIELD(technician, density_target), 1.1, "density", above(0, 1e6),
          "region density the technician aims for; calibrated (T7)"),
      key(SMPSIM_FIELD(technician, coverage_target), 0.9, "share", kProbability,
          "share of regions at density_target that ends the treatment"),
      key(SMPSIM_FIELD(technician, adaptive), true,
          "after the first session, send dots to the thin regions"),
      key(SMPSIM_FIELD(technician, fill), 1.5, "", between(1, 1e6),
          "adaptive weights max(fill x density_target - density, 0)"),
      key(SMPSIM_FIELD(technician, plan), std::string("adaptive"),
          "adaptive: plan each next session's depth and pigment from the examination; fixed: "
          "version 1's unchanged depth and pigment (docs/model.md §3.1)",
          {"adaptive", "fixed"}),
      key(SMPSIM_FIELD(technician, lost_below), 0.25, "share", kProbability,
          "a dot is lost when less than this share of its pigment is still in the skin "
          "(unsourced)"),
      key(SMPSIM_FIELD(technician, blowout_tolerance), 0.05, "share", kProbability,
          "blowout share of a session above which the next goes one depth step shallower "
          "(unsourced)"),
      key(SMPSIM_FIELD(technician, lost_tolerance), 0.15, "share", kProbability,
          "lost share of a session above which the next goes one depth step deeper (unsourced)"),
      key(SMPSIM_FIELD(technician, faint_tolerance), 0.5, "share", kProbability,
          "faint share of a session above which the next gets pigment_step more pigment; "
          "calibrated (T7, T11)"),
      key(SMPSIM_FIELD(technician, depth_step_um), 25.0, "um", between(0, 10000),
          "one change of the needle's depth between sessions (unsourced)"),
      key(SMPSIM_FIELD(technician, max_depth_shift_um), 75.0, "um", between(0, 10000),
          "largest depth shift from target_depth_um either way (unsourced)"),
      key(SMPSIM_FIELD(technician, pigment_step), 1.3, "factor", between(1, 100),
          "factor on the pigment load after a faint session (unsourced)"),
      key(SMPSIM_FIELD(technician, max_pigment_factor), 2.0, "factor", between(1, 100),
          "largest pigment factor (unsourced)"),
      key(SMPSIM_FIELD(technician, fade_allowance), 0.84, "factor", above(0, 1),
          "the examination counts a dot when its shade x this reaches the threshold: the look "
          "fades for 2-3 more weeks (version 2); calibrated (T7, T13)"),

      // [aftercare] (docs/model.md §3)
      key(SMPSIM_FIELD(aftercare, cream_relief), 0.4, "share", kProbability,
          "itch multiplier is 1 - cream_relief x adherence"),
      key(SMPSIM_FIELD(aftercare, cover_hours_per_day), 12.0, "hours/day", between(0, 24),
          "hours a day the scalp is covered"),
      key(SMPSIM_FIELD(aftercare, cover_protection), 0.5, "share", kProbability,
          "share of scratch detachments a full-time cover prevents"),
      key(SMPSIM_FIELD(aftercare, cover_max_hours), 20.0, "hours/day", between(0, 24),
          "covered longer than this, scabs stay moist and shed late"),
      key(SMPSIM_FIELD(aftercare, moist_delay), 1.3, "factor", between(1, 100),
          "how much later a moist scab sheds"),

      // [kinetics] (docs/model.md §4)
      key(SMPSIM_FIELD(kinetics, scab_probability), 0.95, "probability", kProbability,
          "a clotted puncture forms a scab"),
      key(SMPSIM_FIELD(kinetics, inflammation_days), 2.5, "days", above(0, 3650),
          "mean time to resolve inflammation (Gamma shape 3) at healing 1"),
      key(SMPSIM_FIELD(kinetics, scab_form_days), 1.5, "days", above(0, 3650),
          "median time for a scab to form (lognormal sigma 0.3) at healing 1"),
      key(SMPSIM_FIELD(kinetics, closure_days), 2.5, "days", above(0, 3650),
          "median time for the epidermis to close (lognormal sigma 0.35) at healing 1"),
      key(SMPSIM_FIELD(kinetics, scab_shed_days), 6.0, "days", above(0, 3650),
          "median time for a scab to shed (lognormal sigma 0.3) at healing 1"),
      key(SMPSIM_FIELD(kinetics, k_enc), 0.55, "1/day", between(0, 1e6),
          "encapsulation rate of a dermal packet; calibrated (T4)"),
      key(SMPSIM_FIELD(kinetics, k_clear), 0.12, "1/day", between(0, 1e6),
          "macrophage clearance rate of a dermal packet; calibrated (T4)"),
      key(SMPSIM_FIELD(kinetics, k_release), 0.01, "1/day", between(0, 1e6),
          "release rate of an encapsulated packet"),
      key(SMPSIM_FIELD(kinetics, recapture), 0.98, "probability", kProbability,
          "a released packet is encapsulated again"),
      key(SMPSIM_FIELD(kinetics, epidermal_turnover_days), 21.0, "days", above(0, 1e6),
          "mean time for epidermal turnover to shed an epidermal packet"),
      key(SMPSIM_FIELD(kinetics, scab_carry), 0.9, "probability", kProbability,
          "an epidermal packet leaves with the dot's scab"),
      key(SMPSIM_FIELD(kinetics, p_detach), 0.5, "probability", kProbability,
          "a scratch tears off a scab in the struck region, uncovered; calibrated"),
      key(SMPSIM_FIELD(kinetics, loss_open), 0.9, "probability", kProbability,
          "a packet leaves with a scab torn off at once after puncture; calibrated"),
      key(SMPSIM_FIELD(kinetics, settle_days), 7.0, "days", above(0, 1e6),
          "time scale on which pigment settles into the new skin"),
      key(SMPSIM_FIELD(kinetics, packets_per_dot), std::int64_t{8}, "packets", between(1, 64),
          "pigment packets per dot"),
      key(SMPSIM_FIELD(kinetics, track_share), 0.15, "share", kProbability,
          "share of packets left along the needle track in the epidermis; calibrated"),

      // [optics] (docs/model.md §4)
      key(SMPSIM_FIELD(optics, mu_per_um), 0.0035, "1/um", between(0, 1),
          "optical attenuation; 1-5 mm^-1 in skin"),
      key(SMPSIM_FIELD(optics, hyperplasia_um), 40.0, "um", between(0, 1e5),
          "peak epidermal thickening, at day 3; calibrated (T3)"),
      key(SMPSIM_FIELD(optics, cap_um), 70.0, "um", between(0, 1e5),
          "collagen cap over a dot at fibroblast 1; calibrated (T3, T6)"),
      key(SMPSIM_FIELD(optics, cap_days), 5.0, "days", above(0, 1e5),
          "time scale of the collagen cap; calibrated (T3, T6)"),
      key(SMPSIM_FIELD(optics, cap_sigma), 0.5, "", between(0, 10),
          "lognormal spread of the cap from dot to dot; calibrated"),
      key(SMPSIM_FIELD(optics, blowout_sharpness), 0.5, "factor", kProbability,
          "shade factor of a blown-out (deep) dot"),
      key(SMPSIM_FIELD(optics, visible_threshold), 0.35, "", between(0, 1e6),
          "a dot is visible when its shade >= this x exp(-mu x reference_depth_um) "
          "(version 1: x exp(-mu x target_depth_um)); calibrated (T7)"),
      key(SMPSIM_FIELD(optics, reference_depth_um), 285.0, "um", between(0, 10000),
          "fixed perceptual reference depth of the visibility threshold; does not move with "
          "the needle (version 2); calibrated (T7, T11)"),
      key(SMPSIM_FIELD(optics, hair_obscure_mm), 1.5, "mm", above(0, 1e6),
          "hair of this length hides a dot's shade by a factor e"),

      // [sweep] (docs/interface.md): the points of a study
      key(SMPSIM_FIELD(sweep, method), std::string("none"),
          "none (one point) | grid | lhs | sobol | morris",
          {"none", "grid", "lhs", "sobol", "morris"}),
      key(SMPSIM_FIELD(sweep, samples), std::int64_t{0}, "", between(0, 1e7),
          "lhs: points; sobol: base samples N, N (d + 2) points; morris: trajectories r, "
          "r (d + 1) points"),
      key(SMPSIM_FIELD(sweep, levels), std::int64_t{4}, "levels", between(2, 1000),
          "morris: grid levels per parameter"),
      key(SMPSIM_FIELD(sweep, baseline), std::int64_t{-1}, "point", between(-1, 1e9),
          "the point others are compared with, patient by patient; -1: none; or, in a grid, "
          "{\"swept.key\" = value, ...}: in each combination of the other swept keys, the "
          "point with these values"),
      key(SMPSIM_FIELD(sweep, bootstrap), std::int64_t{1000}, "resamples", between(10, 1e6),
          "bootstrap resamples for the intervals of Sobol and Morris indices"),
      {"sweep.parameters", std::vector<SweptParameter>{}, "", kUnbounded,
       "swept keys: \"dotted.key\" = [values] (grid) or {low = a, high = b} (lhs, sobol, morris)",
       &swept_parameters},

      // [convergence]: add patients until the intervals are narrow enough
      {"convergence.outcomes", std::vector<std::string>{}, "", kUnbounded,
       "outcomes whose 95 % interval must reach the target; empty: a fixed cohort",
       &convergence_outcomes},
      {"convergence.effects", std::vector<std::string>{}, "", kUnbounded,
       "outcomes whose paired effect from the sweep's baseline must reach abs_half_width (95 %), "
       "the baseline growing with each point",
       &convergence_effects},
      key(SMPSIM_FIELD(convergence, rel_half_width), 0.0, "share", between(0, 1e6),
          "target 95 % half-width relative to |mean| (0: unused)"),
      key(SMPSIM_FIELD(convergence, abs_half_width), 0.0, "", between(0, 1e300),
          "target 95 % half-width in the outcome's unit (0: unused)"),
      key(SMPSIM_FIELD(convergence, batch), std::int64_t{500}, "patients", between(1, kMaxPatients),
          "patients added to a point at a time"),
      key(SMPSIM_FIELD(convergence, max_patients), std::int64_t{100000}, "patients",
          between(1, kMaxPatients), "a point stops here even if its targets are not met"),

      // [calibration] (docs/calibration.md): which parameters agree with observed statistics
      key(SMPSIM_FIELD(calibration, method), std::string("none"),
          "none | abc-smc (approximate Bayesian computation, sequential Monte Carlo)",
          {"none", "abc-smc"}),
      key(SMPSIM_FIELD(calibration, particles), std::int64_t{200}, "particles", between(2, 1e6),
          "accepted particles per generation"),
      key(SMPSIM_FIELD(calibration, patients), std::int64_t{200}, "patients",
          between(1, kMaxPatients),
          "virtual patients per evaluation, the same patients for every particle"),
      key(SMPSIM_FIELD(calibration, max_generations), std::int64_t{10}, "generations",
          between(1, 1000), "generations at most (generation 0 samples the prior)"),
      key(SMPSIM_FIELD(calibration, quantile), 0.5, "share", above(0, 1),
          "the next generation's epsilon: this quantile of the accepted distances"),
      key(SMPSIM_FIELD(calibration, min_acceptance), 0.02, "share", between(0, 1),
          "stop once a generation accepts fewer than this share of its proposals"),
      key(SMPSIM_FIELD(calibration, posterior_check), std::int64_t{5}, "draws", between(0, 1000),
          "posterior draws whose cohorts the predictive check simulates (0: none)"),
      {"calibration.parameters", std::vector<CalibratedParameter>{}, "", kUnbounded,
       "calibrated keys and their priors: \"dotted.key\" = {dist = \"uniform\", low = a, "
       "high = b}",
       &calibrated_parameters},
      {"calibration.targets", std::vector<CalibrationTarget>{}, "", kUnbounded,
       "observed statistics: name = {statistic = \"mean\", outcome = \"retained\", value = x, "
       "sd = s} (docs/calibration.md)",
       &calibration_targets},
  };
}

#undef SMPSIM_FIELD

}  // namespace

// ---- Bounds ---------------------------------------------------------------------------------

bool Bounds::contains(double x) const {
  if (std::isnan(x)) return false;
  const bool low_ok = low_open ? x > low : x >= low;
  const bool high_ok = high_open ? x < high : x <= high;
  return low_ok && high_ok;
}

std::string Bounds::describe() const {
  if (std::isinf(high)) {
    return (low_open ? "> " : ">= ") + format_short(low);
  }
  return "in " + std::string(low_open ? "(" : "[") + format_short(low) + ", " + format_short(high) +
         (high_open ? ")" : "]");
}

// ---- The key table --------------------------------------------------------------------------

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = make_keys();
  return keys;
}

const ConfigKey* find_key(std::string_view name) {
  for (const ConfigKey& k : config_keys()) {
    if (k.key == name) return &k;
  }
  return nullptr;
}

Parameters default_parameters() {
  Parameters p;
  for (const ConfigKey& k : config_keys()) {
    std::visit(
        [&](auto access) {
          auto& field = access(p);
          field = std::get<std::remove_reference_t<decltype(field)>>(k.default_value);
        },
        k.access);
  }
  return p;
}
}  // namespace smpsim
