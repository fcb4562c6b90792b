#pragma once

#include <cstdint>

#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/rng.h"

namespace smpsim {

struct Parameters;
struct Patient;

// The itch profile after a session: g(u), the Gamma(shape 4, scale 1) density, which peaks at
// u = 3 days when scabs dry and integrates to 1 (docs/model.md §4).
double itch_profile(double days_since_session);
inline constexpr double kItchProfilePeak = 0.22404180765538775;  // g(3) = 4.5 e^-3

// Scratch episodes after one session: a non-homogeneous Poisson process of rate
// intensity x g(u), sampled by thinning a homogeneous process of rate intensity x g(3).
class ScratchProcess {
 public:
  ScratchProcess(double intensity, double session_start, RandomStream stream);

  // The next candidate time (absolute days); kNever when the patient never scratches.
  double next_candidate();
  // Keeps a candidate with probability g(u) / g(3).
  bool accept(double time);
  RandomStream& stream() { return stream_; }

 private:
  double bound_rate_;
  double session_start_;
  double clock_;
  RandomStream stream_;
};

// How a scratch episode acts on scabs (docs/model.md §4), for one patient.
struct ScratchRules {
  ScratchRules(const Parameters& parameters, const Patient& patient);
  double intensity;           // itch x (1 - cream_relief x adherence)
  double detach_probability;  // p_detach x (1 - cover_protection x cover_hours/24 x adherence)
  double loss_open;
  double settle_days;
  std::uint32_t regions;
};

struct Episode {
  std::uint32_t region;
  int detachments;
};

// One episode at `time`: strikes a region at random; each scab present there comes off early
// with the detach probability, and tears away each of the dot's packets still in the skin with
// probability loss_open x e^(-u / settle_days); packets riding the scab leave with it.
Episode scratch(Scalp& scalp, double time, const ScratchRules& rules, RandomStream& stream);

}  // namespace smpsim
