#pragma once

// The bytes of one patient's output in memory layout, as ResultWriter packs them: what the
// writer benchmark's bytes/s counts and what the kernel's floor charges at that speed.

#include <cstddef>
#include <cstdint>

#include "smpsim/model/outcomes.h"
#include "smpsim/model/patient.h"

namespace smpsim::bench {

inline std::size_t raw_bytes(const PatientResult& result) {
  std::size_t patient_row = sizeof(std::int64_t) + kAttributeCount * sizeof(double);
  for (const OutcomeInfo& outcome : kOutcomes) {
    switch (outcome.kind) {
      case OutcomeKind::kReal:
        patient_row += sizeof(double);
        break;
      case OutcomeKind::kCount:
        patient_row += sizeof(std::int32_t);
        break;
      case OutcomeKind::kFlag:
        patient_row += sizeof(std::int8_t);
        break;
    }
  }
  // patient_id, session, day, dots, coverage, patchiness, hair
  constexpr std::size_t kSessionRow =
      sizeof(std::int64_t) + 2 * sizeof(std::int32_t) + 4 * sizeof(double);
  return patient_row + result.sessions.size() * kSessionRow +
         result.daily.values.size() * sizeof(float);
}

}  // namespace smpsim::bench
