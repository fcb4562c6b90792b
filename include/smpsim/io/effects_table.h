#pragma once

#include <cstdint>
#include <string>

namespace smpsim {

// One row of /effects: a point's paired difference from its baseline in one outcome, patient
// by patient on common random numbers (docs/running.md, "Paired effects").
struct Effect {
  std::int64_t point;
  std::int64_t baseline;
  std::string outcome;
  double mean;    // mean of (point - baseline) over the patients both have
  double sem;     // its standard error
  double ci_low;  // 95 % interval: mean -/+ 1.96 sem
  double ci_high;
  double sem_ratio;  // sem over the SEM two independent cohorts would give: < 1 is CRN's gain
};

}  // namespace smpsim
