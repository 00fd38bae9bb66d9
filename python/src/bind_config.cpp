// Model configs, presets and the data folder's catalogs, and the step plan.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <initializer_list>
#include <string_view>

#include "bindings.hpp"
#include "convert.hpp"
#include "engine/core/build_stamp.hpp"
#include "engine/core/error.hpp"
#include "engine/core/plan.hpp"
#include "simulator/engine_profile.hpp"
#include "simulator/hardware.hpp"
#include "simulator/json_fields.hpp"

namespace looplab::py {

namespace {

using nlohmann::json;

// The fields the CLI overrides (cli/model_options.hpp): every config field but name and source.
// (The array behind a namespace-scope initializer_list lives as long as the list.)
const std::initializer_list<std::string_view> kOverridable = {
    "variant",  "loops",      "window",   "layers",     "hidden",     "heads",
    "kv_heads", "head_dim",   "ffn",      "vocab",      "dtype",      "tied_embeddings",
    "qk_norm",  "rope_theta", "norm_eps", "reinject_e", "reinject_h", "gate_bias_init"};

// Overrides go through config_from_json, the parser of model files, so a wrong type or value
// gets the same message a JSON file would; None means "keep the preset's value".
ModelConfig with_overrides(const ModelConfig& base, const nb::kwargs& overrides) {
  if (overrides.size() == 0) return base;
  json j = config_to_json(base);
  for (auto [k, v] : overrides) {
    const std::string key = nb::cast<std::string>(k);
    bool known = false;
    for (std::string_view f : kOverridable) known = known || f == key;
    if (!known) {
      const std::string near = jsonf::nearest_key(key, kOverridable);
      throw InputError(key, near.empty() ? std::string("unknown config field")
                                         : "unknown config field (did you mean '" + near + "'?)");
    }
    if (v.is_none()) continue;
    j[key] = to_json(v, key);
  }
  ModelConfig c = config_from_json(j, "overrides");
  validate(c);
  return c;
}

nb::list plan_ops(const StepPlan& p) {
  nb::list ops;
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    const OpDesc& o = p.ops[i];
    // The fields and names of `looplab plan --json`.
    nb::dict d;
    d["id"] = i;
    d["name"] = op_name(o);
    d["kind"] = std::string(to_string(o.kind));
    d["layer"] = o.layer;
    d["loop_lo"] = o.loop_lo;
    d["loop_hi"] = o.loop_hi;
    d["pass"] = o.pass;
    d["rows"] = o.rows;
    d["n"] = o.n;
    d["k"] = o.k;
    d["seqs"] = o.seqs;
    d["q_per_seq"] = o.q_per_seq;
    d["kv_rows"] = o.kv_rows;
    d["kv_len"] = o.kv_len;
    d["kv_sets"] = o.kv_sets;
    d["kv"] = std::string(to_string(o.kv));
    d["causal"] = o.causal;
    ops.append(d);
  }
  return ops;
}

std::string repr(const ModelConfig& c) {
  std::string s = "ModelConfig(name='" + c.name + "', variant='" + std::string(to_string(c.variant)) +
                  "', loops=" + std::to_string(c.loops);
  if (c.variant == Variant::plt) s += ", window=" + std::to_string(c.window);
  s += ", layers=" + std::to_string(c.layers) + ", hidden=" + std::to_string(c.hidden) +
       ", heads=" + std::to_string(c.heads) + ", kv_heads=" + std::to_string(c.kv_heads) + ", dtype='" +
       std::string(to_string(c.dtype)) + "')";
  return s;
}

}  // namespace

ModelConfig as_config(nb::handle source, const char* field) {
  if (nb::isinstance<ModelConfig>(source)) return nb::cast<ModelConfig>(source);
  if (auto path = as_path_text(source)) return load_model(*path);
  if (nb::isinstance<nb::dict>(source)) {
    ModelConfig c = config_from_json(to_json(source, ""), "dict");
    validate(c);
    return c;
  }
  throw InputError(field, "expected a ModelConfig, a preset name or JSON file, or a dict; got a " +
                              std::string(nb::type_name(source.type()).c_str()));
}

void bind_config(nb::module_& m) {
  nb::class_<ModelConfig>(m, "ModelConfig",
                          "One model's dimensions plus the loop settings of one variant; make one with "
                          "looplab.model(). Immutable: replace(**overrides) returns a changed copy.")
      .def_ro("name", &ModelConfig::name)
      .def_ro("layers", &ModelConfig::layers)
      .def_ro("hidden", &ModelConfig::hidden)
      .def_ro("heads", &ModelConfig::heads)
      .def_ro("kv_heads", &ModelConfig::kv_heads)
      .def_ro("head_dim", &ModelConfig::head_dim)
      .def_ro("ffn", &ModelConfig::ffn)
      .def_ro("vocab", &ModelConfig::vocab)
      .def_ro("tied_embeddings", &ModelConfig::tied_embeddings)
      .def_ro("qk_norm", &ModelConfig::qk_norm)
      .def_ro("rope_theta", &ModelConfig::rope_theta)
      .def_ro("norm_eps", &ModelConfig::norm_eps)
      .def_ro("loops", &ModelConfig::loops)
      .def_ro("window", &ModelConfig::window)
      .def_ro("reinject_e", &ModelConfig::reinject_e)
      .def_ro("reinject_h", &ModelConfig::reinject_h)
      .def_ro("gate_bias_init", &ModelConfig::gate_bias_init)
      .def_ro("source", &ModelConfig::source)
      .def_prop_ro("variant", [](const ModelConfig& c) { return std::string(to_string(c.variant)); })
      .def_prop_ro("dtype", [](const ModelConfig& c) { return std::string(to_string(c.dtype)); })
      .def_prop_ro("effective_loops", &ModelConfig::effective_loops, "Loops actually run (vanilla runs one).")
      .def("parameter_count", &ModelConfig::parameter_count,
           "Parameters: embeddings, blocks, final norm, head, and the PLT gates when plt.")
      .def(
          "to_dict", [](const ModelConfig& c) { return nb::borrow<nb::dict>(to_python(config_to_json(c))); },
          "Every field, as in a model JSON file.")
      .def(
          "replace", [](const ModelConfig& c, const nb::kwargs& kw) { return with_overrides(c, kw); },
          "A copy with fields overridden (the fields looplab.model() takes), validated.")
      .def("__repr__", &repr)
      .def(
          "__eq__",
          [](const ModelConfig& a, nb::handle b) -> nb::object {
            if (!nb::isinstance<ModelConfig>(b)) return nb::borrow(Py_NotImplemented);
            return nb::bool_(a == nb::cast<const ModelConfig&>(b));
          },
          nb::sig("def __eq__(self, other: object, /) -> bool"))
      .def("__hash__", [](const ModelConfig& c) { return nb::hash(nb::str(config_to_json(c).dump().c_str())); })
      .def("__getstate__", [](const ModelConfig& c) { return config_to_json(c).dump(); })
      .def("__setstate__", [](ModelConfig& c, const std::string& text) {
        new (&c) ModelConfig(config_from_json(json::parse(text), "pickle"));
      });

  m.def(
      "model",
      [](nb::handle source, const nb::kwargs& overrides) {
        return with_overrides(as_config(source, "model"), overrides);
      },
      nb::arg("source"), nb::arg("overrides"),
      nb::sig("def model(source: ModelConfig | str | os.PathLike | dict, **overrides: object) -> ModelConfig"),
      "A model config: a preset name (looplab.presets()), a JSON file, a dict of every field, or a "
      "ModelConfig, with fields overridden by keyword (variant, loops, window, layers, hidden, heads, "
      "kv_heads, head_dim, ffn, vocab, dtype, tied_embeddings, qk_norm, rope_theta, norm_eps, "
      "reinject_e, reinject_h, gate_bias_init) as the CLI's --model options do. An unknown field or "
      "a bad value raises InputError naming the field.");
  m.def("presets", &preset_names, "Model preset names (data/models).");
  m.def("hardware_specs", &hardware_names, "Hardware spec names (data/hardware).");
  m.def("engines", &engine_profile_names, "Engine profile names (data/engines).");
  m.def(
      "hardware_spec",
      [](const std::string& name) { return nb::borrow<nb::dict>(to_python(hardware_to_json(load_hardware(name)))); },
      nb::arg("name"), "A hardware spec (a name or a JSON file) as a dict, every number with its source.");
  m.def(
      "data_dir", [] { return data_dir().string(); }, "The data folder the C++ code reads.");
  m.def("engine_commit", &build_stamp, "The git commit this module was built from ('-dirty' when modified).");
  m.def(
      "_plan",
      [](nb::handle config, std::int64_t batch, std::int64_t context, const std::string& phase) {
        const ModelConfig c = as_config(config);
        if (phase != "prefill" && phase != "decode")
          throw InputError("phase", "'" + phase + "' is not one of prefill, decode");
        return plan_ops(plan_step(c, {phase == "prefill" ? Phase::prefill : Phase::decode, batch, context}));
      },
      nb::arg("config"), nb::arg("batch") = 1, nb::arg("context") = 128, nb::arg("phase") = "decode",
      "The ops of one step (plan_step), as `looplab plan --json` lists them: one dict per op.");
}

}  // namespace looplab::py
