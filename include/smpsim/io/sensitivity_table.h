#pragma once

#include <string>
#include <vector>

namespace smpsim {

// A table of sensitivity indices: one row per (parameter, outcome), named numeric columns.
struct SensitivityTable {
  std::vector<std::string> columns;
  struct Row {
    std::string parameter;
    std::string outcome;
    std::vector<double> values;
  };
  std::vector<Row> rows;
};

}  // namespace smpsim
