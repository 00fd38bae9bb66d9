// Read access to a results store (looplab.db). Rows become dicts keyed by the store's own column
// names, generated from the table descriptions in store/tables.hpp (the ones its SQL comes from),
// so a column added there shows up here without a change.
#include <nanobind/stl/string.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "engine/core/error.hpp"
#include "store/store.hpp"
#include "store/tables.hpp"

namespace looplab::py {

namespace {

namespace tables = store::tables;

nb::object value(std::int64_t v) { return nb::int_(v); }
nb::object value(double v) { return nb::float_(v); }
nb::object value(bool v) { return nb::bool_(v); }
nb::object value(const std::string& v) { return nb::str(v.c_str(), v.size()); }
nb::object value(store::RunStatus v) { return value(std::string(store::to_string(v))); }
template <class T>
nb::object value(const std::optional<T>& v) {
  return v ? value(*v) : nb::none();
}

// An interned column stores a string id ("name_id", "nameId"); its value is the string itself.
std::string key_of(std::string_view column, unsigned flags) {
  if (flags & store::table::kInterned) {
    if (column.ends_with("_id")) column.remove_suffix(3);
    if (column.ends_with("Id")) column.remove_suffix(2);
  }
  return std::string(column);
}

template <class Table, class Row>
nb::dict row_dict(const Table& table, const Row& row) {
  nb::dict d;
  Row& r = const_cast<Row&>(row);  // the accessors return references; nothing is modified
  store::table::for_each_column(table, [&](const auto& c) {
    if (store::table::in_select(c)) d[key_of(c.name, c.flags).c_str()] = value(c.get(r));
  });
  return d;
}

template <class Table, class Row>
nb::list rows_list(const Table& table, const std::vector<Row>& rows) {
  nb::list out;
  for (const Row& r : rows) out.append(row_dict(table, r));
  return out;
}

class StoreReader {
 public:
  explicit StoreReader(std::string path)
      : path_(std::move(path)), store_(store::open_store(path_, store::OpenMode::read_only)) {}

  nb::list runs() {
    std::vector<store::RunSummary> all;
    {
      nb::gil_scoped_release release;
      std::lock_guard lock(mutex_);
      all = open().list_runs();
    }
    nb::list out;
    for (const store::RunSummary& s : all) {
      nb::dict d = row_dict(tables::kRuns, s.info);
      d["op_rows"] = s.op_rows;
      d["kernel_rows"] = s.kernel_rows;
      out.append(d);
    }
    return out;
  }

  nb::dict run(store::RunId id) { return row_dict(tables::kRuns, get_run(id)); }

  nb::list steps(store::RunId id) {
    return rows_list(tables::kSteps, collect<store::StepRow>(id, &store::Store::for_each_step));
  }
  nb::list ops(store::RunId id) {
    return rows_list(tables::kOps, collect<store::OpRow>(id, &store::Store::for_each_op));
  }
  nb::list predictions(store::RunId id) {
    return rows_list(tables::kPredictions, collect<store::PredictionRow>(id, &store::Store::for_each_prediction));
  }
  nb::list kernels(store::RunId id) {
    return rows_list(tables::kKernels, collect<store::KernelRow>(id, &store::Store::for_each_kernel));
  }

  nb::list sweeps() {
    return rows_list(tables::kSweeps, read([](store::Store& s) { return s.sweeps(); }));
  }

  nb::list sweep_points(std::int64_t id) {
    std::vector<store::SweepPointRow> rows = read([&](store::Store& s) {
      bool found = false;
      for (const store::SweepInfo& w : s.sweeps()) found = found || w.id == id;
      if (!found) throw InputError("sweep", "no sweep " + std::to_string(id) + " in " + path_);
      return s.read_sweep_points(id);
    });
    return rows_list(tables::kSweepPoints, rows);
  }

  nb::list hardware() {
    return rows_list(tables::kHardware, read([](store::Store& s) { return s.hardware(); }));
  }
  nb::list calibrations() {
    return rows_list(tables::kCalibrations, read([](store::Store& s) { return s.calibrations(); }));
  }

  void close() {
    std::lock_guard lock(mutex_);
    store_.reset();
  }
  bool closed() const { return store_ == nullptr; }
  const std::string& path() const { return path_; }

 private:
  store::Store& open() {
    if (!store_) throw InputError("db", path_ + " is closed");
    return *store_;
  }

  // Runs fn(store) without the GIL, one reader at a time (one SQLite connection).
  template <class Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<store::Store&>())) {
    nb::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    return fn(open());
  }

  store::RunInfo get_run(store::RunId id) {
    std::optional<store::RunInfo> r = read([&](store::Store& s) { return s.get_run(id); });
    if (!r) throw InputError("run", "no run " + std::to_string(id) + " in " + path_);
    return std::move(*r);
  }

  template <class Row>
  std::vector<Row> collect(store::RunId id,
                           void (store::Store::*each)(store::RunId, const std::function<void(const Row&)>&)) {
    (void)get_run(id);  // an unknown run is an error, not an empty list
    return read([&](store::Store& s) {
      std::vector<Row> rows;
      (s.*each)(id, [&](const Row& r) { rows.push_back(r); });
      return rows;
    });
  }

  std::string path_;
  std::unique_ptr<store::Store> store_;
  std::mutex mutex_;
};

}  // namespace

void bind_store(nb::module_& m) {
  nb::class_<StoreReader>(m, "_Store", "A results store opened read-only; looplab.Store wraps it.")
      .def(nb::init<std::string>(), nb::arg("path"))
      .def("runs", &StoreReader::runs)
      .def("run", &StoreReader::run, nb::arg("id"))
      .def("steps", &StoreReader::steps, nb::arg("id"))
      .def("ops", &StoreReader::ops, nb::arg("id"))
      .def("predictions", &StoreReader::predictions, nb::arg("id"))
      .def("kernels", &StoreReader::kernels, nb::arg("id"))
      .def("sweeps", &StoreReader::sweeps)
      .def("sweep_points", &StoreReader::sweep_points, nb::arg("id"))
      .def("hardware", &StoreReader::hardware)
      .def("calibrations", &StoreReader::calibrations)
      .def("close", &StoreReader::close)
      .def_prop_ro("closed", &StoreReader::closed)
      .def_prop_ro("path", &StoreReader::path);
}

}  // namespace looplab::py
