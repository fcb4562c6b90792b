#include "smpsim/model/event_queue.h"

#include <algorithm>
#include <stdexcept>

namespace smpsim {

namespace {
// std::push_heap keeps the largest first; "later" as the order puts the earliest first.
bool later(const Event& a, const Event& b) {
  return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
}
}  // namespace

void EventQueue::push(double time, EventKind kind, std::uint32_t session) {
  heap_.push_back({time, next_sequence_++, kind, session});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

Event EventQueue::pop() {
  if (heap_.empty()) throw std::logic_error("EventQueue::pop on an empty queue");
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const Event event = heap_.back();
  heap_.pop_back();
  return event;
}

}  // namespace smpsim
