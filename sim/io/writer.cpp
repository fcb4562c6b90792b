#include "smpsim/io/writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>

#include "smpsim/io/build_info.h"
#include "smpsim/model/error.h"
#include "smpsim/model/observation.h"

namespace smpsim {

namespace {

constexpr std::int32_t kFormatVersion = 1;
constexpr std::size_t kTableChunkRows = 4096;
constexpr std::size_t kDailyChunkRows = 256;

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

namespace {

// Whether `path` starts with HDF5's signature (a .partial our writer created, even one whose
// attributes a kill left unwritten), or is empty (created, then killed before the superblock).
bool is_hdf5_or_empty(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return false;
  char head[8] = {};
  const std::size_t got = std::fread(head, 1, sizeof head, file);
  std::fclose(file);
  return got == 0 || (got == 8 && std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0);
}

}  // namespace

bool is_smpsim_output(const std::string& path) {
  if (H5Fis_hdf5(path.c_str()) <= 0) return false;
  try {
    const h5::Handle file = h5::open_file(path, false);
    return H5Aexists(file.id(), "smpsim_version") > 0 &&
           H5Aexists(file.id(), "format_version") > 0 && H5Aexists(file.id(), "complete") > 0;
  } catch (const IoError&) {
    return false;
  }
}

void check_output_not_input(const std::string& path, const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError("-o: the output path is empty");
  std::error_code error;
  // The names a run writes: the output, its .partial and its checkpoint directory.
  for (const std::string& written : {path, path + ".partial", path + ".checkpoint"}) {
    const fs::path resolved = fs::weakly_canonical(fs::absolute(written, error), error);
    for (const std::string& input : inputs) {
      std::error_code input_error;
      const fs::path input_resolved = fs::weakly_canonical(fs::absolute(input), input_error);
      bool same = !input_error && !error && resolved == input_resolved;
      // The same file under two names (a hard link, a bind mount): device and inode.
      std::error_code same_error;
      same =
          same || (fs::exists(written, same_error) && fs::equivalent(written, input, same_error));
      if (same) {
        throw InputError(written + ": the output would overwrite " + input +
                         ", which this run reads; choose another output (-o)");
      }
    }
  }
}

void check_output_path(const std::string& path, bool replace) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status)) {
      throw IoError(path + ": cannot write the output: " +
                    (fs::is_directory(status) ? "it is a directory" : "it is not a regular file"));
    }
    if (!replace)
      throw InputError(path + ": the output file exists; pass --overwrite to replace it");
    if (!is_smpsim_output(path)) {
      throw InputError(path +
                       ": the output file exists and is not an smpsim output (no smpsim root "
                       "attributes); --overwrite replaces only files smpsim wrote: delete it "
                       "yourself if it is to go, or choose another output (-o)");
    }
  }
  const std::string partial = path + ".partial";
  if (const fs::file_status side = fs::symlink_status(partial, error); fs::exists(side)) {
    if (!fs::is_regular_file(side) || !is_hdf5_or_empty(partial)) {
      throw InputError(partial +
                       ": exists and is not a partial output of smpsim; smpsim replaces only "
                       "its own .partial files: delete it yourself, or choose another output (-o)");
    }
  }
  const fs::path directory =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::exists(directory, error)) {
    throw IoError(path + ": cannot write the output: directory " + directory.string() +
                  " does not exist");
  }
  if (!fs::is_directory(directory, error)) {
    throw IoError(path + ": cannot write the output: " + directory.string() +
                  " is not a directory");
  }
  if (::access(directory.c_str(), W_OK) != 0) {
    throw IoError(path + ": cannot write the output: directory " + directory.string() +
                  " is not writable");
  }
  // The side names (.partial, .checkpoint) must fit too.
  const long longest = ::pathconf(directory.c_str(), _PC_NAME_MAX);
  const std::size_t name = fs::path(path).filename().string().size() + std::strlen(".checkpoint");
  if (longest > 0 && name > static_cast<std::size_t>(longest)) {
    throw IoError(path + ": cannot write the output: file name too long (with .checkpoint, " +
                  std::to_string(name) + " characters; at most " + std::to_string(longest) + ")");
  }
}

bool is_complete_output(const std::string& path) {
  if (H5Fis_hdf5(path.c_str()) <= 0) return false;
  try {
    const h5::Handle file = h5::open_file(path, false);
    return h5::read_attribute<std::int32_t>(file, "complete") == 1;
  } catch (const IoError&) {
    return false;
  }
}

std::string point_group(std::int64_t point) {
  char name[32];
  std::snprintf(name, sizeof name, "/points/%06lld", static_cast<long long>(point));
  return name;
}

// The open datasets of the point being written.
struct ResultWriter::Point {
  h5::Handle group;
  h5::AppendableDataset patients;
  h5::AppendableDataset sessions;
  std::vector<h5::AppendableDataset> daily;
  std::optional<h5::AppendableDataset> patient_ids;  // the daily series' first dimension
};

ResultWriter::ResultWriter(std::string path, const RunInfo& info) : path_(std::move(path)) {
  file_ = h5::create_file(partial_path());
  h5::write_attribute(file_, "format_version", kFormatVersion);
  h5::write_attribute(file_, "smpsim_version", kVersion);
  h5::write_attribute(file_, "git_commit", kGitCommit);
  h5::write_attribute(file_, "seed", info.seed);
  h5::write_attribute(file_, "config", info.config_toml);
  h5::write_attribute(file_, "complete", std::int32_t{0});
  h5::write_attribute(file_, "created_utc", utc_now());
  h5::write_attribute(file_, "n_points", info.points);
  h5::write_attribute(file_, "threads_used", info.threads_used);
  h5::write_attribute(file_, "ranks_used", info.ranks_used);
  h5::write_attribute(file_, "sweep_method", info.sweep_method);
  h5::write_attribute(file_, "calibration_method", info.calibration_method);
  h5::write_attribute(file_, "model_version", info.model_version);

  patient_layout_.add<std::int64_t>("patient_id");
  for (std::string_view name : kAttributeNames) patient_layout_.add<double>(std::string(name));
  for (const OutcomeInfo& outcome : kOutcomes) {
    switch (outcome.kind) {
      case OutcomeKind::kReal:
        patient_layout_.add<double>(std::string(outcome.name));
        break;
      case OutcomeKind::kCount:
        patient_layout_.add<std::int32_t>(std::string(outcome.name));
        break;
      case OutcomeKind::kFlag:
        patient_layout_.add<std::int8_t>(std::string(outcome.name));
        break;
    }
  }
  session_layout_.add<std::int64_t>("patient_id");
  session_layout_.add<std::int32_t>("session");
  session_layout_.add<double>("day");
  session_layout_.add<std::int32_t>("dots");
  session_layout_.add<double>("coverage_at_exam");
  session_layout_.add<double>("patchiness_at_exam");
  session_layout_.add<double>("hair_mm_at_exam");
  // Version 2's technician plans each session (docs/model.md §3.1); a version-1 file keeps
  // version 1's table, so that its datasets are version 1's bit for bit.
  session_moves_ = info.model_version >= 2;
  if (session_moves_) {
    for (const char* name :
         {"depth_shift_um", "pigment_factor", "blowout_share", "lost_share", "faint_share"}) {
      session_layout_.add<double>(name);
    }
  }
}

ResultWriter::~ResultWriter() = default;  // an unfinished file keeps complete = 0

void ResultWriter::begin_point(std::int64_t point, const std::vector<std::string>& parameter_names,
                               const std::vector<double>& parameter_values, std::size_t days) {
  h5::Handle group = h5::create_group(file_, point_group(point));
  for (std::size_t i = 0; i < parameter_names.size(); ++i) {
    h5::write_attribute(group, parameter_names[i], parameter_values[i]);
  }
  h5::AppendableDataset patients(group, "patients", patient_layout_, kTableChunkRows);
  h5::AppendableDataset sessions(group, "sessions", session_layout_, kTableChunkRows);
  h5::write_attribute(patients.id(), "long_name",
                      "one row per patient: attributes and final outcomes");
  h5::write_attribute(sessions.id(), "long_name", "one row per session: its day and examination");
  std::vector<h5::AppendableDataset> daily;
  std::optional<h5::AppendableDataset> patient_ids;
  if (days > 0) {
    // The series are labelled by dimension scales, patient_id x day, so that xarray (through
    // h5netcdf or netCDF4) opens the group with named, valued dimensions.
    const h5::Handle daily_group = h5::create_group(group, "daily");
    patient_ids.emplace(daily_group, "patient_id", H5T_NATIVE_INT64, kDailyChunkRows);
    h5::make_scale(patient_ids->id(), "patient_id");
    h5::write_attribute(patient_ids->id(), "long_name", "patient id");
    h5::write_attribute(patient_ids->id(), "units", "1");
    std::vector<double> times(days);
    for (std::size_t k = 0; k < days; ++k) times[k] = static_cast<double>(k) + 0.5;
    const h5::Handle day = h5::write_vector(daily_group, "day", times);
    h5::make_scale(day, "day");
    h5::write_attribute(day, "long_name", "observation time t = k + 0.5 since session 1 began");
    h5::write_attribute(day, "units", "day");  // not "days", which xarray decodes as timedelta
    for (std::size_t s = 0; s < kDailyCount; ++s) {
      daily.emplace_back(daily_group, std::string(kDailyNames[s]), H5T_NATIVE_FLOAT, days,
                         kDailyChunkRows);
      h5::attach_scale(daily.back().id(), patient_ids->id(), 0);
      h5::attach_scale(daily.back().id(), day, 1);
      h5::write_attribute(daily.back().id(), "units", std::string(kDailyInfo[s].unit));
      h5::write_attribute(daily.back().id(), "long_name", std::string(kDailyInfo[s].meaning));
    }
  }
  point_ = std::make_unique<Point>(Point{std::move(group), std::move(patients), std::move(sessions),
                                         std::move(daily), std::move(patient_ids)});
}

void ResultWriter::append(std::span<const PatientResult> patients) {
  Point& point = *point_;
  h5::TableRows patient_rows(patient_layout_), session_rows(session_layout_);
  for (const PatientResult& result : patients) {
    const auto id = static_cast<std::int64_t>(result.patient.id);
    patient_rows.put(id);
    for (double value : result.patient.attributes) patient_rows.put(value);
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      const double value = result.outcomes[i];
      switch (kOutcomes[i].kind) {
        case OutcomeKind::kReal:
          patient_rows.put(value);
          break;
        case OutcomeKind::kCount:
          patient_rows.put(static_cast<std::int32_t>(value));
          break;
        case OutcomeKind::kFlag:
          patient_rows.put(static_cast<std::int8_t>(value));
          break;
      }
    }
    for (const SessionRecord& s : result.sessions) {
      session_rows.put(id)
          .put(s.session)
          .put(s.day)
          .put(s.dots)
          .put(s.coverage_at_exam)
          .put(s.patchiness_at_exam)
          .put(s.hair_mm_at_exam);
      if (session_moves_) {
        session_rows.put(s.depth_shift_um)
            .put(s.pigment_factor)
            .put(s.blowout_share)
            .put(s.lost_share)
            .put(s.faint_share);
      }
    }
  }
  point.patients.append(patient_rows.data(), patient_rows.size());
  point.sessions.append(session_rows.data(), session_rows.size());

  if (point.patient_ids) {
    std::vector<std::int64_t> ids;
    for (const PatientResult& result : patients) {
      ids.push_back(static_cast<std::int64_t>(result.patient.id));
    }
    point.patient_ids->append(ids.data(), ids.size());
  }
  std::vector<float> block;
  for (std::size_t s = 0; s < point.daily.size(); ++s) {
    block.clear();
    for (const PatientResult& result : patients) {
      const auto series = result.daily.series(static_cast<Daily>(s));
      block.insert(block.end(), series.begin(), series.end());
    }
    point.daily[s].append(block.data(), patients.size());
  }
}

void ResultWriter::end_point() {
  point_.reset();
}

OutcomeColumns ResultWriter::read_outcomes(std::int64_t point) const {
  const h5::Handle table = h5::open_dataset(file_, point_group(point) + "/patients");
  OutcomeColumns columns;
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    columns[i] = h5::read_column(table, std::string(kOutcomes[i].name));
  }
  return columns;
}

void ResultWriter::write_summary(const SummaryLayout& layout,
                                 const std::vector<PointSummary>& points) {
  const std::size_t max_sessions = points.empty() ? 0 : points.front().session_shares.size();
  h5::TableLayout columns;
  columns.add<std::int64_t>("point");
  for (const std::string& name : layout.parameter_names) columns.add<double>(name);
  columns.add<std::int64_t>("n_patients");
  if (layout.convergence) columns.add<std::int8_t>("converged");
  for (const OutcomeInfo& outcome : kOutcomes) {
    std::vector<std::string> statistics = {"_mean", "_sem", "_p05", "_p50", "_p95"};
    if (layout.convergence) statistics.push_back("_half_width");
    if (layout.baseline) statistics.insert(statistics.end(), {"_diff_mean", "_diff_sem"});
    for (const std::string& statistic : statistics) {
      columns.add<double>(std::string(outcome.name) + statistic);
    }
  }
  for (std::size_t s = 1; s <= max_sessions; ++s) {
    columns.add<double>("sessions_share_" + std::to_string(s));
  }
  h5::TableRows rows(columns);
  for (const PointSummary& summary : points) {
    rows.put(summary.point);
    for (double value : summary.parameter_values) rows.put(value);
    rows.put(summary.patients);
    if (layout.convergence) rows.put(static_cast<std::int8_t>(summary.converged));
    for (const OutcomeSummary& s : summary.outcomes) {
      rows.put(s.mean).put(s.sem).put(s.p05).put(s.p50).put(s.p95);
      if (layout.convergence) rows.put(kNormal95 * s.sem);
      if (layout.baseline) rows.put(s.diff_mean).put(s.diff_sem);
    }
    for (std::size_t s = 0; s < max_sessions; ++s) rows.put(summary.session_shares[s]);
  }
  h5::AppendableDataset table(file_, "summary", columns, std::max<std::size_t>(rows.size(), 1));
  table.append(rows.data(), rows.size());
}

void ResultWriter::write_sensitivity(const SensitivityTable& sensitivity) {
  constexpr std::size_t kNameLength = 64;
  h5::TableLayout columns;
  columns.add_string("parameter", kNameLength);
  columns.add_string("outcome", kNameLength);
  for (const std::string& name : sensitivity.columns) columns.add<double>(name);
  h5::TableRows rows(columns);
  for (const SensitivityTable::Row& row : sensitivity.rows) {
    rows.put_string(row.parameter).put_string(row.outcome);
    for (double value : row.values) rows.put(value);
  }
  h5::AppendableDataset table(file_, "sensitivity", columns, std::max<std::size_t>(rows.size(), 1));
  table.append(rows.data(), rows.size());
}

void ResultWriter::write_effects(const std::vector<std::string>& parameter_names,
                                 const std::vector<std::vector<double>>& parameter_values,
                                 const std::vector<Effect>& effects) {
  constexpr std::size_t kNameLength = 64;
  h5::TableLayout columns;
  columns.add<std::int64_t>("point");
  columns.add<std::int64_t>("baseline");
  for (const std::string& name : parameter_names) columns.add<double>(name);
  columns.add_string("outcome", kNameLength);
  for (const char* name : {"mean", "sem", "ci_low", "ci_high", "sem_ratio"}) {
    columns.add<double>(name);
  }
  h5::TableRows rows(columns);
  for (const Effect& e : effects) {
    rows.put(e.point).put(e.baseline);
    for (double value : parameter_values[static_cast<std::size_t>(e.point)]) rows.put(value);
    rows.put_string(e.outcome).put(e.mean).put(e.sem).put(e.ci_low).put(e.ci_high).put(e.sem_ratio);
  }
  h5::AppendableDataset table(file_, "effects", columns, std::max<std::size_t>(rows.size(), 1));
  table.append(rows.data(), rows.size());
  h5::write_attribute(table.id(), "long_name",
                      "paired difference of each point from its baseline, per outcome");
}

void ResultWriter::write_calibration(const CalibrationResult& c) {
  constexpr std::size_t kNameLength = 64;
  const h5::Handle root = h5::create_group(file_, "calibration");
  h5::write_attribute(root, "generations", static_cast<std::int64_t>(c.generations.size()));
  h5::write_attribute(root, "stop_reason", c.stop_reason);
  h5::write_attribute(root, "effective_sample_size", c.posterior.effective_sample_size);
  {
    h5::TableLayout columns;
    columns.add_string("target", kNameLength);
    columns.add<double>("observed");
    columns.add<double>("sd");
    h5::TableRows rows(columns);
    for (std::size_t t = 0; t < c.targets.size(); ++t) {
      rows.put_string(c.targets[t]).put(c.observed[t]).put(c.observed_sd[t]);
    }
    h5::AppendableDataset table(root, "targets", columns, std::max<std::size_t>(rows.size(), 1));
    table.append(rows.data(), rows.size());
  }
  for (std::size_t g = 0; g < c.generations.size(); ++g) {
    const CalibrationGeneration& generation = c.generations[g];
    char name[48];  // room for any size_t: "generations/" and 20 digits
    std::snprintf(name, sizeof name, "generations/%03zu", g);
    const h5::Handle group = h5::create_group(root, name);
    h5::write_attribute(group, "epsilon", generation.epsilon);
    h5::write_attribute(group, "acceptance_rate", generation.acceptance);
    h5::write_attribute(group, "proposals", generation.proposals);
    h5::write_attribute(group, "wall_seconds", generation.wall_seconds);
    h5::TableLayout columns;
    columns.add<std::int64_t>("particle");
    for (const std::string& parameter : c.parameters) columns.add<double>(parameter);
    columns.add<double>("distance");
    columns.add<double>("weight");
    for (const std::string& target : c.targets) columns.add<double>(target);
    h5::TableRows rows(columns);
    for (std::size_t i = 0; i < generation.distance.size(); ++i) {
      rows.put(static_cast<std::int64_t>(i));
      for (double value : generation.values[i]) rows.put(value);
      rows.put(generation.distance[i]).put(generation.weight[i]);
      for (double value : generation.statistics[i]) rows.put(value);
    }
    h5::AppendableDataset table(group, "particles", columns, std::max<std::size_t>(rows.size(), 1));
    table.append(rows.data(), rows.size());
  }
  {
    h5::TableLayout columns;
    columns.add_string("parameter", kNameLength);
    for (const char* name : {"mean", "sd", "q05", "q50", "q95", "prior_mean", "prior_sd",
                             "prior_q05", "prior_q50", "prior_q95"}) {
      columns.add<double>(name);
    }
    h5::TableRows rows(columns);
    for (const CalibrationSummary::Row& r : c.posterior.rows) {
      rows.put_string(r.parameter).put(r.mean).put(r.sd).put(r.q05).put(r.q50).put(r.q95);
      rows.put(r.prior_mean).put(r.prior_sd).put(r.prior_q05).put(r.prior_q50).put(r.prior_q95);
    }
    h5::AppendableDataset table(root, "posterior", columns, std::max<std::size_t>(rows.size(), 1));
    table.append(rows.data(), rows.size());
    h5::write_attribute(table.id(), "effective_sample_size", c.posterior.effective_sample_size);
  }
  if (!c.predictive.empty()) {
    h5::TableLayout columns;
    columns.add<std::int64_t>("draw");
    for (const std::string& parameter : c.parameters) columns.add<double>(parameter);
    columns.add_string("target", kNameLength);
    columns.add<double>("observed");
    columns.add<double>("sd");
    columns.add<double>("simulated");
    h5::TableRows rows(columns);
    for (std::size_t k = 0; k < c.predictive.size(); ++k) {
      for (std::size_t t = 0; t < c.targets.size(); ++t) {
        rows.put(static_cast<std::int64_t>(k));
        for (double value : c.predictive[k].values) rows.put(value);
        rows.put_string(c.targets[t]).put(c.observed[t]).put(c.observed_sd[t]);
        rows.put(c.predictive[k].statistics[t]);
      }
    }
    h5::AppendableDataset table(root, "predictive", columns, std::max<std::size_t>(rows.size(), 1));
    table.append(rows.data(), rows.size());
  }
}

void ResultWriter::finish() {
  h5::write_attribute(file_, "complete", std::int32_t{1});
  if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0) {
    throw IoError(partial_path() + ": cannot write: " + std::strerror(errno ? errno : EIO));
  }
  file_.close();
  // On the disk before the name says complete.
  const int fd = ::open(partial_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int failure = errno;
    if (fd >= 0) ::close(fd);
    h5::write_attribute(h5::open_file(partial_path(), true), "complete", std::int32_t{0});
    throw IoError(partial_path() + ": cannot write: " + std::strerror(failure));
  }
  ::close(fd);
  std::error_code error;
  std::filesystem::rename(partial_path(), path_, error);
  if (error) {
    // Not given its name, the file must not claim to be complete.
    h5::write_attribute(h5::open_file(partial_path(), true), "complete", std::int32_t{0});
    throw IoError(partial_path() + ": cannot rename to " + path_ + ": " + error.message());
  }
}

}  // namespace smpsim
