#pragma once
// The time-ordered event queue of the discrete-event engine. Time is simulated days since the start
// of the run. Events at the same time run in a documented, stable order: scheduled market events
// (price changes, restocks) first, then return visits, then new arrivals; within a kind, in the
// order they were scheduled.

#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

namespace bundlesim {

enum class EventKind : uint8_t { kMarket = 0, kReturnVisit = 1, kArrival = 2 };

struct Event {
  double time_days = 0;
  EventKind kind = EventKind::kArrival;
  uint64_t sequence = 0;  // assigned by the queue; breaks ties in scheduling order
  uint64_t shopper = 0;   // kReturnVisit: who comes back
  int32_t index = 0;      // kReturnVisit: the visit number; kMarket: which scheduled event
};

class EventQueue {
 public:
  void push(Event event) {
    event.sequence = next_sequence_++;
    heap_.push(event);
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.top(); }
  Event pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      if (a.time_days != b.time_days) return a.time_days > b.time_days;
      if (a.kind != b.kind) return a.kind > b.kind;
      return a.sequence > b.sequence;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  uint64_t next_sequence_ = 0;
};

}  // namespace bundlesim
