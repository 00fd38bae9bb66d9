// Reads a sweep result (the CSV `looplab sweep` writes) into a SweepTable: a header row, then one
// row per configuration. Columns whose every non-empty cell is a number become numeric.
#pragma once
#include <istream>
#include <string>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

// Throws InputError("sweep", ...) naming the line for a missing header, a duplicate column name or
// a row with the wrong number of cells. RFC 4180 quoting ("a,b", "say ""x""") is understood.
SweepTable parseSweepCsv(std::istream& in);
SweepTable loadSweepCsv(const std::string& path);

}  // namespace looplab::gui
