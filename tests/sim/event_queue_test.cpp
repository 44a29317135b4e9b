// The event queue: time order first; at equal times market events, then return visits, then
// arrivals; within a kind, scheduling order (the contract in sim/event_queue.h).

#include <doctest/doctest.h>

#include <vector>

#include "sim/event_queue.h"

using namespace bundlesim;

namespace {

Event at(double time_days, EventKind kind, int32_t index) {
  Event e;
  e.time_days = time_days;
  e.kind = kind;
  e.index = index;
  return e;
}

std::vector<int32_t> drain(EventQueue& queue) {
  std::vector<int32_t> order;
  while (!queue.empty()) order.push_back(queue.pop().index);
  return order;
}

}  // namespace

TEST_CASE("events come out in time order whatever order they were pushed in") {
  EventQueue queue;
  const double times[] = {3.5, 0.25, 9.0, 0.0, 2.0, 0.2500001};
  for (int k = 0; k < 6; ++k) queue.push(at(times[k], EventKind::kArrival, k));
  CHECK(queue.size() == 6);
  CHECK(drain(queue) == std::vector<int32_t>{3, 1, 5, 4, 0, 2});
}

TEST_CASE("at equal times market events run before return visits and return visits before arrivals") {
  EventQueue queue;
  // Pushed in the reverse of the documented order, all at the same instant.
  queue.push(at(1.0, EventKind::kArrival, 0));
  queue.push(at(1.0, EventKind::kReturnVisit, 1));
  queue.push(at(1.0, EventKind::kMarket, 2));
  queue.push(at(0.5, EventKind::kArrival, 3));
  CHECK(drain(queue) == std::vector<int32_t>{3, 2, 1, 0});
}

TEST_CASE("events of one kind at one time keep their scheduling order") {
  // A heap is not stable by itself; the queue's sequence numbers make it so. 200 ties in each kind,
  // interleaved, must come out in push order within each kind.
  EventQueue queue;
  for (int k = 0; k < 600; ++k) queue.push(at(2.0, static_cast<EventKind>(k % 3), k));
  std::vector<int32_t> expected;
  for (int kind = 0; kind < 3; ++kind) {
    for (int k = kind; k < 600; k += 3) expected.push_back(k);
  }
  CHECK(drain(queue) == expected);
}

TEST_CASE("the queue assigns increasing sequence numbers and keeps the payload") {
  EventQueue queue;
  Event e = at(1.0, EventKind::kReturnVisit, 4);
  e.shopper = 77;
  e.sequence = 999;  // ignored: the queue numbers events itself
  queue.push(e);
  queue.push(at(1.0, EventKind::kReturnVisit, 5));
  Event first = queue.pop(), second = queue.pop();
  CHECK(first.shopper == 77);
  CHECK(first.index == 4);
  CHECK(first.sequence == 0);
  CHECK(second.sequence == 1);
  CHECK(queue.empty());
}
