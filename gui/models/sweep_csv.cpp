// parseSweepCsv: a small RFC 4180 reader, column-major output (see sweep_csv.hpp).
#include "gui/models/sweep_csv.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <set>

#include "engine/core/error.hpp"

namespace looplab::gui {

namespace {

// Splits one record; a quoted field may span lines, so more lines are read from `in` as needed.
bool readRecord(std::istream& in, std::vector<std::string>& cells, std::size_t& line) {
  cells.clear();
  std::string text;
  if (!std::getline(in, text)) return false;
  ++line;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0;; ++i) {
    if (i == text.size()) {
      if (quoted) {
        std::string more;
        if (!std::getline(in, more)) {
          throw InputError("sweep", "line " + std::to_string(line) + ": unterminated quote");
        }
        ++line;
        cell += '\n';
        text = more;
        i = static_cast<std::size_t>(-1);
        continue;
      }
      break;
    }
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(std::move(cell));
  return true;
}

bool parseNumber(const std::string& s, double& out) {
  const char* first = s.data();
  const char* last = s.data() + s.size();
  while (first < last && *first == ' ') ++first;
  while (last > first && last[-1] == ' ') --last;
  if (first == last) return false;
  if (*first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && ptr == last;
}

bool isBlank(const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; }

}  // namespace

SweepTable parseSweepCsv(std::istream& in) {
  std::vector<std::string> cells;
  std::size_t line = 0;
  if (!readRecord(in, cells, line) || (cells.size() == 1 && isBlank(cells[0]))) {
    throw InputError("sweep", "the file is empty: no header row");
  }
  SweepTable t;
  std::set<std::string> seen;
  for (std::string& name : cells) {
    if (name.empty()) throw InputError("sweep", "line 1: an empty column name");
    if (!seen.insert(name).second) throw InputError("sweep", "line 1: duplicate column '" + name + "'");
    SweepColumn c;
    c.name = std::move(name);
    t.columns.push_back(std::move(c));
  }
  std::vector<std::vector<std::string>> raw(t.columns.size());
  while (readRecord(in, cells, line)) {
    if (cells.size() == 1 && isBlank(cells[0])) continue;  // blank line
    if (cells.size() != t.columns.size()) {
      throw InputError("sweep", "line " + std::to_string(line) + ": " + std::to_string(cells.size()) +
                                    " cells, the header has " + std::to_string(t.columns.size()));
    }
    for (std::size_t c = 0; c < cells.size(); ++c) raw[c].push_back(std::move(cells[c]));
    ++t.rows;
  }
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    SweepColumn& col = t.columns[c];
    std::vector<double> values(raw[c].size(), std::nan(""));
    bool numeric = true;
    bool any = false;
    for (std::size_t r = 0; r < raw[c].size() && numeric; ++r) {
      if (isBlank(raw[c][r])) continue;
      numeric = parseNumber(raw[c][r], values[r]);
      any = any || numeric;
    }
    col.numeric = numeric && any;
    if (col.numeric) {
      col.values = std::move(values);
    } else {
      col.texts = std::move(raw[c]);
    }
  }
  return t;
}

SweepTable loadSweepCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("sweep", "cannot open '" + path + "'");
  return parseSweepCsv(in);
}

}  // namespace looplab::gui
