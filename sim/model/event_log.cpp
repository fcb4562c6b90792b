#include "smpsim/model/event_log.h"

#include <algorithm>
#include <sstream>

#include "smpsim/model/distributions.h"
#include "smpsim/model/format.h"

namespace smpsim {

namespace {

std::string_view layer_name(DotLayer layer) {
  switch (layer) {
    case DotLayer::kEpidermal:
      return "epidermal";
    case DotLayer::kTarget:
      return "target";
    case DotLayer::kDeep:
      return "deep";
  }
  return "";
}

std::string_view exit_event(PacketFate fate) {
  switch (fate) {
    case PacketFate::kWithScab:
      return "packet_shed_with_scab";
    case PacketFate::kTurnover:
      return "packet_turnover";
    case PacketFate::kCleared:
      return "packet_cleared";
    case PacketFate::kEncapsulated:
      return "packet_released_cleared";
    case PacketFate::kTornOff:
      return "packet_torn_off";
  }
  return "";
}

}  // namespace

void EventLog::add(double time, std::string event, std::string detail,
                   std::optional<std::int64_t> dot, std::optional<std::int64_t> region) {
  rows_.push_back({time, std::move(event), dot, region, std::move(detail)});
}

void EventLog::add_dots(const Scalp& scalp, double until) {
  for (std::size_t d = 0; d < scalp.dots.size(); ++d) {
    const Dot& dot = scalp.dots[d];
    const auto id = static_cast<std::int64_t>(d);
    const auto region = static_cast<std::int64_t>(dot.region);
    auto event = [&](double time, std::string name, std::string detail = {}) {
      if (time <= until) add(time, std::move(name), std::move(detail), id, region);
    };
    event(dot.puncture, "puncture",
          "session=" + std::to_string(dot.session + 1) + ";depth_um=" +
              format_number(dot.depth_um) + ";layer=" + std::string(layer_name(dot.layer)) +
              ";pigment=" + format_number(dot.pigment));
    event(dot.clot, "clot");
    if (dot.has_scab()) event(dot.scab_form, "scab_form");
    event(dot.closure, "closure");
    event(dot.inflammation_end, "inflammation_resolved");
    if (dot.has_scab()) event(dot.scab_off, dot.scab_torn ? "scab_torn_off" : "scab_shed");
    const auto packets = scalp.packets_of(d);
    for (std::size_t p = 0; p < packets.size(); ++p) {
      const Packet& packet = packets[p];
      const std::string which =
          "packet=" + std::to_string(p) + ";depth_um=" + format_number(packet.depth_um);
      if (packet.settled != kNever) event(packet.settled, "packet_encapsulated", which);
      if (packet.exit != kNever) event(packet.exit, std::string(exit_event(packet.fate)), which);
    }
  }
}

void EventLog::add_daily(const DailyObservations& daily) {
  for (std::size_t k = 0; k < daily.days; ++k) {
    std::ostringstream detail;
    for (std::size_t s = 0; s < kDailyCount; ++s) {
      detail << (s ? ";" : "") << kDailyNames[s] << "="
             << format_number(daily.series(static_cast<Daily>(s))[k]);
    }
    add(static_cast<double>(k) + 0.5, "observation", detail.str());
  }
}

std::vector<TraceRow> EventLog::in_time_order() const {
  std::vector<TraceRow> rows = rows_;
  std::stable_sort(rows.begin(), rows.end(),
                   [](const TraceRow& a, const TraceRow& b) { return a.time < b.time; });
  return rows;
}

std::string format_densities(std::span<const double> densities) {
  std::string text;
  for (std::size_t r = 0; r < densities.size(); ++r) {
    if (r) text += '|';
    text += format_number(densities[r]);
  }
  return text;
}

std::string format_outcomes(const Outcomes& outcomes) {
  std::ostringstream text;
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    text << (i ? ";" : "") << kOutcomes[i].name << "=" << format_number(outcomes[i]);
  }
  return text.str();
}

}  // namespace smpsim
