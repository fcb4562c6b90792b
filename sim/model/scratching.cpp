#include "smpsim/model/scratching.h"

#include <boost/random/exponential_distribution.hpp>

#include <cmath>

#include "smpsim/model/parameters.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/work_counts.h"

namespace smpsim {

double itch_profile(double u) {
  return u > 0 ? u * u * u * std::exp(-u) / 6 : 0.0;
}

ScratchProcess::ScratchProcess(double intensity, double session_start, RandomStream stream)
    : bound_rate_(intensity * kItchProfilePeak),
      session_start_(session_start),
      clock_(session_start),
      stream_(stream) {}

double ScratchProcess::next_candidate() {
  if (bound_rate_ <= 0) return kNever;
  SMPSIM_COUNT(exponentials, 1);
  clock_ += boost::random::exponential_distribution<double>(bound_rate_)(stream_);
  return clock_;
}

bool ScratchProcess::accept(double time) {
  SMPSIM_COUNT(scalar_exp, 1);  // itch_profile
  return stream_.uniform() * kItchProfilePeak < itch_profile(time - session_start_);
}

ScratchRules::ScratchRules(const Parameters& parameters, const Patient& patient)
    : intensity(patient.itch() * (1 - parameters.aftercare.cream_relief * patient.adherence())),
      detach_probability(parameters.kinetics.p_detach *
                         (1 - parameters.aftercare.cover_protection *
                                  parameters.aftercare.cover_hours_per_day / 24 *
                                  patient.adherence())),
      loss_open(parameters.kinetics.loss_open),
      settle_days(parameters.kinetics.settle_days),
      regions(static_cast<std::uint32_t>(parameters.technician.regions)) {}

Episode scratch(Scalp& scalp, double time, const ScratchRules& rules, RandomStream& stream) {
  Episode episode{static_cast<std::uint32_t>(stream.uniform() * rules.regions), 0};
  if (episode.region >= rules.regions) episode.region = rules.regions - 1;
  for (const std::uint32_t d : scalp.region_dots[episode.region]) {
    Dot& dot = scalp.dots[d];
    if (!dot.scab_present(time) || stream.uniform() >= rules.detach_probability) continue;
    scalp.tear_scab(d, time);
    ++episode.detachments;
    SMPSIM_COUNT(scalar_exp, 1);
    const double loss = rules.loss_open * std::exp(-(time - dot.puncture) / rules.settle_days);
    for (Packet& packet : scalp.packets_of(d)) {
      if (packet.exit <= time) continue;  // already gone
      if (packet.fate == PacketFate::kWithScab) {
        packet.exit = time;
      } else if (stream.uniform() < loss) {
        packet.fate = PacketFate::kTornOff;
        packet.exit = time;
        if (packet.settled > time) packet.settled = kNever;  // torn off before it settled
      }
    }
  }
  return episode;
}

}  // namespace smpsim
