#pragma once

#include <iosfwd>

#include "smpsim/model/event_log.h"

namespace smpsim {

// `smpsim trace`'s CSV (docs/interface.md): a header, then one row per event in time order,
// time,event,dot,region,detail. Throws IoError when the stream fails.
void write_trace_csv(const EventLog& log, std::ostream& out);

}  // namespace smpsim
