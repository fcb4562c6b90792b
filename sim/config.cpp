#include "smpsim/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "smpsim/error.h"
#include "smpsim/outcomes.h"

namespace smpsim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

constexpr Bounds between(double low, double high) { return {low, high, false, false}; }
constexpr Bounds above(double low, double high = kInf) { return {low, high, true, false}; }
constexpr Bounds at_least(double low) { return {low, kInf, false, true}; }
constexpr Bounds kProbability = between(0, 1);
constexpr Bounds kUnbounded = {-kInf, kInf, true, true};

// Accessors into Parameters, one per key, as plain function pointers.
#define SMPSIM_FIELD(section, name) \
  #section "." #name, [](Parameters & p) -> auto& { return p.section.name; }

template <std::size_t I>
Distribution& attribute(Parameters& p) {
  return p.patient.attributes[I];
}
std::vector<Correlation>& correlations(Parameters& p) { return p.patient.correlations; }
std::vector<SweptParameter>& swept_parameters(Parameters& p) { return p.sweep.parameters; }
std::vector<std::string>& convergence_outcomes(Parameters& p) { return p.convergence.outcomes; }

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
  return {std::move(name), std::move(value), "", kUnbounded, std::move(meaning), access,
          std::move(choices)};
}
ConfigKey key(std::string name, Distribution& (*access)(Parameters&), Distribution value,
              std::string unit, Bounds support, std::string meaning) {
  return {std::move(name), value, std::move(unit), support, std::move(meaning), access};
}

template <std::size_t I>
ConfigKey attribute_key(Distribution value, std::string unit, Bounds support,
                        std::string meaning) {
  return key("patient." + std::string(kAttributeNames[I]), &attribute<I>, value, std::move(unit),
             support, std::move(meaning));
}

std::vector<ConfigKey> make_keys() {
  using D = Distribution;
  constexpr std::int64_t kMaxPatients = 0xFFFFFFFFll;  // patient ids index a 32-bit counter word
  return {
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

      // [patient] (MODEL.md §2)
      attribute_key<0>(D::log_normal(70, 0.2), "um", above(0),
                       "epidermal thickness E; scalp epidermis 65.9 ± 14.4 um (histology), "
                       "60-100 um"),
      attribute_key<1>(D::trunc_normal(250, 50, 120, 450), "um", above(0),
                       "papillary dermis thickness P; ~1/5 of a 1.2-1.5 mm dermis (inference)"),
      attribute_key<2>(D::log_normal(1, 0.35), "multiplier", at_least(0),
                       "macrophage clearance multiplier"),
      attribute_key<3>(D::log_normal(1, 0.3), "multiplier", at_least(0),
                       "encapsulation and collagen-cap multiplier"),
      attribute_key<4>(D::log_normal(1, 0.25), "multiplier", above(0),
                       "speed of closure, inflammation, scab drying and shedding"),
      attribute_key<5>(D::gamma(3, 2.5), "episodes", at_least(0),
                       "expected scratch episodes in the weeks after a session, before aftercare"),
      attribute_key<6>(D::beta(6, 2), "share", kProbability, "share of aftercare followed"),
      attribute_key<7>(D::trunc_normal(0.36, 0.05, 0.2, 0.5), "mm/day", at_least(0),
                       "hair growth; 1 cm / 28 days, 0.28-0.41 mm/day by ancestry"),
      attribute_key<8>(D::uniform(0.6, 1.0), "", at_least(0), "pigment/skin contrast"),
      attribute_key<9>(D::uniform(20, 70), "years", at_least(0), "age"),
      {"patient.correlation",
       std::vector<Correlation>{{"age", "healing", -0.4}, {"immune", "fibroblast", 0.3}}, "",
       between(-1, 1), "Gaussian-copula correlations [[attribute, attribute, rho], ...]",
       &correlations},

      // [protocol] (MODEL.md §3, §5)
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

      // [technician] (MODEL.md §3, §4)
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
      key(SMPSIM_FIELD(technician, pigment_per_dot), D::log_normal(1, 0.25), "deposit",
          at_least(0), "pigment one dot receives"),
      key(SMPSIM_FIELD(technician, density_target), 1.1, "density", above(0, 1e6),
          "region density the technician aims for; calibrated (T7)"),
      key(SMPSIM_FIELD(technician, coverage_target), 0.9, "share", kProbability,
          "share of regions at density_target that ends the treatment"),
      key(SMPSIM_FIELD(technician, adaptive), true,
          "after the first session, send dots to the thin regions"),
      key(SMPSIM_FIELD(technician, fill), 1.5, "", between(1, 1e6),
          "adaptive weights max(fill x density_target - density, 0)"),

      // [aftercare] (MODEL.md §3)
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

      // [kinetics] (MODEL.md §4)
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

      // [optics] (MODEL.md §4)
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
          "a dot is visible when its shade >= this x exp(-mu x target_depth_um); calibrated (T7)"),
      key(SMPSIM_FIELD(optics, hair_obscure_mm), 1.5, "mm", above(0, 1e6),
          "hair of this length hides a dot's shade by a factor e"),

      // [sweep] (INTERFACE.md): the points of a study
      key(SMPSIM_FIELD(sweep, method), std::string("none"),
          "none (one point) | grid | lhs | sobol | morris",
          {"none", "grid", "lhs", "sobol", "morris"}),
      key(SMPSIM_FIELD(sweep, samples), std::int64_t{0}, "", between(0, 1e7),
          "lhs: points; sobol: base samples N, N (d + 2) points; morris: trajectories r, "
          "r (d + 1) points"),
      key(SMPSIM_FIELD(sweep, levels), std::int64_t{4}, "levels", between(2, 1000),
          "morris: grid levels per parameter"),
      key(SMPSIM_FIELD(sweep, baseline), std::int64_t{-1}, "point", between(-1, 1e9),
          "the point others are compared with, patient by patient; -1: none"),
      key(SMPSIM_FIELD(sweep, bootstrap), std::int64_t{1000}, "resamples", between(10, 1e6),
          "bootstrap resamples for the intervals of Sobol and Morris indices"),
      {"sweep.parameters", std::vector<SweptParameter>{}, "", kUnbounded,
       "swept keys: \"dotted.key\" = [values] (grid) or {low = a, high = b} (lhs, sobol, morris)",
       &swept_parameters},

      // [convergence]: add patients until the intervals are narrow enough
      {"convergence.outcomes", std::vector<std::string>{}, "", kUnbounded,
       "outcomes whose 95 % interval must reach the target; empty: a fixed cohort",
       &convergence_outcomes},
      key(SMPSIM_FIELD(convergence, rel_half_width), 0.0, "share", between(0, 1e6),
          "target 95 % half-width relative to |mean| (0: unused)"),
      key(SMPSIM_FIELD(convergence, abs_half_width), 0.0, "", between(0, 1e300),
          "target 95 % half-width in the outcome's unit (0: unused)"),
      key(SMPSIM_FIELD(convergence, batch), std::int64_t{500}, "patients",
          between(1, kMaxPatients), "patients added to a point at a time"),
      key(SMPSIM_FIELD(convergence, max_patients), std::int64_t{100000}, "patients",
          between(1, kMaxPatients), "a point stops here even if its targets are not met"),
  };
}

#undef SMPSIM_FIELD

// toml++'s description of a syntax error, with the likely cause where its words hide it.
std::string syntax_error_text(std::string_view description) {
  if (description.find("unescaped control characters") != std::string_view::npos) {
    return "a string is not closed before the end of its line (a missing closing quote?)";
  }
  if (description.find("redefine") != std::string_view::npos) {
    return "a key or table is defined twice";  // toml++ 3.3 garbles the key's name here
  }
  return std::string(description);
}

// The offending line of a config, quoted under an error message.
std::string source_line(std::string_view text, std::size_t line) {
  std::size_t start = 0;
  for (std::size_t n = 1; n < line && start != std::string_view::npos; ++n) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start >= text.size()) return {};
  std::string_view content = text.substr(start, text.find('\n', start) - start);
  if (content.size() > 120) content = content.substr(0, 120);
  for (char c : content) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return {};  // binary: do not echo
  }
  return "\n  | " + std::string(content);
}

// Edit distance (Levenshtein), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) text += separator;
    text += items[i];
  }
  return text;
}

std::string in_quotes(std::string_view text) {
  std::string result(1, '\'');
  result.append(text);
  result.push_back('\'');
  return result;
}

std::string location(const toml::node& node) {
  const toml::source_region& source = node.source();
  std::ostringstream out;
  out << (source.path ? *source.path : std::string("<config>")) << ":" << source.begin.line << ":"
      << source.begin.column;
  return out.str();
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date or time";
    default: return "nothing";
  }
}

[[noreturn]] void fail(const std::string& where, std::string_view key, const std::string& what) {
  throw InputError(where + ": " + std::string(key) + ": " + what);
}

double read_number(const toml::node& node, const std::string& where, std::string_view key) {
  double value;
  if (auto i = node.as_integer()) {
    value = static_cast<double>(i->get());
  } else if (auto f = node.as_floating_point()) {
    value = f->get();
  } else {
    fail(where, key, "expected a number, got " + type_name(node));
  }
  if (!std::isfinite(value)) fail(where, key, "must be a finite number, got " + format_short(value));
  return value;
}

// Bounds of an integer key as integers: a bound at or beyond what an int64 holds is its limit.
std::int64_t integer_bound(double x) {
  constexpr double kBeyond = 9223372036854775808.0;  // 2^63
  if (x >= kBeyond) return std::numeric_limits<std::int64_t>::max();
  if (x <= -kBeyond) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(x);
}

bool integer_in_bounds(const Bounds& bounds, std::int64_t value) {
  return value >= integer_bound(bounds.low) && value <= integer_bound(bounds.high);
}

std::string describe_integer_bounds(const Bounds& bounds) {
  return "in [" + std::to_string(integer_bound(bounds.low)) + ", " +
         std::to_string(integer_bound(bounds.high)) + "]";
}

void check_bounds(const Bounds& bounds, double value, const std::string& where,
                  std::string_view key) {
  if (!bounds.contains(value)) {
    fail(where, key, "must be " + bounds.describe() + ", got " + format_short(value));
  }
}

void check_distribution(const Distribution& d, const Bounds& support, const std::string& where,
                        std::string_view key) {
  if (std::string reason = d.invalid_reason(); !reason.empty()) {
    fail(where, key, kind_name(d.kind()).data() + std::string(" distribution: ") + reason);
  }
  // The distribution's support must lie within the key's valid values.
  const bool open_low = d.kind() == DistributionKind::kLogNormal ||
                        d.kind() == DistributionKind::kGamma ||
                        d.kind() == DistributionKind::kBeta;
  const bool open_high = d.kind() == DistributionKind::kBeta;
  const bool low_ok = d.lower() > support.low ||
                      (d.lower() == support.low && (!support.low_open || open_low));
  const bool high_ok = d.upper() < support.high || std::isinf(support.high) ||
                       (d.upper() == support.high && (!support.high_open || open_high));
  if (!low_ok || !high_ok) {
    fail(where, key,
         "a " + std::string(kind_name(d.kind())) + " distribution takes values in [" +
             format_short(d.lower()) + ", " + format_short(d.upper()) +
             "], but the values must be " + support.describe() +
             (std::isinf(support.high) ? " (use truncnormal, lognormal or gamma)"
                                       : " (use truncnormal, uniform or beta)"));
  }
}

// A distribution table: `{dist = "gamma", mean = 3, sd = 2.5}` replaces the distribution;
// a table without `dist` (`{mean = 4}`) changes fields of the current one.
Distribution read_distribution(const toml::node& node, const Distribution& current,
                               const Bounds& support, const std::string& where,
                               std::string_view key) {
  const toml::table* table = node.as_table();
  if (!table) {
    fail(where, key,
         "expected a distribution table such as {dist = \"lognormal\", median = 1, sigma = 0.3}, "
         "got " + type_name(node));
  }
  const toml::node* dist = table->get("dist");
  std::optional<DistributionKind> kind = current.kind();
  std::string kind_text(kind_name(current.kind()));
  if (dist) {
    if (!dist->is_string()) {
      fail(location(*dist), key, "dist must be one of constant, normal, truncnormal, "
                                 "lognormal, uniform, gamma, beta");
    }
    kind_text = dist->as_string()->get();
    kind = parse_kind(kind_text);
  }
  if (!kind) {
    std::vector<std::string> names(kind_names().begin(), kind_names().end());
    std::string hint;
    if (auto near = closest_match(kind_text, names)) hint = "; did you mean " + in_quotes(*near) + "?";
    fail(location(*dist), key, "unknown distribution " + in_quotes(kind_text) + hint);
  }
  Distribution d = dist ? Distribution(*kind, {}) : current;
  std::vector<bool> seen(d.field_names().size(), !dist);
  for (const auto& [field_key, field_node] : *table) {
    const std::string field(field_key.str());
    if (field == "dist") continue;
    const auto index = d.field_index(field);
    if (!index) {
      std::vector<std::string> names(d.field_names().begin(), d.field_names().end());
      std::string hint;
      if (auto near = closest_match(field, names)) hint = "; did you mean " + in_quotes(*near) + "?";
      fail(location(field_node), key,
           "a " + kind_text + " distribution has no field " + in_quotes(field) + hint);
    }
    d.set_field(*index, read_number(field_node, location(field_node), std::string(key) + "." + field));
    seen[*index] = true;
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) {
      fail(where, key, "a " + kind_text + " distribution needs " + in_quotes(d.field_names()[i]));
    }
  }
  check_distribution(d, support, where, key);
  return d;
}

std::vector<Correlation> read_correlations(const toml::node& node, const std::string& where,
                                           std::string_view key) {
  const toml::array* entries = node.as_array();
  if (!entries) fail(where, key, "expected an array of [attribute, attribute, rho], got " +
                                     type_name(node));
  const std::vector<std::string> names(kAttributeNames.begin(), kAttributeNames.end());
  std::vector<Correlation> result;
  for (const toml::node& entry : *entries) {
    const std::string at = location(entry);
    const toml::array* triple = entry.as_array();
    if (!triple || triple->size() != 3 || !(*triple)[0].is_string() ||
        !(*triple)[1].is_string()) {
      fail(at, key, "each entry must be [\"attribute\", \"attribute\", rho]");
    }
    Correlation c{(*triple)[0].as_string()->get(), (*triple)[1].as_string()->get(),
                  read_number((*triple)[2], at, key)};
    for (const std::string& name : {c.first, c.second}) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string hint;
        if (auto near = closest_match(name, names)) hint = "; did you mean " + in_quotes(*near) + "?";
        fail(at, key, "unknown patient attribute " + in_quotes(name) + hint);
      }
    }
    if (c.first == c.second) fail(at, key, "an attribute cannot be correlated with itself");
    if (c.rho < -1 || c.rho > 1) fail(at, key, "rho must be in [-1, 1], got " + format_short(c.rho));
    for (const Correlation& other : result) {
      if ((other.first == c.first && other.second == c.second) ||
          (other.first == c.second && other.second == c.first)) {
        fail(at, key, "the pair (" + c.first + ", " + c.second + ") is given twice");
      }
    }
    result.push_back(std::move(c));
  }
  return result;
}

std::vector<std::string> read_string_list(const toml::node& node, const std::string& where,
                                          std::string_view key) {
  const toml::array* items = node.as_array();
  if (!items) fail(where, key, "expected an array of strings, got " + type_name(node));
  std::vector<std::string> result;
  for (const toml::node& item : *items) {
    if (!item.is_string()) fail(location(item), key, "expected a string, got " + type_name(item));
    result.push_back(item.as_string()->get());
  }
  return result;
}

// `"dotted.key" = [values]` (grid) or `"dotted.key" = {low = a, high = b}` (ranges).
std::vector<SweptParameter> read_swept_parameters(const toml::node& node, const std::string& where,
                                                  std::string_view key) {
  const toml::table* table = node.as_table();
  if (!table) fail(where, key, "expected a table of \"dotted.key\" = [values] or {low, high}");
  std::vector<SweptParameter> result;
  for (const auto& [name, value] : *table) {
    const std::string at = location(value);
    SweptParameter swept{std::string(name.str()), {}, 0, 0};
    const std::string what = std::string(key) + "." + swept.key;
    if (const ConfigKey* target = find_key(swept.key);
        target && !std::holds_alternative<double& (*)(Parameters&)>(target->access) &&
        !std::holds_alternative<std::int64_t& (*)(Parameters&)>(target->access)) {
      const bool distribution = std::holds_alternative<Distribution& (*)(Parameters&)>(target->access);
      fail(at, what, std::string("not a numeric key") +
                         (distribution ? " (a distribution: sweep one of its fields, e.g. " +
                                             swept.key + ".mean or ." + "median)"
                                       : ""));
    }
    if (const toml::array* values = value.as_array()) {
      if (values->empty()) fail(at, what, "an empty list of values");
      for (const toml::node& v : *values) swept.values.push_back(read_number(v, at, what));
    } else if (const toml::table* range = value.as_table()) {
      for (const auto& [field, bound] : *range) {
        if (field.str() != "low" && field.str() != "high") {
          // `kinetics.k_enc = [...]` unquoted is a TOML sub-table {k_enc = [...]}.
          fail(location(bound), what,
               "a range has only low and high, not " + in_quotes(field.str()) +
                   "; to sweep a dotted key write it whole, in quotes: \"" + swept.key + "." +
                   std::string(field.str()) + "\" = ...");
        }
      }
      if (!range->get("low") || !range->get("high")) fail(at, what, "a range needs low and high");
      swept.low = read_number(*range->get("low"), at, what);
      swept.high = read_number(*range->get("high"), at, what);
      if (!(swept.low < swept.high)) {
        fail(at, what, "an empty range: low (" + format_short(swept.low) + ") must be < high (" +
                           format_short(swept.high) + ")");
      }
    } else {
      fail(at, what, "expected [values] or {low = a, high = b}, got " + type_name(value));
    }
    result.push_back(std::move(swept));
  }
  // toml++ keeps a table's keys sorted; restore the order they were written in, which is the
  // order of the summary's columns and of the grid's nesting.
  std::vector<std::pair<toml::source_position, std::size_t>> written;
  std::size_t index = 0;
  for (const auto& entry : *table) written.push_back({entry.first.source().begin, index++});
  std::stable_sort(written.begin(), written.end(), [](const auto& a, const auto& b) {
    return a.first.line != b.first.line ? a.first.line < b.first.line
                                        : a.first.column < b.first.column;
  });
  std::vector<SweptParameter> ordered;
  for (const auto& [position, i] : written) ordered.push_back(result[i]);
  return ordered;
}

// A distribution-valued key and the field a dotted key names in it (`patient.itch.mean`).
struct DistributionField {
  const ConfigKey* key;
  std::size_t field;
};

std::optional<DistributionField> find_distribution_field(const Parameters& parameters,
                                                         std::string_view dotted) {
  const auto dot = dotted.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const ConfigKey* owner = find_key(dotted.substr(0, dot));
  if (!owner || !std::holds_alternative<Distribution& (*)(Parameters&)>(owner->access)) {
    return std::nullopt;
  }
  const Distribution& d =
      std::get<Distribution& (*)(Parameters&)>(owner->access)(const_cast<Parameters&>(parameters));
  const auto index = d.field_index(dotted.substr(dot + 1));
  if (!index) return std::nullopt;
  return DistributionField{owner, *index};
}

// Every key a user may write: the table's keys and the fields of the current distributions.
std::vector<std::string> writable_keys(const Parameters& parameters) {
  std::vector<std::string> names;
  for (const ConfigKey& k : config_keys()) {
    const std::string section = k.key.substr(0, k.key.find('.'));
    if (std::find(names.begin(), names.end(), section) == names.end()) names.push_back(section);
    names.push_back(k.key);
    if (auto access = std::get_if<Distribution& (*)(Parameters&)>(&k.access)) {
      for (std::string_view field : (*access)(const_cast<Parameters&>(parameters)).field_names()) {
        names.push_back(k.key + "." + std::string(field));
      }
    }
  }
  return names;
}

std::string unknown_key_message(std::string_view key, const Parameters& parameters) {
  std::string message = "unknown key " + in_quotes(key);
  if (auto near = closest_match(key, writable_keys(parameters))) {
    message += "; did you mean " + in_quotes(*near) + "?";
  }
  return message;
}
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
  return "in " + std::string(low_open ? "(" : "[") + format_short(low) + ", " +
         format_short(high) + (high_open ? ")" : "]");
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

std::string toml_quoted(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\n': quoted += "\\n"; break;
      case '\t': quoted += "\\t"; break;
      case '\r': quoted += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned char>(c));
          quoted += escape;
        } else {
          quoted += c;
        }
    }
  }
  return quoted + "\"";
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& candidate : candidates) {
    // Compare with the candidate's last component too, so `k_enk` finds `kinetics.k_enc`.
    const auto dot = candidate.rfind('.');
    std::size_t d = edit_distance(word, candidate);
    if (dot != std::string::npos && word.find('.') == std::string_view::npos) {
      d = std::min(d, edit_distance(word, std::string_view(candidate).substr(dot + 1)));
    }
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // Suggest only what is plausibly a typo.
  if (best && best_distance <= std::max<std::size_t>(2, word.size() / 3)) return best;
  return std::nullopt;
}

// ---- Loading --------------------------------------------------------------------------------

ConfigLoader::ConfigLoader() : parameters_(default_parameters()) {}

void ConfigLoader::apply_file(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw InputError(path + ": cannot read config: " +
                     (std::filesystem::exists(path, error) ? "not a regular file"
                                                           : "no such file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read config: permission denied");
  std::ostringstream text;
  text << in.rdbuf();
  name_ = std::filesystem::path(path).stem().string();
  apply_text(text.str(), path);
}

void ConfigLoader::apply_text(std::string_view toml_text, const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw InputError(source_name + ":" + std::to_string(begin.line) + ":" +
                     std::to_string(begin.column) + ": TOML syntax error: " +
                     syntax_error_text(e.description()) + source_line(toml_text, begin.line));
  }
  apply_table(table, "");
}

void ConfigLoader::apply_table(const toml::table& table, std::string_view prefix) {
  for (const auto& [name, node] : table) {
    const std::string full = std::string(prefix) + std::string(name.str());
    if (find_key(full) || find_distribution_field(parameters_, full)) {
      assign(full, node, location(node));
      continue;
    }
    // A section ([kinetics]) or a dotted path leading to keys: descend.
    const std::string section = full + ".";
    const bool leads_to_keys = std::any_of(config_keys().begin(), config_keys().end(),
                                           [&](const ConfigKey& k) { return k.key.starts_with(section); });
    if (leads_to_keys && node.is_table()) {
      apply_table(*node.as_table(), section);
      continue;
    }
    if (leads_to_keys) {
      throw InputError(location(node) + ": " + full + ": expected a table of keys (a [" + full +
                       "] section), got " + type_name(node));
    }
    throw InputError(location(node) + ": " + unknown_key_message(full, parameters_));
  }
}

void ConfigLoader::assign(std::string_view key, const toml::node& value,
                          const std::string& where) {
  origin_[std::string(key)] = where;
  if (auto field = find_distribution_field(parameters_, key)) {
    Distribution& d = std::get<Distribution& (*)(Parameters&)>(field->key->access)(parameters_);
    d.set_field(field->field, read_number(value, where, key));
    check_distribution(d, field->key->bounds, where, key);
    return;
  }
  const ConfigKey* spec = find_key(key);
  if (!spec) throw InputError(where + ": " + unknown_key_message(key, parameters_));
  std::visit(
      [&](auto access) {
        auto& target = access(parameters_);
        using T = std::remove_reference_t<decltype(target)>;
        if constexpr (std::is_same_v<T, double>) {
          target = read_number(value, where, key);
          check_bounds(spec->bounds, target, where, key);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          const auto integer = value.as_integer();
          if (!integer) fail(where, key, "expected an integer, got " + type_name(value));
          target = integer->get();
          if (!integer_in_bounds(spec->bounds, target)) {
            fail(where, key, "must be " + describe_integer_bounds(spec->bounds) + ", got " +
                                 std::to_string(target));
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          const auto boolean = value.as_boolean();
          if (!boolean) fail(where, key, "expected true or false, got " + type_name(value));
          target = boolean->get();
        } else if constexpr (std::is_same_v<T, std::string>) {
          const auto text = value.as_string();
          if (!text) fail(where, key, "expected a string, got " + type_name(value));
          const std::string& chosen = text->get();
          const auto& choices = spec->choices;
          if (!choices.empty() && std::find(choices.begin(), choices.end(), chosen) == choices.end()) {
            std::string hint;
            if (auto near = closest_match(chosen, choices)) hint = "; did you mean " + in_quotes(*near) + "?";
            fail(where, key, in_quotes(chosen) + " is not one of " + join(choices, ", ") + hint);
          }
          target = chosen;
        } else if constexpr (std::is_same_v<T, Distribution>) {
          target = read_distribution(value, target, spec->bounds, where, key);
        } else if constexpr (std::is_same_v<T, std::vector<Correlation>>) {
          target = read_correlations(value, where, key);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          target = read_string_list(value, where, key);
        } else {
          target = read_swept_parameters(value, where, key);
          for (const auto& [name, entry] : *value.as_table()) {
            origin_[std::string(key) + "." + std::string(name.str())] = location(entry);
          }
        }
      },
      spec->access);
}

void ConfigLoader::apply_override(std::string_view assignment) {
  const std::string where = "--set " + std::string(assignment);
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw InputError(where + ": expected KEY=VALUE, e.g. kinetics.k_enc=0.5");
  }
  std::string key(assignment.substr(0, equals));
  key.erase(key.find_last_not_of(" \t") + 1);
  const std::string_view value_text = assignment.substr(equals + 1);
  if (!find_key(key) && !find_distribution_field(parameters_, key)) {
    throw InputError(where + ": " + unknown_key_message(key, parameters_));
  }
  toml::table parsed;
  try {
    parsed = toml::parse("value = " + std::string(value_text), where);
  } catch (const toml::parse_error& e) {
    // A bare word is most likely a string meant without quotes.
    throw InputError(where + ": " + key + ": cannot read the value " + in_quotes(value_text) +
                     " as TOML (" + std::string(e.description()) +
                     "); strings need quotes, e.g. run.output=\"a.h5\"");
  }
  assign(key, *parsed.get("value"), where);
}

std::string ConfigLoader::where_of(std::string_view key) const {
  const auto it = origin_.find(key);
  return it == origin_.end() ? std::string("defaults") : it->second;
}

Parameters ConfigLoader::finish() const {
  try {
    validate(parameters_);
  } catch (const InputError& e) {
    // validate() names keys; add where the first of them was set.
    // validate() starts its messages with the key; cite where that key was set.
    const std::string message = e.what();
    const std::string first = message.substr(0, message.find(':'));
    for (std::string key = first; !key.empty(); key = key.substr(0, std::min(key.size(), key.rfind('.')))) {
      if (origin_.count(key)) throw InputError(where_of(key) + ": " + message);
      if (key.find('.') == std::string::npos) break;
    }
    throw;
  }
  return parameters_;
}

Parameters load_parameters(const std::optional<std::string>& path,
                           const std::vector<std::string>& overrides) {
  ConfigLoader loader;
  if (path) loader.apply_file(*path);
  for (const std::string& assignment : overrides) loader.apply_override(assignment);
  return loader.finish();
}

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
      throw InputError("sweep.parameters: parameters are given but sweep.method is \"none\"; set "
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
    const char* what = sweep.method == "lhs" ? "points" : sweep.method == "sobol" ? "base samples"
                                                                                  : "trajectories";
    throw InputError("sweep.samples: " + std::string(sweep.method == "lhs" ? "an " : "a ") +
                     sweep.method + " sweep needs samples >= " + std::to_string(least) + " (" +
                     what + "), got " + std::to_string(sweep.samples));
  }
  if (grid && sweep.samples != 0) {
    throw InputError("sweep.samples: has no effect on a grid sweep (its points are the product "
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

void validate_convergence(const Parameters& p) {
  const ConvergenceSpec& c = p.convergence;
  std::vector<std::string> names;
  for (const OutcomeInfo& outcome : kOutcomes) names.emplace_back(outcome.name);
  for (const std::string& outcome : c.outcomes) {
    if (std::find(names.begin(), names.end(), outcome) == names.end()) {
      std::string hint;
      if (auto near = closest_match(outcome, names)) hint = "; did you mean " + in_quotes(*near) + "?";
      throw InputError("convergence.outcomes: unknown outcome " + in_quotes(outcome) + hint);
    }
  }
  if (!c.enabled()) {
    static const ConvergenceSpec defaults = default_parameters().convergence;
    if (c.rel_half_width != 0 || c.abs_half_width != 0 || c.batch != defaults.batch ||
        c.max_patients != defaults.max_patients) {
      throw InputError("convergence.outcomes: convergence settings are given but no outcomes to "
                       "converge; list them, e.g. outcomes = [\"final_coverage\"]");
    }
    return;
  }
  if ((c.rel_half_width > 0) == (c.abs_half_width > 0)) {
    throw InputError("convergence.rel_half_width: give exactly one target, rel_half_width or "
                     "abs_half_width, > 0");
  }
  if (c.batch > c.max_patients) {
    throw InputError("convergence.batch: must not exceed convergence.max_patients (" +
                     std::to_string(c.batch) + " > " + std::to_string(c.max_patients) + ")");
  }
}

}  // namespace

void validate(const Parameters& p) {
  validate_point(p);
  validate_sweep(p);
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
    throw InputError("protocol.final_day: the final look comes after the last examination: "
                     "final_day (" + format_short(protocol.final_day) + ") must be >= assess_day (" +
                     format_short(protocol.assess_day) + ")");
  }
  const auto side = static_cast<std::int64_t>(std::llround(std::sqrt(
      static_cast<double>(p.technician.regions))));
  if (side * side != p.technician.regions) {
    throw InputError("technician.regions: must be a square number (a side x side grid), got " +
                     std::to_string(p.technician.regions));
  }
  if (p.technician.regions > p.technician.dots_per_session) {
    throw InputError("technician.regions: must not exceed technician.dots_per_session (" +
                     std::to_string(p.technician.regions) + " > " +
                     std::to_string(p.technician.dots_per_session) + ")");
  }
  correlation_matrix(p);  // throws when not positive definite
  validate_convergence(p);
}

double get_number(const Parameters& parameters, std::string_view key) {
  if (auto field = find_distribution_field(parameters, key)) {
    return std::get<Distribution& (*)(Parameters&)>(field->key->access)(
               const_cast<Parameters&>(parameters))
        .field(field->field);
  }
  const ConfigKey* spec = find_key(key);
  if (!spec) throw InputError(unknown_key_message(key, parameters));
  auto& p = const_cast<Parameters&>(parameters);
  if (auto access = std::get_if<double& (*)(Parameters&)>(&spec->access)) return (*access)(p);
  if (auto access = std::get_if<std::int64_t& (*)(Parameters&)>(&spec->access)) {
    return static_cast<double>((*access)(p));
  }
  throw InputError(std::string(key) + ": not a numeric key (a sweep or range needs a number or a "
                                      "distribution's field such as patient.itch.mean)");
}

void set_number(Parameters& parameters, std::string_view key, double value) {
  const std::string where(key);
  if (auto field = find_distribution_field(parameters, key)) {
    Distribution& d = std::get<Distribution& (*)(Parameters&)>(field->key->access)(parameters);
    d.set_field(field->field, value);
    check_distribution(d, field->key->bounds, "value " + format_short(value), key);
    return;
  }
  const ConfigKey* spec = find_key(key);
  if (!spec) throw InputError(unknown_key_message(key, parameters));
  if (auto access = std::get_if<double& (*)(Parameters&)>(&spec->access)) {
    check_bounds(spec->bounds, value, "value " + format_short(value), key);
    (*access)(parameters) = value;
    return;
  }
  if (auto access = std::get_if<std::int64_t& (*)(Parameters&)>(&spec->access)) {
    if (value != std::floor(value)) {
      fail("value " + format_short(value), key, "expected an integer");
    }
    // Only a double below 2^63 in magnitude converts to an int64.
    if (!(std::abs(value) < 9223372036854775808.0) ||
        !integer_in_bounds(spec->bounds, static_cast<std::int64_t>(value))) {
      fail("value " + format_short(value), key,
           "must be " + describe_integer_bounds(spec->bounds) + ", got " + format_short(value));
    }
    (*access)(parameters) = static_cast<std::int64_t>(value);
    return;
  }
  throw InputError(std::string(key) + ": not a numeric key (a sweep or range needs a number or a "
                                      "distribution's field such as patient.itch.mean)");
}

std::string to_toml(const Parameters& parameters, bool explain) {
  auto& p = const_cast<Parameters&>(parameters);
  std::ostringstream out;
  std::string section;
  for (const ConfigKey& k : config_keys()) {
    const auto dot = k.key.find('.');
    const std::string this_section = k.key.substr(0, dot);
    if (this_section != section) {
      out << (section.empty() ? "" : "\n") << "[" << this_section << "]\n";
      section = this_section;
    }
    out << k.key.substr(dot + 1) << " = ";
    std::visit(
        [&](auto access) {
          const auto& value = access(p);
          using T = std::remove_cvref_t<decltype(value)>;
          if constexpr (std::is_same_v<T, double>) {
            out << format_number(value);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            out << value;
          } else if constexpr (std::is_same_v<T, bool>) {
            out << (value ? "true" : "false");
          } else if constexpr (std::is_same_v<T, std::string>) {
            out << toml_quoted(value);
          } else if constexpr (std::is_same_v<T, Distribution>) {
            out << value.to_toml();
          } else if constexpr (std::is_same_v<T, std::vector<Correlation>>) {
            out << "[";
            for (std::size_t i = 0; i < value.size(); ++i) {
              out << (i ? ", " : "") << "[\"" << value[i].first << "\", \"" << value[i].second
                  << "\", " << format_number(value[i].rho) << "]";
            }
            out << "]";
          } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            out << "[";
            for (std::size_t i = 0; i < value.size(); ++i) {
              out << (i ? ", " : "") << toml_quoted(value[i]);
            }
            out << "]";
          } else {
            out << "{";
            for (std::size_t i = 0; i < value.size(); ++i) {
              out << (i ? ", " : " ") << "\"" << value[i].key << "\" = ";
              if (!value[i].values.empty()) {
                out << "[";
                for (std::size_t j = 0; j < value[i].values.size(); ++j) {
                  out << (j ? ", " : "") << format_number(value[i].values[j]);
                }
                out << "]";
              } else {
                out << "{ low = " << format_number(value[i].low)
                    << ", high = " << format_number(value[i].high) << " }";
              }
            }
            out << (value.empty() ? "}" : " }");
          }
        },
        k.access);
    if (explain) {
      out << "  # ";
      if (!k.unit.empty()) out << "[" << k.unit << "] ";
      if (std::holds_alternative<std::int64_t>(k.default_value)) {
        out << describe_integer_bounds(k.bounds) << "; ";
      } else if (std::isfinite(k.bounds.low) || std::isfinite(k.bounds.high)) {
        out << k.bounds.describe() << "; ";
      }
      out << k.meaning;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace smpsim
