// A stored row type described once: its table, and per column the SQL name, the struct member it
// maps to (an accessor), and how it is written. CREATE TABLE, ALTER TABLE ADD COLUMN, INSERT,
// UPDATE and SELECT are all generated from that description (store/tables.hpp has them), and a
// row is bound and read column by column in the description's order, never by a hand-kept index.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "store/records.hpp"
#include "store/sqlite_handle.hpp"
#include "store/string_interner.hpp"

namespace looplab::store::table {

// How a column is written and read.
enum Flag : unsigned {
  kNone = 0,
  kAssigned = 1u << 0,    // filled by SQLite (INTEGER PRIMARY KEY): read, never written
  kInterned = 1u << 1,    // a string kept as an id into StringIds
  kNullable = 1u << 2,    // a non-optional member in a column that may hold NULL (read as 0 / '')
  kFinish = 1u << 3,      // also written by the row's finishing UPDATE (runs: finish_run)
  kFinishOnly = 1u << 4,  // written only by the finishing UPDATE (NULL until then)
  kWriteOnly = 1u << 5,   // written, not read back (a second copy of a member, e.g. NVTX textId)
};

template <class Row, class Get>
struct Column {
  std::string_view name;  // SQL column name
  Get get;                // Row& -> the member (by reference)
  unsigned flags = kNone;
  std::string_view constraint;   // SQL after the type: CHECK, REFERENCES, DEFAULT
  std::string_view value_expr;   // SQL written instead of the member (e.g. the current time)
  std::string_view select_expr;  // SQL read instead of the column: a value from another table
                                 // (then the column does not exist in this table)
  using Member = std::remove_cvref_t<decltype(std::declval<Get>()(std::declval<Row&>()))>;
};

template <class Row, class Get>
constexpr Column<Row, Get> column(std::string_view name, Get get, unsigned flags = kNone,
                                  std::string_view constraint = {}) {
  return {name, get, flags, constraint, {}, {}};
}
// A column written with an SQL expression (value_expr) rather than the member.
template <class Row, class Get>
constexpr Column<Row, Get> computed(std::string_view name, Get get, std::string_view value_expr,
                                    unsigned flags = kNone) {
  return {name, get, flags, {}, value_expr, {}};
}
// A member read from elsewhere (select_expr); no column of this table.
template <class Row, class Get>
constexpr Column<Row, Get> derived(std::string_view name, Get get, std::string_view select_expr) {
  return {name, get, kNone, {}, {}, select_expr};
}

// A column the row struct does not hold: an owner key bound by the writer (run_id), or a column
// kept for Nsight Systems compatibility that looplab leaves NULL (`written` false).
struct Extra {
  std::string_view name;
  std::string_view decl;  // type and constraints
  bool written = true;
};

template <class Row, class... Cols>
struct Table {
  std::string_view name;
  std::span<const Extra> extras;  // declared first, in this order; the written ones are keys
  std::string_view constraints;   // table constraints (PRIMARY KEY ..., UNIQUE ...), may be empty
  std::string_view options;       // e.g. "WITHOUT ROWID"
  std::string_view indexes;       // CREATE INDEX statements run after CREATE TABLE, may be empty
  std::tuple<Cols...> columns;
};

template <class Row, class... Cols>
constexpr Table<Row, Cols...> make_table(std::string_view name, std::span<const Extra> extras,
                                         std::string_view constraints, std::string_view options,
                                         std::string_view indexes, Cols... cols) {
  return {name, extras, constraints, options, indexes, std::tuple<Cols...>(cols...)};
}

// ---- SQL types of member types ----
template <class T>
struct SqlType;
template <>
struct SqlType<std::int64_t> {
  static constexpr std::string_view type = "INTEGER", zero = "0";
  static constexpr bool nullable = false;
  static void bind(Statement& s, int i, std::int64_t v) { s.bind(i, v); }
  static std::int64_t read(const Statement& s, int c) { return s.is_null(c) ? 0 : s.int64(c); }
};
template <>
struct SqlType<std::optional<std::int64_t>> {
  static constexpr std::string_view type = "INTEGER", zero = "NULL";
  static constexpr bool nullable = true;
  static void bind(Statement& s, int i, const std::optional<std::int64_t>& v) { s.bind(i, v); }
  static std::optional<std::int64_t> read(const Statement& s, int c) { return s.opt_int64(c); }
};
template <>
struct SqlType<double> {
  static constexpr std::string_view type = "REAL", zero = "0";
  static constexpr bool nullable = false;
  static void bind(Statement& s, int i, double v) { s.bind(i, v); }
  static double read(const Statement& s, int c) { return s.is_null(c) ? 0.0 : s.real(c); }
};
template <>
struct SqlType<std::optional<double>> {
  static constexpr std::string_view type = "REAL", zero = "NULL";
  static constexpr bool nullable = true;
  static void bind(Statement& s, int i, const std::optional<double>& v) { s.bind(i, v); }
  static std::optional<double> read(const Statement& s, int c) { return s.opt_real(c); }
};
template <>
struct SqlType<std::string> {
  static constexpr std::string_view type = "TEXT", zero = "''";
  static constexpr bool nullable = false;
  static void bind(Statement& s, int i, const std::string& v) { s.bind(i, std::string_view(v)); }
  static std::string read(const Statement& s, int c) { return s.is_null(c) ? std::string() : s.text(c); }
};
template <>
struct SqlType<bool> {
  static constexpr std::string_view type = "INTEGER", zero = "0";
  static constexpr bool nullable = false;
  static void bind(Statement& s, int i, bool v) { s.bind(i, std::int64_t{v}); }
  static bool read(const Statement& s, int c) { return !s.is_null(c) && s.int64(c) != 0; }
};
template <>
struct SqlType<RunStatus> {
  static constexpr std::string_view type = "TEXT", zero = "'failed'";
  static constexpr bool nullable = false;
  static void bind(Statement& s, int i, RunStatus v) { s.bind(i, to_string(v)); }
  static RunStatus read(const Statement& s, int c) { return parse_run_status(s.is_null(c) ? "" : s.text(c)); }
};

// ---- iteration ----
template <class T, class F>
constexpr void for_each_column(const T& table, F&& f) {
  std::apply([&](const auto&... c) { (f(c), ...); }, table.columns);
}

template <class C>
constexpr bool is_stored(const C& c) {
  return c.select_expr.empty();
}
template <class C>
constexpr bool in_insert(const C& c) {
  return is_stored(c) && !(c.flags & (kAssigned | kFinishOnly));
}
template <class C>
constexpr bool in_select(const C& c) {
  return !(c.flags & kWriteOnly);
}

// The column's declaration: type, NOT NULL unless nullable, constraints.
template <class C>
std::string declaration(const C& c) {
  using T = typename C::Member;
  std::string d(c.flags & kInterned ? std::string_view("INTEGER") : SqlType<T>::type);
  if (c.flags & kAssigned) return d + " PRIMARY KEY";
  if (!SqlType<T>::nullable && !(c.flags & (kNullable | kFinishOnly))) d += " NOT NULL";
  if (c.flags & kInterned) d += " REFERENCES StringIds (id)";
  if (!c.constraint.empty()) d += " " + std::string(c.constraint);
  return d;
}

template <class T>
std::string create_sql(const T& table) {
  std::string sql = "CREATE TABLE " + std::string(table.name) + " (";
  const char* sep = "\n  ";
  for (const Extra& e : table.extras) {
    sql += sep + std::string(e.name) + " " + std::string(e.decl);
    sep = ",\n  ";
  }
  for_each_column(table, [&](const auto& c) {
    if (!is_stored(c)) return;
    sql += sep + std::string(c.name) + " " + declaration(c);
    sep = ",\n  ";
  });
  if (!table.constraints.empty()) sql += sep + std::string(table.constraints);
  sql += ")";
  if (!table.options.empty()) sql += " " + std::string(table.options);
  sql += ";\n";
  if (!table.indexes.empty()) sql += std::string(table.indexes) + "\n";
  return sql;
}

// Column name -> declaration for ALTER TABLE ADD COLUMN: a NOT NULL column needs a default there,
// which is the type's zero unless the constraint gives one.
struct ColumnDecl {
  std::string name, decl;
};
template <class T>
std::vector<ColumnDecl> column_decls(const T& table) {
  std::vector<ColumnDecl> out;
  for (const Extra& e : table.extras) out.push_back({std::string(e.name), std::string(e.decl)});
  for_each_column(table, [&](const auto& c) {
    if (!is_stored(c)) return;
    std::string d = declaration(c);
    using M = typename std::remove_cvref_t<decltype(c)>::Member;
    if (d.find("NOT NULL") != std::string::npos && d.find("DEFAULT") == std::string::npos)
      d += " DEFAULT " + std::string(SqlType<M>::zero);
    out.push_back({std::string(c.name), d});
  });
  return out;
}

// INSERT [OR IGNORE] INTO t (written extras..., columns...) VALUES (?, ..., value_expr, ...)
template <class T>
std::string insert_sql(const T& table, std::string_view verb = "INSERT") {
  std::string names, values;
  auto add = [&](std::string_view n, std::string_view v) {
    if (!names.empty()) {
      names += ", ";
      values += ", ";
    }
    names += n;
    values += v;
  };
  for (const Extra& e : table.extras)
    if (e.written) add(e.name, "?");
  for_each_column(table, [&](const auto& c) {
    if (in_insert(c)) add(c.name, c.value_expr.empty() ? std::string_view("?") : c.value_expr);
  });
  return std::string(verb) + " INTO " + std::string(table.name) + " (" + names + ") VALUES (" + values + ")";
}

// Binds the written extras (keys), then every inserted column that takes a parameter.
template <class T, class Row>
void bind_insert(Statement& st, const T& table, std::span<const std::optional<std::int64_t>> keys, const Row& row,
                 StringInterner* strings) {
  int i = 0;
  std::size_t k = 0;
  for (const Extra& e : table.extras)
    if (e.written) st.bind(++i, k < keys.size() ? keys[k++] : std::nullopt);
  Row& r = const_cast<Row&>(row);  // accessors return references; nothing is modified
  for_each_column(table, [&](const auto& c) {
    if (!in_insert(c) || !c.value_expr.empty()) return;
    using M = typename std::remove_cvref_t<decltype(c)>::Member;
    if constexpr (std::is_same_v<M, std::string>) {
      if (c.flags & kInterned) {
        st.bind(++i, strings->id(c.get(r)));
        return;
      }
    }
    SqlType<M>::bind(st, ++i, c.get(r));
  });
}

// UPDATE t SET (the kFinish / kFinishOnly columns) WHERE <where>
template <class T>
std::string finish_sql(const T& table, std::string_view where) {
  std::string set;
  for_each_column(table, [&](const auto& c) {
    if (!(c.flags & (kFinish | kFinishOnly)) || !is_stored(c)) return;
    if (!set.empty()) set += ", ";
    set += std::string(c.name) + " = " + std::string(c.value_expr.empty() ? std::string_view("?") : c.value_expr);
  });
  return "UPDATE " + std::string(table.name) + " SET " + set + " WHERE " + std::string(where);
}

// Binds the finishing columns; returns the last index used (the WHERE parameters follow).
template <class T, class Row>
int bind_finish(Statement& st, const T& table, const Row& row) {
  int i = 0;
  Row& r = const_cast<Row&>(row);
  for_each_column(table, [&](const auto& c) {
    if (!(c.flags & (kFinish | kFinishOnly)) || !is_stored(c) || !c.value_expr.empty()) return;
    using M = typename std::remove_cvref_t<decltype(c)>::Member;
    SqlType<M>::bind(st, ++i, c.get(r));
  });
  return i;
}

// The SELECT list of a row, qualified with the table name.
template <class T>
std::string select_list(const T& table) {
  std::string out;
  const std::string t(table.name);
  for_each_column(table, [&](const auto& c) {
    if (!in_select(c)) return;
    if (!out.empty()) out += ", ";
    if (!c.select_expr.empty())
      out += "(" + std::string(c.select_expr) + ")";
    else if (c.flags & kInterned)
      out += "(SELECT value FROM StringIds WHERE id = " + t + "." + std::string(c.name) + ")";
    else
      out += t + "." + std::string(c.name);
  });
  return out;
}

// How many columns select_list() yields (extra expressions a query adds come after them).
template <class T>
int selected_columns(const T& table) {
  int n = 0;
  for_each_column(table, [&](const auto& c) { n += in_select(c) ? 1 : 0; });
  return n;
}

// "SELECT <row> FROM t <tail>"
template <class T>
std::string select_sql(const T& table, std::string_view tail) {
  return "SELECT " + select_list(table) + " FROM " + std::string(table.name) + " " + std::string(tail);
}

// Reads one row from a statement over select_list(), in the description's order.
template <class T, class Row>
void read_row(const Statement& st, const T& table, Row& row) {
  int i = 0;
  for_each_column(table, [&](const auto& c) {
    if (!in_select(c)) return;
    using M = typename std::remove_cvref_t<decltype(c)>::Member;
    c.get(row) = SqlType<M>::read(st, i++);
  });
}

}  // namespace looplab::store::table
