// NB_MODULE entry point of looplab._looplab. The Python package (python/looplab) wraps this
// module: it sets LOOPLAB_DATA_DIR before the first call and adds numpy broadcasting and pandas
// frames on top.
#include "bindings.hpp"

NB_MODULE(_looplab, m) {
  m.doc() = "looplab's C++ core: model configs, the step plan, the cost simulator, the results store";
  looplab::py::bind_errors(m);
  looplab::py::bind_config(m);
  looplab::py::bind_predict(m);
  looplab::py::bind_decode(m);
  looplab::py::bind_sweep(m);
  looplab::py::bind_store(m);
}
