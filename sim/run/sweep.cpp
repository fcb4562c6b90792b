#include "smpsim/run/sweep.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "smpsim/config/access.h"
#include "smpsim/config/suggest.h"
#include "smpsim/model/error.h"
#include "smpsim/model/format.h"

namespace smpsim {

namespace {

bool is_integer_key(const std::string& key) {
  const ConfigKey* spec = find_key(key);
  return spec && std::holds_alternative<std::int64_t& (*)(Parameters&)>(spec->access);
}

// The value a unit-cube coordinate stands for in a swept range; an integer key's is rounded.
double scaled(const SweptParameter& swept, bool integer, double unit) {
  const double value = swept.low + unit * (swept.high - swept.low);
  return integer ? std::round(value) : value;
}

std::vector<std::vector<double>> grid_points(const std::vector<SweptParameter>& swept) {
  // The last parameter varies fastest.
  std::vector<std::vector<double>> points = {{}};
  for (const SweptParameter& parameter : swept) {
    std::vector<std::vector<double>> extended;
    for (const auto& point : points) {
      for (double value : parameter.values) {
        extended.push_back(point);
        extended.back().push_back(value);
      }
    }
    points = std::move(extended);
  }
  return points;
}

}  // namespace

RandomStream design_stream(const Parameters& parameters, DesignStream which, std::uint32_t index) {
  return RandomStream(static_cast<std::uint64_t>(parameters.run.seed), 0, StreamPurpose::kDesign,
                      static_cast<std::uint32_t>(which), index);
}

namespace {

std::string join_keys(const std::vector<std::string>& keys) {
  std::string text;
  for (const std::string& key : keys) text += (text.empty() ? "" : ", ") + key;
  return text;
}

// Each grid point's baseline when it is named by values: the point with the named keys at their
// named values and every other swept key at this point's value, so that an effect is the named
// keys' effect within each combination of the others.
std::vector<std::int64_t> baselines_by_value(const SweepSpec& spec, const SweepPlan& plan) {
  if (spec.method != "grid") {
    throw InputError("sweep.baseline: a baseline named by values needs a grid sweep (in a " +
                     spec.method + " design no point need have them); name it by index instead");
  }
  std::vector<std::optional<double>> named(plan.keys.size());
  for (const auto& [key, value] : spec.baseline_values) {
    const auto at = std::find(plan.keys.begin(), plan.keys.end(), key);
    if (at == plan.keys.end()) {
      throw InputError("sweep.baseline." + key + ": not a swept key" +
                       did_you_mean(key, plan.keys) + " (swept: " + join_keys(plan.keys) + ")");
    }
    const auto i = static_cast<std::size_t>(at - plan.keys.begin());
    if (named[i]) throw InputError("sweep.baseline." + key + ": named twice");
    const std::vector<double>& grid = spec.parameters[i].values;
    if (std::find(grid.begin(), grid.end(), value) == grid.end()) {
      std::string values;
      for (double v : grid) values += (values.empty() ? "" : ", ") + format_short(v);
      throw InputError("sweep.baseline." + key + ": " + format_short(value) +
                       " is not one of the swept values (" + values + ")");
    }
    named[i] = value;
  }
  std::map<std::vector<double>, std::int64_t> index;
  for (std::size_t k = 0; k < plan.points(); ++k) {
    index.emplace(plan.values[k], static_cast<std::int64_t>(k));
  }
  std::vector<std::int64_t> baselines;
  for (const std::vector<double>& values : plan.values) {
    std::vector<double> reference = values;
    for (std::size_t i = 0; i < named.size(); ++i) {
      if (named[i]) reference[i] = *named[i];
    }
    baselines.push_back(index.at(reference));
  }
  return baselines;
}

}  // namespace

SweepPlan plan_sweep(const Parameters& parameters) {
  const SweepSpec& spec = parameters.sweep;
  SweepPlan plan;
  plan.method = spec.method;
  for (const SweptParameter& swept : spec.parameters) plan.keys.push_back(swept.key);
  const std::size_t d = spec.parameters.size();
  const auto samples = static_cast<std::size_t>(spec.samples);

  UnitDesign unit;
  if (spec.method == "none") {
    plan.values = {{}};
  } else if (spec.method == "grid") {
    plan.values = grid_points(spec.parameters);
  } else if (spec.method == "lhs") {
    unit = latin_hypercube(d, samples, design_stream(parameters, DesignStream::kPoints));
  } else if (spec.method == "sobol") {
    plan.base_samples = samples;
    unit = saltelli_design(d, samples, design_stream(parameters, DesignStream::kPoints));
  } else if (spec.method == "morris") {
    MorrisDesign morris = morris_design(d, samples, static_cast<std::size_t>(spec.levels),
                                        design_stream(parameters, DesignStream::kPoints));
    unit = std::move(morris.points);
    plan.morris_steps = std::move(morris.steps);
  }
  std::vector<bool> integer;
  for (const SweptParameter& swept : spec.parameters) integer.push_back(is_integer_key(swept.key));
  // A range design's unit points become its points in place: 10^6 of them are held once.
  for (std::vector<double>& row : unit) {
    for (std::size_t i = 0; i < d; ++i) row[i] = scaled(spec.parameters[i], integer[i], row[i]);
  }
  if (!unit.empty()) plan.values = std::move(unit);

  auto point_base = std::make_shared<Parameters>(parameters);
  for (SweptParameter& swept : point_base->sweep.parameters) {
    swept.values.clear();
    swept.values.shrink_to_fit();
  }
  plan.point_base = std::move(point_base);

  if (spec.baseline >= static_cast<std::int64_t>(plan.points())) {
    throw InputError("sweep.baseline: point " + std::to_string(spec.baseline) +
                     " does not exist; the sweep has " + std::to_string(plan.points()) +
                     " points (0 to " + std::to_string(plan.points() - 1) + ")");
  }
  if (spec.baseline >= 0) plan.baselines.assign(plan.points(), spec.baseline);
  if (!spec.baseline_values.empty()) plan.baselines = baselines_by_value(spec, plan);
  // Every point is checked before any runs, and a sweep may have 10^6: one working copy takes
  // each point's values in turn (each point sets every swept key), the keys found once.
  Parameters point = *plan.point_base;
  std::vector<NumberKey> swept = number_keys(point, plan.keys);
  for (std::size_t k = 0; k < plan.points(); ++k) {
    try {
      set_numbers(point, swept, plan.values[k]);
      validate_point(point);
    } catch (const InputError& e) {
      std::string values;
      for (std::size_t i = 0; i < d; ++i) {
        values += (i ? ", " : "") + plan.keys[i] + " = " + format_short(plan.values[k][i]);
      }
      throw InputError("sweep point " + std::to_string(k) + " (" + values + "): " + e.what());
    }
  }
  return plan;
}

Parameters point_parameters(const Parameters& base, const SweepPlan& plan, std::size_t point) {
  // The base without the swept lists (plan.point_base), unless a plan made by hand lacks it.
  Parameters p = plan.point_base ? *plan.point_base : base;
  std::vector<NumberKey> swept = number_keys(p, plan.keys);
  set_numbers(p, swept, plan.values[point]);
  return p;
}

}  // namespace smpsim
