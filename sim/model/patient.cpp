#include "smpsim/model/patient.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "smpsim/model/error.h"
#include "smpsim/model/parameters.h"
#include "smpsim/model/rng.h"

namespace smpsim {

namespace {

std::size_t attribute_index(const std::string& name) {
  return static_cast<std::size_t>(std::find(kAttributeNames.begin(), kAttributeNames.end(), name) -
                                  kAttributeNames.begin());
}

}  // namespace

Eigen::MatrixXd correlation_matrix(const Parameters& parameters) {
  const auto n = static_cast<Eigen::Index>(kAttributeCount);
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(n, n);
  for (const Correlation& c : parameters.patient.correlations) {
    const auto i = static_cast<Eigen::Index>(attribute_index(c.first));
    const auto j = static_cast<Eigen::Index>(attribute_index(c.second));
    r(i, j) = r(j, i) = c.rho;
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(r);
  // LLT succeeds on matrices that are only semi-definite up to rounding; require a margin.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(r);
  constexpr double kSmallestEigenvalue = 1e-9;
  if (llt.info() != Eigen::Success || eigen.eigenvalues()(0) < kSmallestEigenvalue) {
    // The attributes involved: the large components of the eigenvector of the smallest
    // eigenvalue, the direction in which R fails to be a covariance.
    const Eigen::VectorXd direction = eigen.eigenvectors().col(0);
    std::ostringstream names;
    const char* separator = "";
    for (Eigen::Index i = 0; i < n; ++i) {
      if (std::abs(direction(i)) > 0.1) {
        names << separator << kAttributeNames[static_cast<std::size_t>(i)];
        separator = ", ";
      }
    }
    std::ostringstream message;
    message << "patient.correlation: the correlations among " << names.str()
            << " are not consistent (the matrix is not positive definite; smallest eigenvalue "
            << eigen.eigenvalues()(0) << "); weaken some of them";
    throw InputError(message.str());
  }
  return r;
}

PatientSampler::PatientSampler(const Parameters& parameters)
    : parameters_(parameters),
      cholesky_(Eigen::LLT<Eigen::MatrixXd>(correlation_matrix(parameters)).matrixL()) {}

Patient PatientSampler::sample(std::uint64_t seed, std::uint64_t patient_id) const {
  RandomStream stream(seed, patient_id, StreamPurpose::kAttributes);
  boost::random::normal_distribution<double> unit_normal;
  Eigen::VectorXd independent(static_cast<Eigen::Index>(kAttributeCount));
  for (Eigen::Index i = 0; i < independent.size(); ++i) independent(i) = unit_normal(stream);
  const Eigen::VectorXd correlated = cholesky_ * independent;

  Patient patient;
  patient.id = patient_id;
  for (std::size_t i = 0; i < kAttributeCount; ++i) {
    // Clamp so Φ(z) stays inside (0, 1) in double precision.
    const double z = std::clamp(correlated(static_cast<Eigen::Index>(i)), -37.0, 37.0);
    patient.attributes[i] =
        parameters_.patient.attributes[i].quantile(standard_normal_cdf(z), standard_normal_cdf(-z));
  }
  if (parameters_.protocol.touch_up) {
    RandomStream prior(seed, patient_id, StreamPurpose::kPriorDensity);
    patient.prior_density.resize(static_cast<std::size_t>(parameters_.technician.regions));
    for (double& density : patient.prior_density) {
      density = parameters_.protocol.prior_density.sample(prior);
    }
  }
  return patient;
}

}  // namespace smpsim
