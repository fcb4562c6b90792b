#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smpsim/model/dot_kinetics.h"
#include "smpsim/model/outcomes.h"

namespace smpsim {

// One row of `smpsim trace`: time,event,dot,region,detail.
struct TraceRow {
  double time;
  std::string event;
  std::optional<std::int64_t> dot;
  std::optional<std::int64_t> region;
  std::string detail;
};

// What happened to one patient, event by event. The simulation fills it as it runs (session
// starts, scratch episodes, examinations, the final look); the dots' own timelines and the
// daily observations are added from the finished patient, so the trace is exactly the run's.
class EventLog {
 public:
  void add(double time, std::string event, std::string detail = {},
           std::optional<std::int64_t> dot = std::nullopt,
           std::optional<std::int64_t> region = std::nullopt);
  void add_dots(const Scalp& scalp, double until);
  void add_daily(const DailyObservations& daily);
  // Rows in time order (stable: same-time rows keep the order they were added in).
  std::vector<TraceRow> in_time_order() const;

  const std::vector<TraceRow>& rows() const { return rows_; }

 private:
  std::vector<TraceRow> rows_;
};

// "name=value;name=value" with exact numbers, for trace details.
std::string format_outcomes(const Outcomes& outcomes);
// Region densities as "d0|d1|...", region by region.
std::string format_densities(std::span<const double> densities);

}  // namespace smpsim
