#include "smpsim/io/trace_csv.h"

#include <ostream>

#include "smpsim/model/error.h"
#include "smpsim/model/format.h"

namespace smpsim {

void write_trace_csv(const EventLog& log, std::ostream& out) {
  out << "time,event,dot,region,detail\n";
  for (const TraceRow& row : log.in_time_order()) {
    out << format_number(row.time) << "," << row.event << ",";
    if (row.dot) out << *row.dot;
    out << ",";
    if (row.region) out << *row.region;
    out << "," << row.detail << "\n";
  }
  out.flush();
  if (!out) throw IoError("cannot write the trace: the output stream failed");
}

}  // namespace smpsim
