// libFuzzer target over config parsing and validation (scripts/fuzz.sh); check_config is also
// what tests/fuzz/replay.cpp runs on the corpus and the regressions in every ctest run.

#include "fuzz_config.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>
#include <variant>

#include "smpsim/config/config.h"
#include "smpsim/model/distributions.h"
#include "smpsim/model/error.h"
#include "smpsim/model/format.h"
#include "smpsim/run/sweep.h"

namespace smpsim::fuzz {

namespace {

// Lines of the input that are --set overrides; TOML reads them as comments.
constexpr std::string_view kOverridePrefix = "#set ";

// plan_sweep validates every point; larger sweeps (up to kMaxSweepPoints are valid) would make
// one input take seconds and hundreds of megabytes, so they are only read and validated.
constexpr double kMaxPlannedPoints = 1024;

Parameters read_config(std::string_view input) {
  ConfigLoader loader;
  loader.apply_text(input, "fuzz.toml");
  for (std::size_t start = 0; start < input.size();) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    const std::string_view line = input.substr(start, end - start);
    if (line.starts_with(kOverridePrefix))
      loader.apply_override(line.substr(kOverridePrefix.size()));
    start = end + 1;
  }
  return loader.finish();
}

// Reads back what to_toml wrote: it must be a valid config.
Parameters read_written(const std::string& text) {
  try {
    ConfigLoader loader;
    loader.apply_text(text, "to_toml");
    return loader.finish();
  } catch (const InputError& e) {
    throw Finding("to_toml wrote a config that does not read back: " + std::string(e.what()) +
                  "\n--- written:\n" + text);
  }
}

// Every key of `read` equals its value in `original`.
void expect_equal(const Parameters& original, const Parameters& read, const std::string& text) {
  for (const ConfigKey& key : config_keys()) {
    const bool same = std::visit(
        [&](auto access) {
          return access(const_cast<Parameters&>(original)) == access(const_cast<Parameters&>(read));
        },
        key.access);
    if (!same) {
      throw Finding("to_toml round trip changes " + key.key + "\n--- written:\n" + text +
                    "--- read back and written again:\n" + to_toml(read));
    }
  }
}

void check_round_trip(const Parameters& parameters) {
  for (const bool explain : {false, true}) {
    const std::string text = to_toml(parameters, explain);
    expect_equal(parameters, read_written(text), text);
  }
}

void check_plan(const Parameters& parameters) {
  const double counted = sweep_points(parameters.sweep);
  if (counted > kMaxPlannedPoints) return;
  SweepPlan plan;
  try {
    plan = plan_sweep(parameters);
  } catch (const InputError&) {
    return;  // a point breaks a rule, or the baseline is not a point
  }
  if (static_cast<double>(plan.points()) != counted) {
    throw Finding("a " + parameters.sweep.method + " sweep validated as " +
                  std::to_string(counted) + " points has " + std::to_string(plan.points()));
  }
  // Each point's parameters hold the values the plan gives it.
  for (std::size_t k = 0; k < plan.points(); ++k) {
    if (plan.values[k].size() != plan.keys.size())
      throw Finding("a sweep point has the wrong width");
    const Parameters point = point_parameters(parameters, plan, k);
    for (std::size_t i = 0; i < plan.keys.size(); ++i) {
      const double value = get_number(point, plan.keys[i]);
      if (value != plan.values[k][i]) {
        throw Finding("sweep point " + std::to_string(k) + " sets " + plan.keys[i] + " to " +
                      format_number(plan.values[k][i]) + " but holds " + format_number(value));
      }
    }
  }
}

}  // namespace

void check_config(std::string_view input) {
  try {
    Parameters parameters;
    try {
      parameters = read_config(input);
    } catch (const InputError&) {
      return;  // bad input, told as it should be
    }
    check_round_trip(parameters);
    check_plan(parameters);
  } catch (const Finding&) {
    throw;
  } catch (const std::exception& e) {
    throw Finding(std::string("an exception other than InputError (") + typeid(e).name() +
                  "): " + e.what());
  }
}

}  // namespace smpsim::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    smpsim::fuzz::check_config({reinterpret_cast<const char*>(data), size});
  } catch (const smpsim::fuzz::Finding& finding) {
    std::fprintf(stderr, "smpsim fuzz finding: %s\n", finding.what());
    std::abort();
  }
  return 0;
}
