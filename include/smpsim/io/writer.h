#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "smpsim/io/calibration_table.h"
#include "smpsim/io/effects_table.h"
#include "smpsim/io/h5.h"
#include "smpsim/io/sensitivity_table.h"
#include "smpsim/model/outcomes.h"

namespace smpsim {

// What the root of the file records about the run (docs/interface.md, Output).
struct RunInfo {
  std::string config_toml;  // the fully resolved config
  std::uint64_t seed = 0;
  std::int64_t points = 1;
  std::int64_t threads_used = 1;  // per rank
  std::int64_t ranks_used = 1;
  std::string sweep_method = "none";
  std::string calibration_method = "none";
  std::int64_t model_version = 2;  // version 1 files keep version 1's sessions table
};

// What /summary holds besides each outcome's mean, sem and percentiles.
struct SummaryLayout {
  std::vector<std::string> parameter_names;  // swept keys
  bool convergence = false;                  // converged flag and <outcome>_half_width
  bool baseline = false;                     // <outcome>_diff_mean, <outcome>_diff_sem
};

// Streams results into the HDF5 layout of docs/interface.md. Writes to `<path>.partial` and gives
// the file its name only in finish(), once `complete` is 1: a run that fails or is interrupted
// never leaves a file that claims to be complete. Patients arrive in patient order.
class ResultWriter {
 public:
  // Creates `<path>.partial` (replacing one an earlier attempt left).
  ResultWriter(std::string path, const RunInfo& info);
  ~ResultWriter();

  // `days` observation days per daily series; 0 writes no daily series.
  void begin_point(std::int64_t point, const std::vector<std::string>& parameter_names,
                   const std::vector<double>& parameter_values, std::size_t days);
  void append(std::span<const PatientResult> patients);
  void end_point();

  // A finished point's outcomes, read back one table at a time (memory: one point's columns).
  OutcomeColumns read_outcomes(std::int64_t point) const;

  void write_summary(const SummaryLayout& layout, const std::vector<PointSummary>& points);
  void write_sensitivity(const SensitivityTable& table);
  // /effects: one row per (point, outcome), with the point's swept values.
  void write_effects(const std::vector<std::string>& parameter_names,
                     const std::vector<std::vector<double>>& parameter_values,
                     const std::vector<Effect>& effects);
  // /calibration: generations/<g>/particles, posterior, predictive.
  void write_calibration(const CalibrationResult& calibration);
  void finish();

  const std::string& path() const { return path_; }
  std::string partial_path() const { return path_ + ".partial"; }

 private:
  struct Point;

  std::string path_;
  h5::Handle file_;
  h5::TableLayout patient_layout_;
  h5::TableLayout session_layout_;
  bool session_moves_ = false;  // the sessions table has version 2's columns
  std::unique_ptr<Point> point_;
};

// Refuses, before any work, what would lose the user's data (an existing output, unless
// `replace`; with `replace`, an existing file that smpsim did not write, or a .partial that is
// not ours) and reports an output directory that is missing or not writable.
void check_output_path(const std::string& path, bool replace);

// Refuses (InputError) an output path that is empty or that is, or whose .partial or
// .checkpoint is, one of `inputs` (the files the run reads), by name after resolving symlinks
// or as the same file (device and inode), whatever --overwrite says.
void check_output_not_input(const std::string& path, const std::vector<std::string>& inputs);

// Whether `path` is an HDF5 file with smpsim's root attributes (format_version, smpsim_version,
// complete): a file smpsim wrote, which --overwrite may replace.
bool is_smpsim_output(const std::string& path);

// Whether `path` is an smpsim output whose root says complete = 1.
bool is_complete_output(const std::string& path);

// The group of point k: "/points/000042".
std::string point_group(std::int64_t point);

}  // namespace smpsim
