// looplab.predict_decode(): decode steps of many points in one call, costed by the simulator's
// fast path (DecodeStepCoster), one coster per (loops, window, hardware, batch), in one pass over
// the points without the GIL.
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"
#include "numpy.hpp"
#include "options.hpp"
#include "simulator/step_coster.hpp"

namespace looplab::py {

namespace {

using I64 = nb::ndarray<const std::int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

struct PairHash {
  std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& p) const noexcept {
    return std::hash<std::int64_t>{}(p.first) * 0x9E3779B97F4A7C15ull ^ std::hash<std::int64_t>{}(p.second);
  }
};

template <class T>
struct Column {
  explicit Column(std::size_t n) : data(new T[n]) {}
  std::unique_ptr<T[]> data;
  T& operator[](std::size_t i) { return data[i]; }
};

struct Output {
  explicit Output(std::size_t n)
      : step_s(n),
        tokens_per_s(n),
        flops(n),
        bytes(n),
        weight_bytes(n),
        activation_bytes(n),
        kv_read_bytes(n),
        kv_write_bytes(n),
        kv_bytes(n),
        activation_peak_bytes(n),
        bound(n) {}
  Column<double> step_s, tokens_per_s, flops, bytes, weight_bytes, activation_bytes, kv_read_bytes, kv_write_bytes;
  Column<std::int64_t> kv_bytes, activation_peak_bytes;
  Column<std::int8_t> bound;
};

template <class T>
nb::object to_numpy(Column<T>& c, std::size_t n) {
  return looplab::py::to_numpy(std::move(c.data), n);
}

struct Inputs {
  const ModelConfig* base;
  const std::vector<HardwareSpec>* hardware;
  const std::int64_t* hw_index;  // null: every point on hardware[0]
  const std::int64_t* batch;
  const std::int64_t* context;
  const std::int64_t* loops;   // null: the config's own
  const std::int64_t* window;  // null: the config's own
  std::size_t n;
  CostOptions options;
  const Calibration* calibration;
};

class DecodeRun {
 public:
  explicit DecodeRun(const Inputs& in) : in_(in), group_(in.n) {}

  void run(Output& out) {
    assign_groups();
    // Points are visited in order (the outputs are written sequentially: a reordered visit
    // missed the cache on every output array and ran at half the speed).
    std::pair<std::int64_t, std::int64_t> last_key{-1, -1};
    Coster* c = nullptr;
    for (std::size_t i = 0; i < in_.n; ++i) {
      const std::int64_t b = in_.batch[i], ctx = in_.context[i];
      const std::pair<std::int64_t, std::int64_t> key{group_[i], b};
      if (key != last_key || !c) {
        c = &coster(group_[i], b);
        last_key = key;
      }
      const CostTotals& t = c->coster->cost(b, ctx);
      out.step_s[i] = t.time_s;
      out.tokens_per_s[i] = static_cast<double>(b) / t.time_s;  // as predict()'s decode_tokens_per_s
      out.flops[i] = t.flops;
      out.bytes[i] = t.bytes();
      out.weight_bytes[i] = t.weight_bytes;
      out.activation_bytes[i] = t.activation_bytes;
      out.kv_read_bytes[i] = t.kv_read_bytes;
      out.kv_write_bytes[i] = t.kv_write_bytes;
      out.bound[i] = static_cast<std::int8_t>(t.dominant_bound());
      out.activation_peak_bytes[i] = c->coster->activation_peak_bytes();
      out.kv_bytes[i] = kv_bytes_formula(c->coster->config(), b, ctx, c->bytes_per_element);
    }
  }

 private:
  struct Coster {
    std::unique_ptr<DecodeStepCoster> coster;
    std::int64_t bytes_per_element = 2;
  };
  // A coster re-plans the ops outside the layer stack for a batch outside its last 8, so each
  // (group, batch) gets a coster of its own, up to this many (about 5 KB each); past that, the
  // group's shared coster takes the rest (right, only slower).
  static constexpr std::size_t kMaxBatchCosters = 1024;

  // Checks every point and gives it a group: config (loops, window) x hardware.
  void assign_groups() {
    const std::size_t n_hw = in_.hardware->size();
    std::unordered_map<std::pair<std::int64_t, std::int64_t>, std::uint32_t, PairHash> config_ids;
    std::pair<std::int64_t, std::int64_t> last_key{-1, -1};
    std::uint32_t last_config = 0;
    for (std::size_t i = 0; i < in_.n; ++i) {
      if (in_.batch[i] < 1)
        throw InputError("batch", std::to_string(in_.batch[i]) + " must be >= 1 (element " + std::to_string(i) + ")");
      if (in_.context[i] < 1)
        throw InputError("context",
                         std::to_string(in_.context[i]) + " must be >= 1 (element " + std::to_string(i) + ")");
      std::uint32_t config = 0;
      if (in_.loops || in_.window) {
        const std::pair<std::int64_t, std::int64_t> key{in_.loops ? in_.loops[i] : in_.base->loops,
                                                        in_.window ? in_.window[i] : in_.base->window};
        if (key != last_key || configs_.empty()) {
          auto [it, added] = config_ids.try_emplace(key, static_cast<std::uint32_t>(configs_.size()));
          if (added) {
            ModelConfig c = *in_.base;
            c.loops = key.first;
            c.window = key.second;
            validate(c);  // names the field: "loops: 0 must be >= 1"
            configs_.push_back(std::move(c));
          }
          last_key = key;
          last_config = it->second;
        }
        config = last_config;
      } else if (configs_.empty()) {
        configs_.push_back(*in_.base);
      }
      std::size_t hw = 0;
      if (in_.hw_index) {
        if (in_.hw_index[i] < 0 || static_cast<std::size_t>(in_.hw_index[i]) >= n_hw)
          throw InputError("hardware", "index " + std::to_string(in_.hw_index[i]) + " out of range (element " +
                                           std::to_string(i) + ")");
        hw = static_cast<std::size_t>(in_.hw_index[i]);
      }
      group_[i] = static_cast<std::uint32_t>(config * n_hw + hw);
    }
    if (configs_.empty()) configs_.push_back(*in_.base);  // no points: nothing to cost
    shared_.resize(configs_.size() * n_hw);
  }

  Coster make_coster(std::uint32_t group) const {
    const std::size_t n_hw = in_.hardware->size();
    const ModelConfig& c = configs_[group / n_hw];
    const HardwareSpec& hw = (*in_.hardware)[group % n_hw];
    return {std::make_unique<DecodeStepCoster>(c, make_cost_params(c, hw, in_.options, in_.calibration)),
            hw.bytes_per_element(c.dtype)};
  }

  Coster& coster(std::uint32_t group, std::int64_t batch) {
    if (auto it = by_batch_.find({group, batch}); it != by_batch_.end()) return it->second;
    if (by_batch_.size() < kMaxBatchCosters)
      return by_batch_.emplace(std::make_pair(group, batch), make_coster(group)).first->second;
    Coster& shared = shared_[group];
    if (!shared.coster) shared = make_coster(group);
    return shared;
  }

  const Inputs& in_;
  std::vector<std::uint32_t> group_;
  std::vector<ModelConfig> configs_;
  std::unordered_map<std::pair<std::int64_t, std::int64_t>, Coster, PairHash> by_batch_;
  std::vector<Coster> shared_;
};

const std::int64_t* data_or_null(const std::optional<I64>& a, std::size_t n, const char* field) {
  if (!a) return nullptr;
  if (a->shape(0) != n)
    throw InputError(field, "has " + std::to_string(a->shape(0)) + " elements, expected " + std::to_string(n));
  return a->data();
}

nb::dict predict_decode(nb::handle config, const std::vector<std::string>& hardware, const std::optional<I64>& hw_index,
                        const I64& batch, const I64& context, const std::optional<I64>& loops,
                        const std::optional<I64>& window, std::optional<std::string> engine, const std::string& ceiling,
                        const std::string& launch, const std::string& cost_model,
                        std::optional<std::string> calibration) {
  const ModelConfig base = as_config(config);
  if (hardware.empty()) throw InputError("hardware", "no hardware given");
  const std::size_t n = batch.shape(0);
  if (n > UINT32_MAX) throw InputError("batch", std::to_string(n) + " points: at most 2^32 - 1 in one call");
  if (context.shape(0) != n)
    throw InputError("context",
                     "has " + std::to_string(context.shape(0)) + " elements, batch has " + std::to_string(n));
  const CostArgs args{launch, std::move(engine), ceiling, cost_model, std::move(calibration)};
  Output out(n);
  {
    nb::gil_scoped_release release;
    std::vector<HardwareSpec> specs;
    specs.reserve(hardware.size());
    for (const std::string& h : hardware) specs.push_back(load_hardware(h));
    const std::optional<Calibration> cal = load_calibration_arg(args);
    const Inputs in{&base,
                    &specs,
                    data_or_null(hw_index, n, "hardware"),
                    batch.data(),
                    context.data(),
                    data_or_null(loops, n, "loops"),
                    data_or_null(window, n, "window"),
                    n,
                    cost_options(args),
                    cal ? &*cal : nullptr};
    DecodeRun(in).run(out);
  }
  nb::dict d;
  d["decode_step_s"] = to_numpy(out.step_s, n);
  d["tokens_per_s"] = to_numpy(out.tokens_per_s, n);
  d["flops"] = to_numpy(out.flops, n);
  d["bytes"] = to_numpy(out.bytes, n);
  d["weight_bytes"] = to_numpy(out.weight_bytes, n);
  d["activation_bytes"] = to_numpy(out.activation_bytes, n);
  d["kv_read_bytes"] = to_numpy(out.kv_read_bytes, n);
  d["kv_write_bytes"] = to_numpy(out.kv_write_bytes, n);
  d["kv_bytes"] = to_numpy(out.kv_bytes, n);
  d["activation_peak_bytes"] = to_numpy(out.activation_peak_bytes, n);
  d["bound"] = to_numpy(out.bound, n);
  return d;
}

}  // namespace

void bind_decode(nb::module_& m) {
  m.def("_predict_decode", &predict_decode, nb::arg("config"), nb::arg("hardware"), nb::arg("hw_index").none(),
        nb::arg("batch"), nb::arg("context"), nb::arg("loops").none(), nb::arg("window").none(),
        nb::arg("engine").none(), nb::arg("ceiling"), nb::arg("launch"), nb::arg("cost_model"),
        nb::arg("calibration").none(),
        "Flat int64 arrays of equal length in, a dict of flat arrays out; looplab.predict_decode() "
        "broadcasts and reshapes around it.");
}

}  // namespace looplab::py
