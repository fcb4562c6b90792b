#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "config_text.h"
#include "smpsim/config/config.h"
#include "smpsim/model/error.h"
#include "smpsim/model/rng.h"
#include "smpsim/run/calibration.h"

using namespace smpsim;
using testing::from_text;

namespace {

const std::string kCalibration =
    "[calibration]\nmethod = \"abc-smc\"\n[calibration.parameters]\n"
    "\"optics.cap_um\" = {dist = \"lognormal\", median = 70, sigma = 0.5}\n"
    "\"kinetics.k_enc\" = {dist = \"uniform\", low = 0.1, high = 1.5}\n"
    "[calibration.targets]\n"
    "sessions_3 = {statistic = \"share\", outcome = \"sessions\", equals = 3, value = 0.44, "
    "sd = 0.04}\n"
    "retained = {statistic = \"mean\", outcome = \"retained\", value = 0.63, sd = 0.03}\n"
    "shade_week = {statistic = \"median_daily\", series = \"shade\", day = 7.5, value = 0.48, "
    "sd = 0.03}\n"
    "late = {statistic = \"quantile\", outcome = \"final_shade\", q = 0.9, value = 0.5, sd = "
    "0.1}\n";

// A cohort whose outcome `sessions` is 1, 2, 3, ... and whose shade at day k + 0.5 is k * id.
std::vector<PatientResult> cohort(std::size_t n) {
  std::vector<PatientResult> patients(n);
  for (std::size_t i = 0; i < n; ++i) {
    patients[i].outcomes[outcome_index("sessions")] = static_cast<double>(i + 1);
    patients[i].outcomes[outcome_index("retained")] = 0.1 * static_cast<double>(i);
    patients[i].daily.days = 10;
    patients[i].daily.values.assign(kDailyCount * 10, 0.0f);
    auto shade = patients[i].daily.series(Daily::kShade);
    for (std::size_t k = 0; k < 10; ++k) shade[k] = static_cast<float>(k * i);
  }
  return patients;
}

}  // namespace

TEST_CASE("a calibration's priors and targets are read in the order written", "[calibration]") {
  const Parameters p = from_text(kCalibration);
  REQUIRE(p.calibration.parameters.size() == 2);
  CHECK(p.calibration.parameters[0].key == "optics.cap_um");
  CHECK(p.calibration.parameters[0].prior == Distribution::log_normal(70, 0.5));
  CHECK(p.calibration.parameters[1].key == "kinetics.k_enc");
  REQUIRE(p.calibration.targets.size() == 4);
  const CalibrationTarget& share = p.calibration.targets[0];
  CHECK(share.name == "sessions_3");
  CHECK(share.compare == "equals");
  CHECK(share.threshold == 3);
  CHECK(p.calibration.targets[2].series == "shade");
  CHECK(p.calibration.targets[2].day == 7.5);
  CHECK(p.calibration.targets[3].q == 0.9);
}

TEST_CASE("a calibration's resolved TOML reads back to the same parameters", "[calibration]") {
  const Parameters p = from_text(kCalibration);
  const Parameters again = from_text(to_toml(p));
  CHECK(again.calibration.parameters == p.calibration.parameters);
  CHECK(again.calibration.targets == p.calibration.targets);
  CHECK(to_toml(again) == to_toml(p));
}

TEST_CASE("target statistics of a cohort", "[calibration]") {
  const std::vector<PatientResult> patients = cohort(5);  // sessions 1..5, retained 0..0.4
  CalibrationTarget t;
  t.statistic = "mean";
  t.outcome = "retained";
  CHECK(target_statistic(t, patients) == Approx(0.2));
  t.statistic = "median";
  t.outcome = "sessions";
  CHECK(target_statistic(t, patients) == 3);
  t.statistic = "quantile";
  t.q = 0.25;
  CHECK(target_statistic(t, patients) == 2);
  t.statistic = "share";
  t.compare = "equals";
  t.threshold = 3;
  CHECK(target_statistic(t, patients) == Approx(0.2));
  t.compare = "below";
  CHECK(target_statistic(t, patients) == Approx(0.4));
  t.compare = "above";
  CHECK(target_statistic(t, patients) == Approx(0.4));
  t.statistic = "mean_daily";
  t.series = "shade";
  t.day = 2.5;  // k = 2: shade 2 * id for ids 0..4
  CHECK(target_statistic(t, patients) == Approx(4.0));
  t.statistic = "median_daily";
  CHECK(target_statistic(t, patients) == Approx(4.0));
}

TEST_CASE("the distance is the root of the summed squared standardised errors", "[calibration]") {
  std::vector<CalibrationTarget> targets(2);
  targets[0].value = 1;
  targets[0].sd = 0.5;
  targets[1].value = 0;
  targets[1].sd = 2;
  CHECK(target_distance(targets, {2.5, 8.0}) == Approx(5.0));  // √(3² + 4²)
  CHECK(std::isinf(target_distance(targets, {std::nan(""), 0.0})));
}

TEST_CASE("weighted quantiles", "[calibration]") {
  const std::vector<double> values = {3, 1, 2, 4};
  CHECK(weighted_quantile(values, {0.25, 0.25, 0.25, 0.25}, 0.5) == 2);
  CHECK(weighted_quantile(values, {0.7, 0.1, 0.1, 0.1}, 0.5) == 3);
  CHECK(weighted_quantile(values, {0.1, 0.1, 0.1, 0.7}, 0.05) == 1);
  CHECK(weighted_quantile(values, {0.1, 0.1, 0.1, 0.7}, 0.95) == 4);
}

TEST_CASE("prior densities integrate to one and vanish outside the support", "[calibration]") {
  for (const Distribution& d : {Distribution::uniform(0.1, 1.5), Distribution::log_normal(70, 0.5),
                                Distribution::normal(2, 3), Distribution::trunc_normal(1, 2, 0, 3),
                                Distribution::gamma(3, 2), Distribution::beta(2, 5),
                                Distribution::beta_mean_sd(0.6, 0.2)}) {
    const double low = d.quantile(1e-7, 1 - 1e-7), high = d.quantile(1 - 1e-7, 1e-7);
    constexpr int kSteps = 200000;
    double integral = 0;
    for (int i = 0; i < kSteps; ++i) {
      integral += d.density(low + (high - low) * (i + 0.5) / kSteps) * (high - low) / kSteps;
    }
    CHECK(integral == Approx(1).margin(1e-4));
  }
  CHECK(Distribution::uniform(0.1, 1.5).density(1.6) == 0);
  CHECK(Distribution::log_normal(70, 0.5).density(-1) == 0);
  CHECK(Distribution::beta(2, 5).density(1.5) == 0);
}

TEST_CASE("a proposal stream is its own: keyed by seed, generation and index", "[calibration]") {
  RandomStream a(7, 3, StreamPurpose::kProposal, 1), same(7, 3, StreamPurpose::kProposal, 1);
  RandomStream next_index(7, 4, StreamPurpose::kProposal, 1);
  RandomStream next_generation(7, 3, StreamPurpose::kProposal, 2);
  RandomStream patient(7, 3, StreamPurpose::kAttributes, 1);
  const auto first = a();
  CHECK(first == same());
  CHECK(first != next_index());
  CHECK(first != next_generation());
  CHECK(first != patient());
}
