#pragma once

#include <cstdint>

#include "smpsim/model/outcomes.h"

namespace smpsim {

struct Parameters;
struct Patient;
class EventLog;

// A bound on one patient's events, so that absurd parameters (an itch of 10^9 episodes) end
// with a message naming the patient rather than a hang.
inline constexpr std::uint64_t kMaxEventsPerPatient = 20'000'000;

// One patient's whole treatment (docs/model.md §1-5): sessions, every dot's life, scratching,
// examinations and the decision on each next session, the final look and the daily
// observations. Pure: the same parameters and patient give the same result on any thread.
// With `log`, also records every event for `smpsim trace`.
PatientResult simulate_patient(const Parameters& parameters, const Patient& patient,
                               EventLog* log = nullptr);

}  // namespace smpsim
