#pragma once

#include <cstdint>

#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/technician.h"

namespace smpsim {

// Draws the dots of one patient's sessions (docs/model.md §4, §7): a chunk of dots at a time,
// their words from their own streams, the technician's punctures, then their lives, appended to
// the patient's Scalp.
class SessionDots {
 public:
  SessionDots(const Technician& technician, const DotKinetics& kinetics, std::uint64_t seed,
              std::uint64_t patient_id);

  void draw(const RegionPlan& plan, const SessionMove& move, std::uint32_t session,
            double session_start, std::int64_t dots, Scalp& scalp);

 private:
  const Technician& technician_;
  const DotKinetics& kinetics_;
  std::uint64_t seed_, patient_id_;
  DotWords words_;
  Punctures punctures_;
};

}  // namespace smpsim
