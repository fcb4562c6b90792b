#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "smpsim/distributions.h"
#include "smpsim/patient.h"

namespace toml {
inline namespace v3 {
class node;
class table;
}  // namespace v3
}  // namespace toml

namespace smpsim {

// ---- The typed parameters (MODEL.md §2-4). Their defaults, units, ranges and sources live in
// ---- one table, config_keys() in sim/config.cpp; default_parameters() fills this from it.

struct RunSettings {
  std::int64_t patients = 0;
  std::int64_t seed = 0;
  std::int64_t threads = 0;  // 0: all cores
  std::string output;        // empty: out/<config name>.h5
  bool daily = true;         // write the daily series
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

  // Days between sessions: gap_days, never under min_gap_days (MODEL.md §5).
  double session_gap_days() const { return gap_days > min_gap_days ? gap_days : min_gap_days; }
  // A touch-up treatment needs one session at least (MODEL.md §3).
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
  double hair_obscure_mm = 0;
};

// At most this many points in a sweep.
inline constexpr std::int64_t kMaxSweepPoints = 1'000'000;

// A sweep over parameter points (INTERFACE.md, [sweep]). `method = "none"` runs one point.
struct SweptParameter {
  std::string key;            // a numeric config key or a distribution's field
  std::vector<double> values; // grid
  double low = 0;             // lhs, sobol, morris
  double high = 0;
  friend bool operator==(const SweptParameter&, const SweptParameter&) = default;
};

struct SweepSpec {
  std::string method;           // none | grid | lhs | sobol | morris
  std::int64_t samples = 0;     // lhs: points; sobol: base samples N; morris: trajectories
  std::int64_t levels = 0;      // morris: grid levels
  std::int64_t baseline = -1;   // the point paired differences are taken against; -1: none
  std::int64_t bootstrap = 0;   // resamples for the intervals of sensitivity indices
  std::vector<SweptParameter> parameters;
};

// The number of points a sweep has (1 for method "none"), counted from its spec before any
// point is made; a double, so that a typo asking for 10^20 points is counted, not overflowed.
double sweep_points(const SweepSpec& sweep);

// Add patients to each point in batches until the outcomes' 95 % intervals are narrow enough.
struct ConvergenceSpec {
  std::vector<std::string> outcomes;  // empty: a fixed cohort of run.patients
  double rel_half_width = 0;          // target half-width relative to |mean| (0: unused)
  double abs_half_width = 0;          // or absolute (0: unused)
  std::int64_t batch = 0;
  std::int64_t max_patients = 0;
  bool enabled() const { return !outcomes.empty(); }
};

struct Parameters {
  RunSettings run;
  PatientModel patient;
  Protocol protocol;
  TechnicianParameters technician;
  Aftercare aftercare;
  Kinetics kinetics;
  Optics optics;
  SweepSpec sweep;
  ConvergenceSpec convergence;
};

// ---- The key table --------------------------------------------------------------------------

// A closed or open numeric interval: a key's valid values, or the support a distribution-valued
// key's distribution must stay within.
struct Bounds {
  double low;
  double high;
  bool low_open = false;
  bool high_open = false;
  bool contains(double x) const;
  std::string describe() const;  // "in [0, 1]", "> 0", ">= 0"
};

using ConfigValue =
    std::variant<double, std::int64_t, bool, std::string, Distribution, std::vector<Correlation>,
                 std::vector<std::string>, std::vector<SweptParameter>>;
using ConfigAccessor =
    std::variant<double& (*)(Parameters&), std::int64_t& (*)(Parameters&), bool& (*)(Parameters&),
                 std::string& (*)(Parameters&), Distribution& (*)(Parameters&),
                 std::vector<Correlation>& (*)(Parameters&),
                 std::vector<std::string>& (*)(Parameters&),
                 std::vector<SweptParameter>& (*)(Parameters&)>;

// One config key: its dotted name (`kinetics.k_enc`), default, unit, valid range and meaning
// with the source of the default. A text key may list the values it accepts.
struct ConfigKey {
  std::string key;
  ConfigValue default_value;
  std::string unit;
  Bounds bounds;
  std::string meaning;
  ConfigAccessor access;
  std::vector<std::string> choices = {};
};

const std::vector<ConfigKey>& config_keys();
const ConfigKey* find_key(std::string_view key);
Parameters default_parameters();

// ---- Reading configs ------------------------------------------------------------------------

// Builds Parameters from the defaults, a TOML file (optional) and `--set KEY=VALUE` overrides,
// in that order. Every problem is an InputError naming the file, line and column or the option.
class ConfigLoader {
 public:
  ConfigLoader();

  void apply_file(const std::string& path);
  void apply_text(std::string_view toml_text, const std::string& source_name);
  void apply_override(std::string_view assignment);  // "kinetics.k_enc=0.5"
  // Checks relations between keys (min_sessions <= max_sessions, a positive definite
  // correlation matrix, ...) and returns the parameters.
  Parameters finish() const;

  // The config's name for default output paths: the file's stem, or "default".
  const std::string& name() const { return name_; }

 private:
  void apply_table(const toml::table& table, std::string_view prefix);
  void assign(std::string_view key, const toml::node& value, const std::string& where);
  std::string where_of(std::string_view key) const;

  Parameters parameters_;
  std::string name_ = "default";
  std::map<std::string, std::string, std::less<>> origin_;  // key -> "file:line:column"
};

// Reads a config the way `smpsim run CONFIG --set ...` does.
Parameters load_parameters(const std::optional<std::string>& path,
                           const std::vector<std::string>& overrides);

// Cross-key checks of finish(): the sweep and convergence specs, then validate_point.
void validate(const Parameters& parameters);
// The checks a sweep point can fail by the values the sweep gives it (rules between keys,
// convergence targets); run on every point, while the sweep spec is checked once.
void validate_point(const Parameters& parameters);

// Numeric view of the parameters for sweeps and --set: any numeric key or a distribution's
// field (`patient.itch.mean`). Throws InputError naming the key when it is not numeric.
double get_number(const Parameters& parameters, std::string_view key);
void set_number(Parameters& parameters, std::string_view key, double value);

// The fully resolved config as TOML: every key, exact numbers; reads back to equal parameters.
// With `explain`, each key is followed by a comment giving its unit, valid range and meaning.
std::string to_toml(const Parameters& parameters, bool explain = false);

// `text` as a TOML basic string, "..." with escapes: reads back as the same text.
std::string toml_quoted(std::string_view text);

// The closest of `candidates` to `word` (edit distance), for "did you mean" hints.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace smpsim
