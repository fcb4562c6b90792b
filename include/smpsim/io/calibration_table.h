#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smpsim {

// What a calibration found (docs/interface.md, /calibration): its generations of weighted
// particles, the posterior against the prior, and the posterior predictive check.
struct CalibrationGeneration {
  double epsilon = 0;          // the distance a proposal had to meet (infinite for generation 0)
  std::int64_t proposals = 0;  // in proposal-index order, up to the last accepted one
  double acceptance = 0;       // particles / proposals
  double wall_seconds = 0;
  std::vector<std::vector<double>> values;      // [particle][parameter]
  std::vector<double> distance;                 // [particle]
  std::vector<double> weight;                   // [particle], summing to 1
  std::vector<std::vector<double>> statistics;  // [particle][target]
};

struct CalibrationSummary {
  struct Row {  // one parameter
    std::string parameter;
    double mean, sd, q05, q50, q95;
    double prior_mean, prior_sd, prior_q05, prior_q50, prior_q95;
  };
  std::vector<Row> rows;
  double effective_sample_size = 0;  // of the final generation's weights
};

struct PredictiveDraw {            // one posterior draw's cohort
  std::vector<double> values;      // [parameter]
  std::vector<double> statistics;  // [target]
};

struct CalibrationResult {
  std::vector<std::string> parameters;  // calibrated keys, in the config's order
  std::vector<std::string> targets;     // target names
  std::vector<double> observed, observed_sd;
  std::vector<CalibrationGeneration> generations;
  CalibrationSummary posterior;
  std::vector<PredictiveDraw> predictive;
  std::string stop_reason;  // max_generations | min_acceptance
};

}  // namespace smpsim
