// The op harness: uploads, poisoning, the bf16-derived tolerance, dumps, and --perf timing.
#include "tests/gpu/op_harness.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/cuda/bf16_host.hpp"
#include "engine/cuda/check.hpp"
#include "engine/cuda/stream.hpp"

namespace looplab::gpu::test {

namespace {

bool g_no_device = false;  // check_case_without_device: tensors get no device memory

std::size_t elem_bytes(Elem e) { return e == Elem::bf16 ? 2 : 4; }

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v)
    if (!std::isnan(x)) m = std::max(m, std::fabs(x));
  return m;
}

double norm2(const std::vector<float>& v) {
  double s = 0;
  for (float x : v)
    if (!std::isnan(x)) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

void dump(const std::string& case_name, const CaseSetup& s, const std::vector<std::vector<float>>& gpu) {
  std::string file = case_name;
  std::replace(file.begin(), file.end(), '/', '_');
  std::filesystem::create_directories("gpu_op_failures");
  std::ofstream out("gpu_op_failures/" + file + ".txt");
  for (const auto& [name, v] : s.inputs) {
    out << "input " << name << " (" << v.size() << ")\n";
    for (float x : v) out << x << ' ';
    out << "\n";
  }
  for (std::size_t o = 0; o < s.outputs.size(); ++o) {
    const Expect& e = s.outputs[o];
    out << "output " << e.name << " (" << e.ref.size() << "): index ref cpu_bf16 gpu\n";
    for (std::size_t i = 0; i < e.ref.size(); ++i)
      out << i << ' ' << e.ref[i] << ' ' << (i < e.cpu.size() ? e.cpu[i] : NAN) << ' ' << gpu[o][i] << '\n';
  }
}

// Uploads initial contents of in/out tensors and poisons the rest: 0xFF bytes read as NaN in
// fp32 and bf16, so an element the kernel forgot shows up.
void prime_outputs(CaseSetup& s) {
  for (Expect& e : s.outputs) {
    DevTensor& t = *e.device;
    if (!e.initial.empty()) {
      fill(t, e.initial);
    } else {
      LOOPLAB_CUDA_CHECK(cudaMemset(t.buf.get(), 0xFF, t.buf.bytes()));
    }
  }
  LOOPLAB_CUDA_CHECK(cudaDeviceSynchronize());
}

std::string compare(const std::string& case_name, const CaseSetup& s) {
  std::ostringstream why;
  for (const auto& [name, v] : s.inputs)
    if (!(norm2(v) > 0)) why << "input " << name << " has zero norm; ";
  std::vector<std::vector<float>> gpu;
  for (const Expect& e : s.outputs) gpu.push_back(download(*e.device));
  for (std::size_t o = 0; o < s.outputs.size(); ++o) {
    const Expect& e = s.outputs[o];
    const std::vector<float>& g = gpu[o];
    if (g.size() != e.ref.size()) {
      why << e.name << ": " << g.size() << " elements, reference has " << e.ref.size() << "; ";
      continue;
    }
    double err_gpu = 0, err_cpu = 0;
    std::size_t unwritten = 0, clobbered = 0, worst = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (std::isnan(e.ref[i])) {
        if (!std::isnan(g[i])) ++clobbered;
        continue;
      }
      if (std::isnan(g[i])) {
        ++unwritten;
        continue;
      }
      const double eg = std::fabs(g[i] - e.ref[i]);
      if (eg > err_gpu) {
        err_gpu = eg;
        worst = i;
      }
      if (!e.exact) err_cpu = std::max(err_cpu, std::fabs(static_cast<double>(e.cpu.at(i)) - e.ref[i]));
    }
    if (unwritten > 0) why << e.name << ": " << unwritten << " elements never written (still NaN); ";
    if (clobbered > 0) why << e.name << ": " << clobbered << " elements written that must stay untouched; ";
    if (!(norm2(g) > 0)) why << e.name << ": output has zero norm; ";
    const double bound = e.exact ? 0.0 : 2.0 * err_cpu + 1e-6 * max_abs(e.ref);
    if (err_gpu > bound)
      why << e.name << ": max |gpu - ref| = " << err_gpu << " at " << worst << " (gpu " << g[worst] << ", ref "
          << e.ref[worst] << ") above the bound " << bound << " (cpu bf16 error " << err_cpu << "); ";
  }
  std::string out = why.str();
  if (!out.empty()) dump(case_name, s, gpu);
  return out;
}

}  // namespace

DevTensor upload(const std::vector<float>& host, Elem elem) {
  DevTensor t = device_tensor(host.size(), elem);
  fill(t, host);
  return t;
}

void fill(DevTensor& t, const std::vector<float>& host) {
  if (host.size() != t.count) throw std::invalid_argument("fill: size differs from the tensor");
  if (host.empty() || g_no_device) return;
  if (t.elem == Elem::bf16) {
    const std::vector<std::uint16_t> bits = to_bf16_bits(host);
    LOOPLAB_CUDA_CHECK(cudaMemcpy(t.buf.get(), bits.data(), bits.size() * 2, cudaMemcpyHostToDevice));
  } else if (t.elem == Elem::f32) {
    LOOPLAB_CUDA_CHECK(cudaMemcpy(t.buf.get(), host.data(), host.size() * 4, cudaMemcpyHostToDevice));
  } else {
    throw std::invalid_argument("fill: integer tensors are uploaded with upload_i32");
  }
}

DevTensor upload_i32(const std::vector<std::int32_t>& host) {
  DevTensor t = device_tensor(host.size(), Elem::i32);
  if (!host.empty() && !g_no_device)
    LOOPLAB_CUDA_CHECK(cudaMemcpy(t.buf.get(), host.data(), host.size() * 4, cudaMemcpyHostToDevice));
  return t;
}

DevTensor device_tensor(std::size_t count, Elem elem) {
  DevTensor t;
  t.elem = elem;
  t.count = count;
  if (!g_no_device) t.buf = DeviceBuffer(count * elem_bytes(elem));
  return t;
}

std::vector<float> download(const DevTensor& t) {
  std::vector<float> out(t.count);
  if (t.count == 0) return out;
  if (t.elem == Elem::bf16) {
    std::vector<std::uint16_t> bits(t.count);
    LOOPLAB_CUDA_CHECK(cudaMemcpy(bits.data(), t.buf.get(), t.count * 2, cudaMemcpyDeviceToHost));
    out = from_bf16_bits(bits);
  } else if (t.elem == Elem::i32) {
    std::vector<std::int32_t> ids(t.count);
    LOOPLAB_CUDA_CHECK(cudaMemcpy(ids.data(), t.buf.get(), t.count * 4, cudaMemcpyDeviceToHost));
    for (std::size_t i = 0; i < ids.size(); ++i) out[i] = static_cast<float>(ids[i]);
  } else {
    LOOPLAB_CUDA_CHECK(cudaMemcpy(out.data(), t.buf.get(), t.count * 4, cudaMemcpyDeviceToHost));
  }
  return out;
}

std::string run_case(const OpCase& c, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  CaseSetup s;
  c.build(rng, s);
  prime_outputs(s);
  Stream stream;
  s.launch(stream.get());
  LOOPLAB_CUDA_CHECK(cudaGetLastError());
  stream.synchronize();
  return compare(c.name, s);
}

std::string check_case_without_device(const OpCase& c, std::uint64_t seed) {
  g_no_device = true;
  std::mt19937_64 rng(seed);
  CaseSetup s;
  try {
    c.build(rng, s);
  } catch (...) {
    g_no_device = false;
    throw;
  }
  g_no_device = false;
  std::ostringstream why;
  for (const auto& [name, v] : s.inputs)
    if (!(norm2(v) > 0)) why << "input " << name << " has zero norm; ";
  if (s.outputs.empty()) why << "no outputs; ";
  for (const Expect& e : s.outputs) {
    if (e.ref.empty()) why << e.name << ": empty reference; ";
    if (e.exact) continue;
    if (e.cpu.size() != e.ref.size()) {
      why << e.name << ": cpu run has " << e.cpu.size() << " elements, reference " << e.ref.size() << "; ";
      continue;
    }
    double err = 0, ref_max = max_abs(e.ref);
    std::size_t finite = 0, mismatched_nan = 0;
    for (std::size_t i = 0; i < e.ref.size(); ++i) {
      if (std::isnan(e.ref[i]) != std::isnan(e.cpu[i])) ++mismatched_nan;
      if (std::isnan(e.ref[i])) continue;
      ++finite;
      err = std::max(err, std::fabs(e.cpu[i] - e.ref[i]));
    }
    if (finite == 0) why << e.name << ": no element is expected to be written; ";
    if (mismatched_nan > 0) why << e.name << ": " << mismatched_nan << " elements written in only one of ref, cpu; ";
    if (!(ref_max > 0)) why << e.name << ": reference has zero norm; ";
    if (err > ref_max / 64)
      why << e.name << ": cpu bf16 run is " << err << " from the reference (max |ref| " << ref_max << "); ";
  }
  return why.str();
}

PerfResult time_case(const OpCase& c, std::uint64_t seed, int reps) {
  std::mt19937_64 rng(seed);
  CaseSetup s;
  c.build(rng, s);
  prime_outputs(s);
  Stream stream;
  Event start, stop;
  std::vector<double> us;
  for (int i = 0; i < reps + 3; ++i) {
    start.record(stream.get());
    s.launch(stream.get());
    stop.record(stream.get());
    stop.synchronize();
    if (i >= 3) us.push_back(1000.0 * elapsed_ms(start, stop));  // the first launches warm up
  }
  std::sort(us.begin(), us.end());
  PerfResult r;
  r.median_us = us[us.size() / 2];
  r.gbytes_per_s = r.median_us > 0 ? s.bytes_moved / (r.median_us * 1e3) : 0;
  return r;
}

std::vector<float> random_vector(std::mt19937_64& rng, std::size_t n, float scale) {
  std::uniform_real_distribution<float> mag(scale / 64, scale);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(n);
  for (float& x : v) x = sign(rng) ? mag(rng) : -mag(rng);
  return v;
}

std::vector<std::int32_t> random_ids(std::mt19937_64& rng, std::size_t n, std::int32_t vocab) {
  std::uniform_int_distribution<std::int32_t> id(0, vocab - 1);
  std::vector<std::int32_t> v(n);
  for (auto& x : v) x = id(rng);
  return v;
}

float round_bf16(float x) { return round_to_bf16(x); }

std::vector<float> round_bf16(const std::vector<float>& x) {
  std::vector<float> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = round_to_bf16(x[i]);
  return out;
}

std::vector<double> widen(const std::vector<float>& x) { return {x.begin(), x.end()}; }

}  // namespace looplab::gpu::test
