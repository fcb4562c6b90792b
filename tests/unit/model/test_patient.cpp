#include <catch2/catch.hpp>

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <vector>

#include "smpsim/config/config.h"
#include "smpsim/model/error.h"
#include "smpsim/model/outcomes.h"
#include "smpsim/model/patient.h"

using namespace smpsim;

namespace {

constexpr int kPatients = 20000;

// The normal score of an attribute's value: Φ⁻¹(F(x)), which the copula made N(0, 1).
double normal_score(const Distribution& d, double x) {
  const boost::math::normal unit;
  switch (d.kind()) {
    case DistributionKind::kUniform:
      return boost::math::quantile(unit, (x - d.field(0)) / (d.field(1) - d.field(0)));
    case DistributionKind::kLogNormal:
      return std::log(x / d.field(0)) / d.field(1);
    case DistributionKind::kNormal:
      return (x - d.field(0)) / d.field(1);
    default:
      FAIL("no normal score for this family");
      return 0;
  }
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= a.size(), mb /= b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

std::vector<double> scores(const std::vector<Patient>& patients, const Parameters& p, Attribute a) {
  std::vector<double> z;
  for (const Patient& patient : patients) z.push_back(normal_score(p.patient[a], patient[a]));
  return z;
}

}  // namespace

TEST_CASE("the copula recovers its correlations and keeps the marginals", "[patient]") {
  Parameters p = default_parameters();
  p.patient.correlations = {
      {"age", "healing", -0.4}, {"immune", "fibroblast", 0.3}, {"epidermis_um", "contrast", 0.6}};
  const PatientSampler sampler(p);
  std::vector<Patient> patients;
  for (int i = 0; i < kPatients; ++i) patients.push_back(sampler.sample(11, i));

  // Standard error of a sample correlation: (1 - rho^2) / sqrt(n).
  auto check_pair = [&](Attribute a, Attribute b, double rho) {
    const double r = correlation(scores(patients, p, a), scores(patients, p, b));
    INFO(kAttributeNames[static_cast<int>(a)] << " x " << kAttributeNames[static_cast<int>(b)]
                                              << ": r = " << r);
    CHECK(std::abs(r - rho) <= 4 * (1 - rho * rho) / std::sqrt(kPatients));
  };
  check_pair(Attribute::kAge, Attribute::kHealing, -0.4);
  check_pair(Attribute::kImmune, Attribute::kFibroblast, 0.3);
  check_pair(Attribute::kEpidermisUm, Attribute::kContrast, 0.6);
  check_pair(Attribute::kAge, Attribute::kImmune, 0.0);

  // Marginals: each attribute's mean is its distribution's mean.
  for (std::size_t a = 0; a < kAttributeCount; ++a) {
    RunningMoments m;
    for (const Patient& patient : patients) m.add(patient.attributes[a]);
    INFO(kAttributeNames[a]);
    CHECK(std::abs(m.mean() - p.patient.attributes[a].mean()) <= 4 * m.standard_error());
  }
}

TEST_CASE("a patient is the same whoever samples it and whenever", "[patient]") {
  const Parameters p = default_parameters();
  const PatientSampler a(p), b(p);
  const Patient first = a.sample(5, 123);
  b.sample(5, 7);
  CHECK(b.sample(5, 123).attributes == first.attributes);
  CHECK(a.sample(6, 123).attributes != first.attributes);
}

TEST_CASE("a correlation matrix that is not positive definite names its attributes", "[patient]") {
  Parameters p = default_parameters();
  p.patient.correlations = {
      {"age", "healing", 0.9}, {"healing", "immune", 0.9}, {"age", "immune", -0.9}};
  try {
    correlation_matrix(p);
    FAIL("expected an error");
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find("patient.correlation") != std::string::npos);
    CHECK(message.find("age") != std::string::npos);
    CHECK(message.find("healing") != std::string::npos);
    CHECK(message.find("immune") != std::string::npos);
    CHECK(message.find("contrast") == std::string::npos);
  }
}

TEST_CASE("a touch-up patient carries a prior density per region", "[patient]") {
  Parameters p = default_parameters();
  p.protocol.touch_up = true;
  const Patient patient = PatientSampler(p).sample(1, 3);
  REQUIRE(patient.prior_density.size() == 16);
  for (double d : patient.prior_density) {
    CHECK(d >= 0);
    CHECK(d <= 1.2);
  }
  p.protocol.touch_up = false;
  CHECK(PatientSampler(p).sample(1, 3).prior_density.empty());
}
