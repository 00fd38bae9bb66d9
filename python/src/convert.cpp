// JSON <-> Python conversion (see convert.hpp).
#include "convert.hpp"

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "engine/core/error.hpp"

namespace looplab::py {

using nlohmann::json;

nb::object to_python(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      return nb::none();
    case json::value_t::boolean:
      return nb::bool_(j.get<bool>());
    case json::value_t::number_integer:
      return nb::int_(j.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return nb::steal(PyLong_FromUnsignedLongLong(j.get<std::uint64_t>()));
    case json::value_t::number_float:
      return nb::float_(j.get<double>());
    case json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      return nb::str(s.c_str(), s.size());
    }
    case json::value_t::array: {
      nb::list out;
      for (const json& v : j) out.append(to_python(v));
      return out;
    }
    case json::value_t::object: {
      nb::dict out;
      for (auto it = j.begin(); it != j.end(); ++it) out[nb::str(it.key().c_str(), it.key().size())] = to_python(*it);
      return out;
    }
    case json::value_t::binary:
      break;
  }
  throw InputError("json", "a binary value has no Python form");
}

json to_json(nb::handle h, const std::string& field) {
  if (h.is_none()) return nullptr;
  if (PyBool_Check(h.ptr())) return h.ptr() == Py_True;
  if (PyLong_Check(h.ptr())) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    if (overflow != 0) throw InputError(field, "integer does not fit in 64 bits");
    return static_cast<std::int64_t>(v);
  }
  if (PyFloat_Check(h.ptr())) return PyFloat_AsDouble(h.ptr());
  if (auto text = as_path_text(h)) return *text;
  if (nb::isinstance<nb::dict>(h)) {
    json out = json::object();
    for (auto [k, v] : nb::borrow<nb::dict>(h)) {
      if (!nb::isinstance<nb::str>(k)) throw InputError(field, "dict keys must be str");
      const std::string key = nb::cast<std::string>(k);
      out[key] = to_json(v, field.empty() ? key : field + "." + key);
    }
    return out;
  }
  if (nb::isinstance<nb::list>(h) || nb::isinstance<nb::tuple>(h)) {
    json out = json::array();
    std::size_t i = 0;
    for (nb::handle v : h) {
      out.push_back(to_json(v, field + "[" + std::to_string(i) + "]"));
      ++i;
    }
    return out;
  }
  // numpy scalars and other number types: integers through __index__, the rest through __float__.
  if (PyIndex_Check(h.ptr())) return to_json(nb::steal(PyNumber_Index(h.ptr())), field);
  if (PyNumber_Check(h.ptr()) && PyObject_HasAttrString(h.ptr(), "__float__")) {
    const double v = PyFloat_AsDouble(h.ptr());
    if (v == -1.0 && PyErr_Occurred()) throw nb::python_error();
    return v;
  }
  throw InputError(field, "a " + std::string(nb::type_name(h.type()).c_str()) + " has no JSON form");
}

std::optional<std::string> as_path_text(nb::handle h) {
  if (nb::isinstance<nb::str>(h)) return nb::cast<std::string>(h);
  if (PyObject_HasAttrString(h.ptr(), "__fspath__")) {
    nb::object p = nb::steal(PyOS_FSPath(h.ptr()));
    if (!p.is_valid()) throw nb::python_error();
    if (nb::isinstance<nb::str>(p)) return nb::cast<std::string>(p);
  }
  return std::nullopt;
}

}  // namespace looplab::py
