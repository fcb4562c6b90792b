#include "smpsim/model/session_dots.h"

#include <algorithm>

namespace smpsim {

SessionDots::SessionDots(const Technician& technician, const DotKinetics& kinetics,
                         std::uint64_t seed, std::uint64_t patient_id)
    : technician_(technician),
      kinetics_(kinetics),
      seed_(seed),
      patient_id_(patient_id),
      words_(kinetics.packets_per_dot()) {}

void SessionDots::draw(const RegionPlan& plan, const SessionMove& move, std::uint32_t session,
                       double session_start, std::int64_t dots, Scalp& scalp) {
  constexpr auto kChunk = static_cast<std::int64_t>(DotWords::kChunk);
  for (std::int64_t first = 0; first < dots; first += kChunk) {
    const auto chunk = static_cast<std::size_t>(std::min(dots - first, kChunk));
    words_.draw(seed_, patient_id_, session, static_cast<std::uint32_t>(first), chunk);
    technician_.punctures(plan, move, session_start, words_, punctures_);
    kinetics_.draw(punctures_, static_cast<std::uint16_t>(session), words_, scalp);
  }
}

}  // namespace smpsim
