#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "smpsim/config/config.h"
#include "smpsim/io/h5.h"
#include "smpsim/io/writer.h"
#include "smpsim/model/error.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"

using namespace smpsim;
namespace fs = std::filesystem;

namespace {

std::string temporary_path(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "smpsim_test_writer";
  fs::create_directories(dir);
  const fs::path path = dir / name;
  fs::remove(path);
  fs::remove(path.string() + ".partial");
  return path.string();
}

std::vector<PatientResult> few_patients(const Parameters& p, int n) {
  std::vector<PatientResult> results;
  const PatientSampler sampler(p);
  for (int id = 0; id < n; ++id) results.push_back(simulate_patient(p, sampler.sample(1, id)));
  return results;
}

}  // namespace

TEST_CASE("a finished file gets its name and complete = 1 and the summary", "[writer]") {
  Parameters p = default_parameters();
  p.technician.dots_per_session = 32;
  const auto results = few_patients(p, 5);
  const std::string path = temporary_path("finished.h5");
  {
    ResultWriter writer(path, RunInfo{to_toml(p), 1, 1, 1});
    writer.begin_point(0, {}, {}, static_cast<std::size_t>(p.protocol.horizon_days + 1));
    writer.append(std::span(results).first(2));
    writer.append(std::span(results).subspan(2));
    writer.end_point();
    const OutcomeColumns columns = writer.read_outcomes(0);
    CHECK(columns[static_cast<int>(Outcome::kFinalShade)].size() == 5);
    PointSummary summary = summarise(columns, 4);
    CHECK(summary.patients == 5);
    writer.write_summary({}, {summary});
    writer.finish();
  }
  CHECK(fs::exists(path));
  CHECK(!fs::exists(path + ".partial"));
  const h5::Handle file = h5::open_file(path, false);
  CHECK(h5::read_attribute<std::int32_t>(file, "complete") == 1);
  CHECK(h5::read_string_attribute(file, "config") == to_toml(p));
  const h5::Handle patients = h5::open_dataset(file, "/points/000000/patients");
  const std::vector<double> ids = h5::read_column(patients, "patient_id");
  CHECK(ids == std::vector<double>{0, 1, 2, 3, 4});
  const std::vector<double> sessions = h5::read_column(patients, "sessions");
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(sessions[i] == at(results[i].outcomes, Outcome::kSessions));
  }
  CHECK(h5::exists(file, "/points/000000/daily/redness"));
  CHECK(h5::exists(file, "/summary"));
}

TEST_CASE("an unfinished file keeps its side name and says it is incomplete", "[writer]") {
  Parameters p = default_parameters();
  const std::string path = temporary_path("unfinished.h5");
  {
    ResultWriter writer(path, RunInfo{to_toml(p), 1, 1, 1});
    writer.begin_point(0, {}, {}, 10);
  }
  CHECK(!fs::exists(path));
  REQUIRE(fs::exists(path + ".partial"));
  const h5::Handle file = h5::open_file(path + ".partial", false);
  CHECK(h5::read_attribute<std::int32_t>(file, "complete") == 0);
}

TEST_CASE("an existing result is never replaced without --overwrite", "[writer]") {
  const std::string path = temporary_path("existing.h5");
  { std::ofstream(path) << "precious"; }
  CHECK_THROWS_AS(check_output_path(path, false), InputError);
  // Not smpsim's: not even --overwrite replaces it.
  CHECK_THROWS_AS(check_output_path(path, true), InputError);
  std::ifstream in(path);
  std::string content;
  in >> content;
  CHECK(content == "precious");
}

TEST_CASE("overwriting replaces an smpsim output, and a .partial only of ours", "[writer]") {
  Parameters p = default_parameters();
  const std::string path = temporary_path("ours.h5");
  fs::remove(path);
  fs::remove(path + ".partial");
  {
    ResultWriter writer(path, RunInfo{to_toml(p), 1, 1, 1});
    writer.begin_point(0, {}, {}, 10);
  }
  fs::rename(path + ".partial", path);
  CHECK(is_smpsim_output(path));
  CHECK_NOTHROW(check_output_path(path, true));
  { std::ofstream(path + ".partial") << "not ours"; }
  CHECK_THROWS_AS(check_output_path(path, true), InputError);
  { std::ofstream(path + ".partial"); }  // empty: created by a run killed at once
  CHECK_NOTHROW(check_output_path(path, true));
  fs::remove(path + ".partial");
}

TEST_CASE("the output is never a file the run reads, by name, link or inode", "[writer]") {
  const std::string config = temporary_path("input.toml");
  { std::ofstream(config) << "[run]\n"; }
  const std::string link = temporary_path("link.h5");
  const std::string hard = temporary_path("hard.h5");
  fs::remove(link);
  fs::remove(hard);
  fs::create_symlink(config, link);
  fs::create_hard_link(config, hard);
  CHECK_THROWS_AS(check_output_not_input(config, {config}), InputError);
  CHECK_THROWS_AS(check_output_not_input(link, {config}), InputError);
  CHECK_THROWS_AS(check_output_not_input(hard, {config}), InputError);
  CHECK_THROWS_AS(check_output_not_input("", {}), InputError);
  CHECK_NOTHROW(check_output_not_input(temporary_path("fresh.h5"), {config}));
}

TEST_CASE("an output directory that does not exist is an I/O error naming it", "[writer]") {
  try {
    check_output_path("/nonexistent/dir/x.h5", false);
    FAIL("expected an error");
  } catch (const IoError& e) {
    CHECK(std::string(e.what()).find("/nonexistent/dir") != std::string::npos);
  }
}
