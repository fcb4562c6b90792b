#include "smpsim/model/simulation.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "smpsim/model/distributions.h"
#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/error.h"
#include "smpsim/model/event_log.h"
#include "smpsim/model/event_queue.h"
#include "smpsim/model/format.h"
#include "smpsim/model/observation.h"
#include "smpsim/model/parameters.h"
#include "smpsim/model/patient.h"
#include "smpsim/model/rng.h"
#include "smpsim/model/scratching.h"
#include "smpsim/model/session_dots.h"
#include "smpsim/model/technician.h"

namespace smpsim {

namespace {

// The dots of a treatment of max_sessions, for the arrays to hold them all from the start and
// never regrow (a regrowing array copies every dot placed so far). Bounded so that an absurd
// max_sessions x dots_per_session asks for no more than it uses.
std::size_t most_dots(const Parameters& parameters) {
  constexpr std::int64_t kMostDotsReserved = 1 << 16;
  return static_cast<std::size_t>(
      std::min(parameters.protocol.max_sessions * parameters.technician.dots_per_session,
               kMostDotsReserved));
}

// One patient's treatment as a discrete-event simulation.
class Treatment {
 public:
  Treatment(const Parameters& parameters, const Patient& patient, EventLog* log)
      : parameters_(parameters),
        protocol_(parameters.protocol),
        patient_(patient),
        seed_(static_cast<std::uint64_t>(parameters.run.seed)),
        kinetics_(parameters, patient),
        technician_(parameters),
        itch_(parameters, patient),
        observer_(parameters, patient),
        scalp_(static_cast<std::size_t>(parameters.kinetics.packets_per_dot),
               static_cast<std::size_t>(parameters.technician.regions)),
        session_dots_(technician_, kinetics_, seed_, patient.id),
        log_(log) {
    result_.patient = patient;
    scalp_.reserve(most_dots(parameters));
  }

  PatientResult run() {
    queue_.push(0.0, EventKind::kSessionStart, 0);
    std::uint64_t events = 0;
    for (bool finished = false; !finished;) {
      const Event event = queue_.pop();
      if (++events > kMaxEventsPerPatient) {
        // Bad input, not a failure: the itch the config asks for cannot be simulated.
        throw InputError("patient " + std::to_string(patient_.id) + ": more than " +
                         std::to_string(kMaxEventsPerPatient) + " events (scratch intensity " +
                         format_number(itch_.intensity) + " per session); lower patient.itch");
      }
      switch (event.kind) {
        case EventKind::kSessionStart:
          start_session(event);
          break;
        case EventKind::kScratch:
          consider_scratch(event);
          break;
        case EventKind::kExamination:
          examine(event);
          break;
        case EventKind::kFinal:
          take_final_look(event);
          finished = true;
          break;
      }
    }
    if (parameters_.run.daily) result_.daily = observer_.daily(scalp_, session_starts_);
    if (log_) {
      const double end = std::max(final_time_, static_cast<double>(protocol_.horizon_days) + 0.5);
      log_->add_dots(scalp_, end);
      log_->add_daily(result_.daily);
    }
    return std::move(result_);
  }

 private:
  // The technician places the session's dots; each dot's life is drawn whole from its own
  // stream's words, a chunk of dots at a time; the session's itch starts.
  void start_session(const Event& event) {
    const std::uint32_t session = event.session;
    session_starts_.push_back(event.time);
    const bool spread_evenly = session == 0 && !protocol_.touch_up;
    const RegionPlan plan =
        spread_evenly ? technician_.uniform_plan() : technician_.plan(region_density_seen());
    // The first session (a touch-up's too) works as planned; later ones as the last examination
    // told the technician (docs/model.md §3.1).
    if (session > 0) move_ = technician_.next_move(move_, last_findings_);
    const auto dots = parameters_.technician.dots_per_session;
    session_dots_.draw(plan, move_, session, event.time, dots, scalp_);
    observer_.add_session(scalp_, session_starts_);
    result_.sessions.push_back({static_cast<std::int32_t>(session + 1), event.time,
                                static_cast<std::int32_t>(dots), 0, 0, 0, move_.depth_shift_um,
                                move_.pigment_factor, 0, 0, 0});
    if (log_) {
      log_->add(event.time, "session_start",
                "session=" + std::to_string(session + 1) +
                    ";depth_shift_um=" + format_number(move_.depth_shift_um) +
                    ";pigment_factor=" + format_number(move_.pigment_factor));
    }

    itch_processes_.emplace_back(
        itch_.intensity, event.time,
        RandomStream(seed_, patient_.id, StreamPurpose::kScratch, session));
    schedule_scratch(session);
    queue_.push(event.time + protocol_.assess_day, EventKind::kExamination, session);
  }

  void schedule_scratch(std::uint32_t session) {
    const double candidate = itch_processes_[session].next_candidate();
    if (candidate != kNever) queue_.push(candidate, EventKind::kScratch, session);
  }

  // A candidate of the thinned itch process: an episode if accepted; then the next candidate.
  void consider_scratch(const Event& event) {
    ScratchProcess& process = itch_processes_[event.session];
    if (process.accept(event.time)) {
      const Episode episode = scratch(scalp_, event.time, itch_, process.stream());
      ++scratch_episodes_;
      early_detachments_ += episode.detachments;
      if (log_) {
        log_->add(event.time, "scratch", "detached=" + std::to_string(episode.detachments),
                  std::nullopt, episode.region);
      }
    }
    schedule_scratch(event.session);
  }

  // The patient shaves, the technician examines and decides: another session while fewer than
  // the required sessions, or while coverage is short of target and sessions remain (§5).
  void examine(const Event& event) {
    const Examination exam = observer_.examine(scalp_, session_starts_, event.time);
    last_exam_ = exam.seen;
    last_findings_ = exam.findings;
    SessionRecord& record = result_.sessions.back();
    record.blowout_share = exam.findings.blowout_share;
    record.lost_share = exam.findings.lost_share;
    record.faint_share = exam.findings.faint_share;
    record.coverage_at_exam = last_exam_.coverage;
    record.patchiness_at_exam = last_exam_.patchiness;
    record.hair_mm_at_exam = observer_.hair_mm(event.time, session_starts_);

    const auto sessions = static_cast<std::int64_t>(session_starts_.size());
    const bool another = sessions < protocol_.required_sessions() ||
                         (last_exam_.coverage < parameters_.technician.coverage_target &&
                          sessions < protocol_.max_sessions);
    const double last_start = session_starts_.back();
    if (another) {
      queue_.push(last_start + protocol_.session_gap_days(), EventKind::kSessionStart,
                  event.session + 1);
    } else {
      final_time_ = last_start + protocol_.final_day;
      queue_.push(final_time_, EventKind::kFinal, event.session);
    }
    if (log_) {
      std::ostringstream detail;
      detail << "session=" << event.session + 1
             << ";coverage=" << format_number(last_exam_.coverage)
             << ";patchiness=" << format_number(last_exam_.patchiness)
             << ";decision=" << (another ? "another session" : "done");
      if (another) {
        const SessionMove next = technician_.next_move(move_, last_findings_);
        detail << ";blowout_share=" << format_number(last_findings_.blowout_share)
               << ";lost_share=" << format_number(last_findings_.lost_share)
               << ";faint_share=" << format_number(last_findings_.faint_share)
               << ";next_depth_shift_um=" << format_number(next.depth_shift_um)
               << ";next_pigment_factor=" << format_number(next.pigment_factor);
      }
      detail << ";region_density=" << format_densities(last_exam_.region_density);
      log_->add(event.time, "examination", detail.str());
    }
  }

  // What the technician saw at the last examination (or, for a touch-up's first session, the
  // faded earlier treatment).
  std::vector<double> region_density_seen() const {
    if (!last_exam_.region_density.empty()) return last_exam_.region_density;
    return patient_.prior_density;
  }

  void take_final_look(const Event& event) {
    const ScalpSnapshot look = observer_.snapshot(scalp_, session_starts_, event.time);
    Outcomes& o = result_.outcomes;
    at(o, Outcome::kFinalCoverage) = look.coverage;
    at(o, Outcome::kFinalShade) = look.shade;
    at(o, Outcome::kRetained) = look.retained;
    at(o, Outcome::kPatchiness) = look.patchiness;
    const auto deep = std::count_if(scalp_.dots.begin(), scalp_.dots.end(),
                                    [](const Dot& d) { return d.layer == DotLayer::kDeep; });
    at(o, Outcome::kBlowoutFraction) =
        static_cast<double>(deep) / static_cast<double>(scalp_.dots.size());
    at(o, Outcome::kSessions) = static_cast<double>(session_starts_.size());
    at(o, Outcome::kTreatmentDays) = session_starts_.back() - session_starts_.front();
    at(o, Outcome::kScratchEpisodes) = static_cast<double>(scratch_episodes_);
    at(o, Outcome::kEarlyDetachments) = static_cast<double>(early_detachments_);
    // Version 2: blurred dots are a visible defect (docs/model.md §5).
    const bool few_blowouts =
        parameters_.version_one() || at(o, Outcome::kBlowoutFraction) <= protocol_.blowout_max;
    at(o, Outcome::kSatisfied) = look.coverage >= parameters_.technician.coverage_target &&
                                         look.patchiness <= protocol_.patchiness_max && few_blowouts
                                     ? 1.0
                                     : 0.0;
    at(o, Outcome::kRednessResolvedDay) = observer_.redness_resolved_day(scalp_, session_starts_);
    at(o, Outcome::kScabsClearedDay) = observer_.scabs_cleared_day(scalp_, session_starts_);
    if (log_) {
      log_->add(event.time, "final",
                format_outcomes(o) + ";region_density=" + format_densities(look.region_density));
    }
  }

  const Parameters& parameters_;
  const Protocol& protocol_;
  const Patient& patient_;
  const std::uint64_t seed_;
  const DotKinetics kinetics_;
  const Technician technician_;
  const ScratchRules itch_;
  Observer observer_;

  Scalp scalp_;
  SessionDots session_dots_;
  EventQueue queue_;
  std::vector<double> session_starts_;
  std::vector<ScratchProcess> itch_processes_;
  ScalpSnapshot last_exam_;
  SessionFindings last_findings_;
  SessionMove move_;
  double final_time_ = 0;
  std::int64_t scratch_episodes_ = 0;
  std::int64_t early_detachments_ = 0;
  PatientResult result_;
  EventLog* log_;
};

}  // namespace

PatientResult simulate_patient(const Parameters& parameters, const Patient& patient,
                               EventLog* log) {
  return Treatment(parameters, patient, log).run();
}

}  // namespace smpsim
