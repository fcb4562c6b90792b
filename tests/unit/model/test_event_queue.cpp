#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "smpsim/model/event_queue.h"
#include "smpsim/model/rng.h"

using namespace smpsim;

TEST_CASE("events come out in time order", "[event_queue]") {
  EventQueue queue;
  RandomStream stream(3, 0, StreamPurpose::kDot);
  std::vector<double> times;
  for (int i = 0; i < 1000; ++i) {
    times.push_back(stream.uniform() * 100);
    queue.push(times.back(), EventKind::kScratch, 0);
  }
  std::sort(times.begin(), times.end());
  for (double t : times) CHECK(queue.pop().time == t);
  CHECK(queue.empty());
}

TEST_CASE("events at the same time keep the order they were scheduled in", "[event_queue]") {
  EventQueue queue;
  queue.push(5, EventKind::kExamination, 1);
  queue.push(2, EventKind::kScratch, 0);
  queue.push(5, EventKind::kSessionStart, 2);
  queue.push(5, EventKind::kFinal, 3);
  CHECK(queue.pop().kind == EventKind::kScratch);
  CHECK(queue.pop().session == 1);
  CHECK(queue.pop().session == 2);
  CHECK(queue.pop().session == 3);
}

TEST_CASE("events pushed while popping interleave correctly", "[event_queue]") {
  EventQueue queue;
  queue.push(1, EventKind::kScratch, 0);
  queue.push(10, EventKind::kFinal, 0);
  std::vector<double> popped;
  while (!queue.empty()) {
    const Event e = queue.pop();
    popped.push_back(e.time);
    if (e.time < 5) queue.push(e.time + 1.5, EventKind::kScratch, 0);
  }
  CHECK(popped == std::vector<double>{1, 2.5, 4, 5.5, 10});
  CHECK_THROWS(queue.pop());
}
