#pragma once

#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace smpsim {

struct Parameters;

// The attributes every virtual patient draws (docs/model.md §2), in the order of the patients
// table.
enum class Attribute : std::uint8_t {
  kEpidermisUm,
  kPapillaryUm,
  kImmune,
  kFibroblast,
  kHealing,
  kItch,
  kAdherence,
  kHairMmPerDay,
  kContrast,
  kAge,
};
inline constexpr std::size_t kAttributeCount = 10;
inline constexpr std::array<std::string_view, kAttributeCount> kAttributeNames = {
    "epidermis_um", "papillary_um", "immune",          "fibroblast", "healing",
    "itch",         "adherence",    "hair_mm_per_day", "contrast",   "age"};

struct Patient {
  std::uint64_t id = 0;
  std::array<double, kAttributeCount> attributes{};
  // Touch-up only: visible density per region left by the faded earlier treatment.
  std::vector<double> prior_density;

  double operator[](Attribute a) const { return attributes[static_cast<std::size_t>(a)]; }
  double epidermis_um() const { return (*this)[Attribute::kEpidermisUm]; }
  double papillary_um() const { return (*this)[Attribute::kPapillaryUm]; }
  double immune() const { return (*this)[Attribute::kImmune]; }
  double fibroblast() const { return (*this)[Attribute::kFibroblast]; }
  double healing() const { return (*this)[Attribute::kHealing]; }
  double itch() const { return (*this)[Attribute::kItch]; }
  double adherence() const { return (*this)[Attribute::kAdherence]; }
  double hair_mm_per_day() const { return (*this)[Attribute::kHairMmPerDay]; }
  double contrast() const { return (*this)[Attribute::kContrast]; }
};

// Draws virtual patients: z ~ N(0, R) through the Cholesky factor of the correlation matrix,
// u = Φ(z), attribute = F⁻¹(u) (a Gaussian copula, docs/model.md §2). Built once per sweep point;
// `sample` is const and thread-safe.
class PatientSampler {
 public:
  explicit PatientSampler(const Parameters& parameters);
  Patient sample(std::uint64_t seed, std::uint64_t patient_id) const;

 private:
  const Parameters& parameters_;
  Eigen::MatrixXd cholesky_;  // lower triangular L with L Lᵀ = R
};

// The copula's correlation matrix R, in kAttributeNames order. Throws InputError naming the
// attributes involved when R is not positive definite.
Eigen::MatrixXd correlation_matrix(const Parameters& parameters);

}  // namespace smpsim
