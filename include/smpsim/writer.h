#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smpsim/h5.h"
#include "smpsim/outcomes.h"

namespace smpsim {

// What the root of the file records about the run (INTERFACE.md, Output).
struct RunInfo {
  std::string config_toml;  // the fully resolved config
  std::uint64_t seed = 0;
  std::int64_t points = 1;
  std::int64_t threads_used = 1;
};

// Mean, standard error and quantiles of one outcome over a point's cohort.
struct OutcomeSummary {
  double mean = 0;
  double sem = 0;
  double p05 = 0;
  double p50 = 0;
  double p95 = 0;
};

struct PointSummary {
  std::int64_t point = 0;
  std::vector<double> parameter_values;
  std::int64_t patients = 0;
  std::array<OutcomeSummary, kOutcomeCount> outcomes;
};

// Streams results into the HDF5 layout of INTERFACE.md. Writes to `<path>.partial` and gives
// the file its name only in finish(), once `complete` is 1: a run that fails or is interrupted
// never leaves a file that claims to be complete. Results arrive in patient order.
class ResultWriter {
 public:
  ResultWriter(std::string path, const RunInfo& info, std::vector<std::string> parameter_names,
               bool overwrite);
  ~ResultWriter();

  void begin_point(std::int64_t point, const std::vector<double>& parameter_values,
                   std::size_t days);
  void append(std::span<const PatientResult> patients);
  const PointSummary& end_point();
  void finish();

  const std::string& path() const { return path_; }
  std::string partial_path() const { return path_ + ".partial"; }

 private:
  struct Point;
  void write_summary();

  std::string path_;
  std::vector<std::string> parameter_names_;
  h5::Handle file_;
  h5::TableLayout patient_layout_;
  h5::TableLayout session_layout_;
  std::unique_ptr<Point> point_;
  std::vector<PointSummary> summaries_;
  bool finished_ = false;
};

// "<name>/<k>" point group names: zero-padded to 6 digits.
std::string point_group(std::int64_t point);

}  // namespace smpsim
