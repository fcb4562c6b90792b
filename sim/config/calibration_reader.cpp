#include <toml++/toml.h>

#include <algorithm>
#include <limits>

#include "checks.h"
#include "smpsim/config/suggest.h"
#include "smpsim/model/error.h"
#include "smpsim/model/format.h"
#include "smpsim/model/observation.h"
#include "smpsim/model/outcomes.h"
#include "toml_values.h"

// The [calibration] tables of a config: priors over keys and observed targets
// (docs/calibration.md).
namespace smpsim {

namespace {

// A prior's support is checked against its key's valid range in validation, once the key is known
// to be numeric.
constexpr Bounds kAnyValue = {-std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::infinity(), true, true};

}  // namespace

// `"dotted.key" = {dist = "uniform", low = a, high = b}`: a prior per calibrated key.
std::vector<CalibratedParameter> read_calibrated_parameters(const toml::node& node,
                                                            const std::string& where,
                                                            std::string_view key) {
  const toml::table* table = node.as_table();
  if (!table) {
    fail(where, key, "expected a table of \"dotted.key\" = {dist = \"uniform\", low, high}");
  }
  std::vector<CalibratedParameter> result;
  for (const auto& [name, value] : *table) {
    const std::string at = location(value);
    CalibratedParameter calibrated{std::string(name.str()), {}};
    const std::string what = std::string(key) + "." + calibrated.key;
    if (!value.is_table()) {
      fail(at, what,
           "expected a prior distribution such as {dist = \"uniform\", low = 0.1, high = 1.5}, "
           "got " +
               type_name(value));
    }
    if (!value.as_table()->get("dist")) {
      fail(at, what, "a prior needs dist (uniform, lognormal, normal, truncnormal, gamma, beta)");
    }
    calibrated.prior = read_distribution(value, Distribution(), kAnyValue, at, what);
    if (calibrated.prior.kind() == DistributionKind::kConstant) {
      fail(at, what, "a constant prior calibrates nothing; set the key itself instead");
    }
    result.push_back(std::move(calibrated));
  }
  return in_written_order(*table, result);
}

// name = {statistic = "...", outcome or series (and day), [q | equals | below | above], value, sd}
std::vector<CalibrationTarget> read_calibration_targets(const toml::node& node,
                                                        const std::string& where,
                                                        std::string_view key) {
  const toml::table* table = node.as_table();
  if (!table) {
    fail(where, key,
         "expected a table of name = {statistic = \"mean\", outcome = \"retained\", value = x, "
         "sd = s}");
  }
  static const std::vector<std::string> statistics = {"mean",  "median",     "quantile",
                                                      "share", "mean_daily", "median_daily"};
  static const std::vector<std::string> fields = {"statistic", "outcome", "series", "day",   "q",
                                                  "equals",    "below",   "above",  "value", "sd"};
  std::vector<std::string> series_names;
  for (std::string_view series : kDailyNames) series_names.emplace_back(series);
  std::vector<CalibrationTarget> result;
  for (const auto& [name, value] : *table) {
    const std::string at = location(value);
    CalibrationTarget target;
    target.name = std::string(name.str());
    const std::string what = std::string(key) + "." + target.name;
    const toml::table* entry = value.as_table();
    if (!entry) {
      fail(at, what,
           "expected {statistic = \"mean\", outcome = \"retained\", value = x, sd = s}, got " +
               type_name(value));
    }
    for (const auto& [field, field_node] : *entry) {
      const std::string text(field.str());
      if (std::find(fields.begin(), fields.end(), text) == fields.end()) {
        fail(location(field_node), what,
             "a target has no field " + in_quotes(text) + did_you_mean(text, fields));
      }
    }
    auto text_field = [&](const char* field) -> std::string {
      const toml::node* n = entry->get(field);
      if (!n) return {};
      if (!n->is_string()) {
        fail(location(*n), what + "." + field, "expected a string, got " + type_name(*n));
      }
      return n->as_string()->get();
    };
    auto number_field = [&](const char* field) -> std::optional<double> {
      const toml::node* n = entry->get(field);
      if (!n) return std::nullopt;
      return read_number(*n, location(*n), what + "." + field);
    };
    target.statistic = text_field("statistic");
    if (target.statistic.empty()) {
      fail(at, what, "a target needs statistic (" + join(statistics, ", ") + ")");
    }
    if (std::find(statistics.begin(), statistics.end(), target.statistic) == statistics.end()) {
      fail(at, what,
           "unknown statistic " + in_quotes(target.statistic) + "; one of " +
               join(statistics, ", ") + did_you_mean(target.statistic, statistics));
    }
    const bool daily = target.statistic.ends_with("_daily");
    target.outcome = text_field("outcome");
    target.series = text_field("series");
    if (daily) {
      if (target.series.empty() || !entry->get("day")) {
        fail(at, what, "a " + target.statistic + " target needs series and day");
      }
      if (!target.outcome.empty()) {
        fail(at, what, "a " + target.statistic + " target reads a daily series, not an outcome");
      }
      if (std::find(series_names.begin(), series_names.end(), target.series) ==
          series_names.end()) {
        fail(at, what,
             "unknown daily series " + in_quotes(target.series) +
                 did_you_mean(target.series, series_names));
      }
      target.day = *number_field("day");
    } else {
      if (target.outcome.empty()) fail(at, what, "a " + target.statistic + " target needs outcome");
      if (!target.series.empty() || entry->get("day")) {
        fail(at, what,
             "series and day belong to mean_daily and median_daily targets, not " +
                 target.statistic);
      }
      if (outcome_index(target.outcome) == kOutcomeCount) {
        fail(at, what,
             "unknown outcome " + in_quotes(target.outcome) +
                 did_you_mean(target.outcome, outcome_names()));
      }
    }
    if (const auto q = number_field("q")) {
      if (target.statistic != "quantile") fail(at, what, "q belongs to quantile targets");
      if (!(*q > 0 && *q < 1)) fail(at, what, "q must be in (0, 1), got " + format_short(*q));
      target.q = *q;
    } else if (target.statistic == "quantile") {
      fail(at, what, "a quantile target needs q, e.g. q = 0.9");
    }
    for (const char* compare : {"equals", "below", "above"}) {
      const auto threshold = number_field(compare);
      if (!threshold) continue;
      if (target.statistic != "share") {
        fail(at, what, std::string(compare) + " belongs to share targets");
      }
      if (!target.compare.empty()) {
        fail(at, what, "a share target takes one of equals, below and above");
      }
      target.compare = compare;
      target.threshold = *threshold;
    }
    if (target.statistic == "share" && target.compare.empty()) {
      fail(at, what, "a share target needs one of equals, below and above, e.g. equals = 3");
    }
    const auto observed = number_field("value");
    const auto sd = number_field("sd");
    if (!observed || !sd)
      fail(at, what, "a target needs value (observed) and sd (its uncertainty)");
    if (!(*sd > 0)) fail(at, what, "sd must be > 0, got " + format_short(*sd));
    target.value = *observed;
    target.sd = *sd;
    result.push_back(std::move(target));
  }
  return in_written_order(*table, result);
}

}  // namespace smpsim
