// C++ errors as Python exceptions: InputError (bad input, the CLI's exit code 2) becomes
// looplab.InputError, a ValueError carrying `.field`; a store failure after opening
// (store::StoreError) becomes looplab.StoreError, a RuntimeError carrying `.fault`. Both classes
// are defined in Python (looplab/_errors.py), so stubs and type checkers see them as written.
#include <exception>

#include "bindings.hpp"
#include "engine/core/error.hpp"
#include "store/store_error.hpp"

namespace looplab::py {

namespace {

const char* fault_name(store::StoreFault f) {
  switch (f) {
    case store::StoreFault::disk_full:
      return "disk_full";
    case store::StoreFault::busy:
      return "busy";
    case store::StoreFault::corrupt:
      return "corrupt";
    case store::StoreFault::read_only:
      return "read_only";
    case store::StoreFault::io:
      return "io";
  }
  return "io";
}

struct ErrorClass {
  const char* name;
  PyObject* fallback;
  PyObject* cls = nullptr;  // kept for the process: an error may come at any time
};

// Raises looplab.<name>(message, detail). The class is looked up at the first error, not at
// import (the package imports this module). Outside the package (the module imported on its own,
// as the stub generator does) it raises the fallback with the message.
void raise(ErrorClass& error, const char* message, const std::string& detail) {
  PyObject*& cls = error.cls;
  if (!cls) {
    PyObject* mod = PyImport_ImportModule("looplab._errors");
    if (mod) {
      cls = PyObject_GetAttrString(mod, error.name);
      Py_DECREF(mod);
    }
    if (!cls) {
      PyErr_Clear();
      PyErr_SetString(error.fallback, message);
      return;
    }
  }
  nb::object e = nb::borrow(cls)(nb::str(message), nb::str(detail.c_str(), detail.size()));
  PyErr_SetObject(cls, e.ptr());
}

}  // namespace

void bind_errors(nb::module_&) {
  static ErrorClass input{"InputError", PyExc_ValueError};
  static ErrorClass store{"StoreError", PyExc_RuntimeError};
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const InputError& e) {
      raise(input, e.what(), e.field());
    } catch (const store::StoreError& e) {
      raise(store, e.what(), fault_name(e.fault()));
    }
  });
}

}  // namespace looplab::py
