// looplab.predict(): the simulator's full answer for one configuration, as `looplab predict
// --json` prints it (the same prediction_to_json, converted to Python objects).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "convert.hpp"
#include "options.hpp"
#include "simulator/predict.hpp"
#include "simulator/prediction_json.hpp"

namespace looplab::py {

void bind_predict(nb::module_& m) {
  m.def(
      "predict",
      [](nb::handle config, const std::string& hardware, std::int64_t batch, std::int64_t context, std::int64_t prompt,
         std::int64_t generate, std::optional<std::string> engine, const std::string& ceiling,
         const std::string& launch, const std::string& cost_model, std::optional<std::string> calibration) {
        const ModelConfig c = as_config(config);
        const CostArgs args{launch, std::move(engine), ceiling, cost_model, std::move(calibration)};
        nlohmann::json out;
        {
          // A long generation sums millions of steps: let other Python threads run meanwhile.
          nb::gil_scoped_release release;
          const HardwareSpec hw = load_hardware(hardware);
          const std::optional<Calibration> cal = load_calibration_arg(args);
          PredictRequest r;
          r.batch = batch;
          r.context = context;
          r.prompt = prompt;
          r.generate = generate;
          r.cost = cost_options(args);
          out = prediction_to_json(predict(c, hw, r, cal ? &*cal : nullptr));
        }
        return nb::borrow<nb::dict>(to_python(out));
      },
      nb::arg("config"), nb::arg("hardware") = "h200", nb::arg("batch") = 1, nb::arg("context") = 4096,
      nb::arg("prompt") = 0, nb::arg("generate") = 128, nb::arg("engine") = nb::none(),
      nb::arg("ceiling") = "achievable", nb::arg("launch") = "graph", nb::arg("cost_model") = "kernels",
      nb::arg("calibration") = nb::none(),
      nb::sig("def predict(config: ModelConfig | str | os.PathLike | dict, hardware: str = 'h200', batch: int = 1, "
              "context: int = 4096, prompt: int = 0, generate: int = 128, engine: str | None = None, "
              "ceiling: str = 'achievable', launch: str = 'graph', cost_model: str = 'kernels', "
              "calibration: str | None = None) -> dict"),
      "Decode step op by op, prefill, a generation of `generate` tokens, memory and its verdict: the "
      "dict `looplab predict --json` prints, number for number. `hardware` and `engine` take a name "
      "(looplab.hardware_specs(), looplab.engines()) or a JSON file; `calibration` a file from "
      "`looplab calibrate`.");
}

}  // namespace looplab::py
