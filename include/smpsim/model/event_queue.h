#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace smpsim {

// The events that change a patient's course and so must happen in time order. A dot's own
// timeline (clot, scab, closure, inflammation, packet fates) needs no queue: it is drawn whole
// at the puncture, and only a scratch episode, itself an event here, can rewrite it.
enum class EventKind : std::uint8_t {
  kSessionStart,  // the technician places a session's dots
  kScratch,       // a candidate scratch episode of one session's itch (thinning)
  kExamination,   // shave and examine; decide on the next session
  kFinal,         // the lasting look, final_day after the last session
};

struct Event {
  double time;
  std::uint64_t sequence;  // insertion order: ties in time keep the order they were scheduled
  EventKind kind;
  std::uint32_t session;
};

// A binary min-heap on (time, sequence). A patient has a handful of pending events (one
// session start or examination, one scratch candidate per session), so a heap in a small
// vector beats any calendar structure; ties resolve in scheduling order, deterministically.
class EventQueue {
 public:
  void push(double time, EventKind kind, std::uint32_t session);
  Event pop();
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

 private:
  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace smpsim
