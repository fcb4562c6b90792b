#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "smpsim/config/config.h"
#include "smpsim/io/trace_csv.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/simulation.h"
#include "support.h"

using namespace smpsim;

namespace {

Parameters small_parameters() {
  Parameters p = default_parameters();
  p.technician.dots_per_session = 160;
  return p;
}

PatientResult simulate(const Parameters& p, std::uint64_t id, EventLog* log = nullptr) {
  return simulate_patient(p, PatientSampler(p).sample(p.run.seed, id), log);
}

}  // namespace

TEST_CASE("a patient's course is the same every time it is simulated", "[simulation]") {
  const Parameters p = small_parameters();
  const PatientResult a = simulate(p, 12), b = simulate(p, 12);
  CHECK(a.outcomes == b.outcomes);
  CHECK(a.daily.values == b.daily.values);
  REQUIRE(a.sessions.size() == b.sessions.size());
  CHECK(simulate(p, 13).outcomes != a.outcomes);
}

TEST_CASE("sessions follow the protocol: the required ones then more until coverage or the maximum",
          "[simulation]") {
  Parameters p = small_parameters();
  SECTION("coverage already met: exactly min_sessions") {
    p.technician.coverage_target = 0;
    for (int id = 0; id < 20; ++id) {
      const PatientResult r = simulate(p, id);
      CHECK(r.sessions.size() == 2);
      CHECK(r.sessions[1].day == p.protocol.gap_days);
    }
  }
  SECTION("coverage never met: max_sessions, min_gap_days apart when gap_days is shorter") {
    p.technician.density_target = 1e5;
    p.protocol.gap_days = 5;
    p.protocol.assess_day = 6;
    for (int id = 0; id < 20; ++id) {
      const PatientResult r = simulate(p, id);
      REQUIRE(r.sessions.size() == 4);
      CHECK(r.sessions[3].day == 3 * p.protocol.min_gap_days);
      CHECK(at(r.outcomes, Outcome::kTreatmentDays) == 3 * p.protocol.min_gap_days);
      CHECK(at(r.outcomes, Outcome::kSatisfied) == 0);
    }
  }
  SECTION("a touch-up may end after one session") {
    p.protocol.touch_up = true;
    p.technician.coverage_target = 0;
    CHECK(simulate(p, 1).sessions.size() == 1);
  }
}

TEST_CASE("outcomes are finite and within their ranges", "[simulation]") {
  const Parameters p = small_parameters();
  for (int id = 0; id < 30; ++id) {
    const PatientResult r = simulate(p, id);
    for (double v : r.outcomes) REQUIRE(std::isfinite(v));
    for (Outcome share : {Outcome::kFinalCoverage, Outcome::kRetained, Outcome::kBlowoutFraction,
                          Outcome::kSatisfied}) {
      CHECK(at(r.outcomes, share) >= 0);
      CHECK(at(r.outcomes, share) <= 1);
    }
    CHECK(at(r.outcomes, Outcome::kFinalShade) > 0);
    CHECK(at(r.outcomes, Outcome::kEarlyDetachments) >= 0);
    CHECK(at(r.outcomes, Outcome::kRednessResolvedDay) > 0);
  }
}

TEST_CASE("the trace records the run's own events and results", "[simulation]") {
  const Parameters p = small_parameters();
  EventLog log;
  const PatientResult traced = simulate(p, 5, &log);
  CHECK(traced.outcomes == simulate(p, 5).outcomes);  // tracing changes nothing

  std::ostringstream csv;
  write_trace_csv(log, csv);
  std::istringstream lines(csv.str());
  std::string line;
  std::getline(lines, line);
  CHECK(line == "time,event,dot,region,detail");
  double previous = -1;
  int punctures = 0, finals = 0, observations = 0;
  while (std::getline(lines, line)) {
    const double time = std::stod(line.substr(0, line.find(',')));
    CHECK(time >= previous);
    previous = time;
    punctures += line.find(",puncture,") != std::string::npos;
    observations += line.find(",observation,") != std::string::npos;
    if (line.find(",final,") != std::string::npos) {
      ++finals;
      CHECK(line.find(format_outcomes(traced.outcomes)) != std::string::npos);
    }
  }
  CHECK(punctures == 160 * static_cast<int>(traced.sessions.size()));
  CHECK(finals == 1);
  CHECK(observations == p.protocol.horizon_days + 1);
}

TEST_CASE("absurd itch ends with a message naming the patient rather than a hang", "[simulation]") {
  Parameters p = small_parameters();
  p.patient.attributes[static_cast<int>(Attribute::kItch)] = Distribution::constant(1e9);
  try {
    simulate(p, 77);
    FAIL("expected an error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("patient 77") != std::string::npos);
  }
}
