#pragma once

// The scenario of every whole-dot and whole-patient benchmark, stated inline: the built-in
// defaults (configs/default.toml), with the keys that set the work spelled out: 2-4 sessions of
// 1000 dots of 8 packets in 16 regions, observed daily on days 0..120.

#include "smpsim/config/config.h"

namespace smpsim::bench {

inline constexpr const char* kDefaultScenario = R"(
[run]
seed = 20261130
daily = true
[technician]
dots_per_session = 1000
regions = 16
[kinetics]
packets_per_dot = 8
[protocol]
min_sessions = 2
max_sessions = 4
horizon_days = 120
)";

inline Parameters default_scenario() {
  ConfigLoader loader;
  loader.apply_text(kDefaultScenario, "bench/scenario.h");
  return loader.finish();
}

}  // namespace smpsim::bench
