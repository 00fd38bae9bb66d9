// JSON rows -> columns (see columns.hpp).
#include "columns.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include "convert.hpp"
#include "numpy.hpp"

namespace looplab::py {

namespace {

using nlohmann::json;

enum class Kind { boolean, integer, number, other };

Kind column_kind(const json& rows, const std::string& key) {
  bool all_bool = true, all_int = true, all_num = true;
  for (const json& r : rows) {
    const json& v = r.at(key);
    all_bool = all_bool && v.is_boolean();
    all_int = all_int && v.is_number_integer();
    all_num = all_num && v.is_number();
  }
  if (all_bool) return Kind::boolean;
  if (all_int) return Kind::integer;
  if (all_num) return Kind::number;
  return Kind::other;
}

template <class T>
nb::object numeric(const json& rows, const std::string& key) {
  std::unique_ptr<T[]> data(new T[rows.size()]);
  std::size_t i = 0;
  for (const json& r : rows) data[i++] = r.at(key).get<T>();
  return to_numpy(std::move(data), rows.size());
}

}  // namespace

nb::dict json_rows_to_columns(const json& rows, const std::vector<std::string>& order) {
  nb::dict out;
  if (rows.empty()) return out;
  std::vector<std::string> keys = order;
  for (auto it = rows.front().begin(); it != rows.front().end(); ++it)
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
  for (const std::string& key : keys) {
    nb::object col;
    switch (column_kind(rows, key)) {
      case Kind::boolean:
        col = numeric<bool>(rows, key);
        break;
      case Kind::integer:
        col = numeric<std::int64_t>(rows, key);
        break;
      case Kind::number:
        col = numeric<double>(rows, key);
        break;
      case Kind::other: {
        nb::list l;
        for (const json& r : rows) l.append(to_python(r.at(key)));
        col = l;
        break;
      }
    }
    out[nb::str(key.c_str(), key.size())] = col;
  }
  return out;
}

}  // namespace looplab::py
