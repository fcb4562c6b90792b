// The behaviours T1-T9 of docs/model.md section 6 on the default cohort. Every check is a
// statistical statement about cohort means, made with a margin of four standard errors of the
// estimate (paired where two quantities come from the same patients), on fixed seeds.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "smpsim/config/config.h"
#include "smpsim/model/outcomes.h"
#include "support.h"

using namespace smpsim;
using testing::estimate;
using testing::kSigmas;
using testing::simulate_cohort;

namespace {

constexpr std::int64_t kCohort = 2000;

// Daily value of patient r at observation time t = day + 0.5.
float daily(const PatientResult& r, Daily name, std::size_t day) {
  return r.daily.series(name)[day];
}

const std::vector<PatientResult>& default_cohort() {
  static const std::vector<PatientResult> cohort = simulate_cohort(default_parameters(), kCohort);
  return cohort;
}

Parameters one_session(Parameters p) {
  p.protocol.min_sessions = p.protocol.max_sessions = 1;
  return p;
}

}  // namespace

TEST_CASE("T1 redness has clearly fallen by mid-week", "[model][T1]") {
  const auto d = estimate(default_cohort(), [](const PatientResult& r) {
    return daily(r, Daily::kRedness, 3) - 0.6 * daily(r, Daily::kRedness, 0);
  });
  INFO("mean of redness(3.5) - 0.6 redness(0.5): " << d.mean << " +- " << d.sem);
  CHECK(d.mean + kSigmas * d.sem <= 0);
}

TEST_CASE("T2 scabs peak between day 1.5 and 5.5 and half are gone by day 7.5", "[model][T2]") {
  const auto& cohort = default_cohort();
  std::vector<double> mean_scabs(10);
  for (std::size_t k = 0; k < mean_scabs.size(); ++k) {
    mean_scabs[k] =
        estimate(cohort, [&](const PatientResult& r) { return daily(r, Daily::kScabs, k); }).mean;
  }
  const auto peak = static_cast<std::size_t>(
      std::max_element(mean_scabs.begin(), mean_scabs.end()) - mean_scabs.begin());
  INFO("scabs peak at day " << peak + 0.5 << ": " << mean_scabs[peak]);
  CHECK(peak >= 1);
  CHECK(peak <= 5);
  const auto d = estimate(cohort, [&](const PatientResult& r) {
    return daily(r, Daily::kScabs, 7) - 0.5 * daily(r, Daily::kScabs, peak);
  });
  INFO("scabs(7.5) - peak / 2: " << d.mean << " +- " << d.sem);
  CHECK(d.mean + kSigmas * d.sem <= 0);
}

TEST_CASE("T3 by day 7.5 the dots look lighter than half their fresh shade", "[model][T3]") {
  const auto shade =
      estimate(default_cohort(), [](const PatientResult& r) { return daily(r, Daily::kShade, 7); });
  INFO("relative shade at day 7.5: " << shade.mean << " +- " << shade.sem);
  CHECK(shade.mean + kSigmas * shade.sem <= 0.5);
}

TEST_CASE("T4 one session without itch keeps two thirds of the pigment at day 42", "[model][T4]") {
  Parameters p = one_session(default_parameters());
  p.patient.attributes[static_cast<int>(Attribute::kItch)] = Distribution::constant(0);
  const auto cohort = simulate_cohort(p, kCohort);
  const auto retained =
      estimate(cohort, [](const PatientResult& r) { return daily(r, Daily::kRetained, 42); });
  INFO("retained at day 42.5: " << retained.mean << " +- " << retained.sem);
  CHECK(retained.mean - kSigmas * retained.sem >= 0.67 - 0.08);
  CHECK(retained.mean + kSigmas * retained.sem <= 0.67 + 0.08);
}

TEST_CASE("T5 retained pigment changes by at most 10% from day 7.5 to day 28.5", "[model][T5]") {
  const auto cohort = simulate_cohort(one_session(default_parameters()), kCohort);
  const auto early =
      estimate(cohort, [](const PatientResult& r) { return daily(r, Daily::kRetained, 7); });
  const auto loss = estimate(cohort, [](const PatientResult& r) {
    return daily(r, Daily::kRetained, 7) - daily(r, Daily::kRetained, 28);
  });
  INFO("retained(7.5) " << early.mean << ", loss to day 28.5 " << loss.mean << " +- " << loss.sem);
  CHECK(loss.mean + kSigmas * loss.sem <= 0.10 * early.mean);
  CHECK(loss.mean - kSigmas * loss.sem >= -0.10 * early.mean);
}

TEST_CASE("T6 the shade 21 and 30 days after the last session differ by at most 5%",
          "[model][T6]") {
  auto at_day = [](const PatientResult& r, double days_after_last) {
    const auto k = static_cast<std::size_t>(r.sessions.back().day + days_after_last);
    return daily(r, Daily::kShade, k);
  };
  const auto& cohort = default_cohort();
  const auto s21 = estimate(cohort, [&](const PatientResult& r) { return at_day(r, 21); });
  const auto d =
      estimate(cohort, [&](const PatientResult& r) { return at_day(r, 21) - at_day(r, 30); });
  INFO("shade +21: " << s21.mean << ", change to +30: " << d.mean << " +- " << d.sem);
  CHECK(std::abs(d.mean) + kSigmas * d.sem <= 0.05 * s21.mean);
}

TEST_CASE("T7 three sessions is the most common - 2 for at least 20% - 4 for 10-30%",
          "[model][T7]") {
  const auto& cohort = default_cohort();
  std::map<int, double> share;
  for (const PatientResult& r : cohort)
    share[static_cast<int>(at(r.outcomes, Outcome::kSessions))] += 1.0 / kCohort;
  const double n = kCohort;
  auto se = [n](double p) { return std::sqrt(p * (1 - p) / n); };
  // Standard error of a difference of two shares of one multinomial sample.
  auto se_difference = [n](double a, double b) {
    return std::sqrt((a + b - (a - b) * (a - b)) / n);
  };
  INFO("shares: 2: " << share[2] << ", 3: " << share[3] << ", 4: " << share[4]);
  CHECK(share[3] - share[2] >= kSigmas * se_difference(share[3], share[2]));
  CHECK(share[3] - share[4] >= kSigmas * se_difference(share[3], share[4]));
  CHECK(share[2] - kSigmas * se(share[2]) >= 0.20);
  CHECK(share[4] - kSigmas * se(share[4]) >= 0.10);
  CHECK(share[4] + kSigmas * se(share[4]) <= 0.30);
}

TEST_CASE("T9 hair at day 7.5 is 7.5 days of growth", "[model][T9]") {
  for (const PatientResult& r : default_cohort()) {
    const double expected = 7.5 * r.patient.hair_mm_per_day();
    REQUIRE(daily(r, Daily::kHairMm, 7) == Approx(expected).epsilon(1e-6));
  }
}

// T8: with common random numbers each change moves its outcome the stated way. The paired
// difference (changed - base) over the same patients must differ from zero by 4 standard errors.
namespace {

constexpr std::int64_t kPairedCohort = 1500;

const std::vector<PatientResult>& paired_base() {
  static const std::vector<PatientResult> base =
      simulate_cohort(default_parameters(), kPairedCohort);
  return base;
}

template <class F>
testing::Estimate paired_change(const std::vector<PatientResult>& changed, F outcome) {
  const auto& base = paired_base();
  RunningMoments d;
  for (std::size_t i = 0; i < base.size(); ++i) {
    REQUIRE(base[i].patient.id == changed[i].patient.id);
    d.add(outcome(changed[i]) - outcome(base[i]));
  }
  return {d.mean(), d.standard_error()};
}

double outcome_of(const PatientResult& r, Outcome o) {
  return at(r.outcomes, o);
}

void check_up(const testing::Estimate& change, const char* what) {
  INFO(what << ": paired change " << change.mean << " +- " << change.sem);
  CHECK(change.mean >= kSigmas * change.sem);
  CHECK(change.mean > 0);
}

void check_down(const testing::Estimate& change, const char* what) {
  INFO(what << ": paired change " << change.mean << " +- " << change.sem);
  CHECK(-change.mean >= kSigmas * change.sem);
  CHECK(change.mean < 0);
}

}  // namespace

TEST_CASE("T8 itch x 2 raises detachments and sessions and the first exam's patchiness",
          "[model][T8]") {
  Parameters p = default_parameters();
  // Gamma(mean, sd) scaled by 2 keeps its shape: each patient's itch exactly doubles.
  set_number(p, "patient.itch.mean", 2 * get_number(p, "patient.itch.mean"));
  set_number(p, "patient.itch.sd", 2 * get_number(p, "patient.itch.sd"));
  const auto changed = simulate_cohort(p, kPairedCohort);
  for (std::size_t i = 0; i < changed.size(); ++i) {
    REQUIRE(changed[i].patient.itch() == Approx(2 * paired_base()[i].patient.itch()));
  }
  check_up(
      paired_change(changed, [](auto& r) { return outcome_of(r, Outcome::kEarlyDetachments); }),
      "early_detachments");
  check_up(paired_change(changed, [](auto& r) { return outcome_of(r, Outcome::kSessions); }),
           "sessions");
  check_up(paired_change(changed, [](auto& r) { return r.sessions.front().patchiness_at_exam; }),
           "patchiness at the first examination");
}

TEST_CASE("T8 immune x 1.5 lowers retained pigment", "[model][T8]") {
  Parameters p = default_parameters();
  set_number(p, "patient.immune.median", 1.5 * get_number(p, "patient.immune.median"));
  check_down(paired_change(simulate_cohort(p, kPairedCohort),
                           [](auto& r) { return outcome_of(r, Outcome::kRetained); }),
             "retained");
}

TEST_CASE("T8 cap_um x 2 lowers the final shade", "[model][T8]") {
  Parameters p = default_parameters();
  p.optics.cap_um *= 2;
  check_down(paired_change(simulate_cohort(p, kPairedCohort),
                           [](auto& r) { return outcome_of(r, Outcome::kFinalShade); }),
             "final_shade");
}

TEST_CASE("T8 target depth + 100 um raises retained pigment and blowouts", "[model][T8]") {
  Parameters p = default_parameters();
  p.technician.target_depth_um += 100;
  const auto changed = simulate_cohort(p, kPairedCohort);
  check_up(paired_change(changed, [](auto& r) { return outcome_of(r, Outcome::kRetained); }),
           "retained");
  check_up(paired_change(changed, [](auto& r) { return outcome_of(r, Outcome::kBlowoutFraction); }),
           "blowout_fraction");
}

TEST_CASE("T8 cream_relief 0 -> 0.8 lowers early detachments", "[model][T8]") {
  Parameters none = default_parameters(), cream = default_parameters();
  none.aftercare.cream_relief = 0;
  cream.aftercare.cream_relief = 0.8;
  const auto without = simulate_cohort(none, kPairedCohort);
  const auto with = simulate_cohort(cream, kPairedCohort);
  RunningMoments d;
  for (std::size_t i = 0; i < with.size(); ++i) {
    d.add(outcome_of(with[i], Outcome::kEarlyDetachments) -
          outcome_of(without[i], Outcome::kEarlyDetachments));
  }
  check_down({d.mean(), d.standard_error()}, "early_detachments");
}
