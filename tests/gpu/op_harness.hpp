// One harness for every CUDA op. A case builds random inputs (never
// zeros), computes the exact op in fp64 on the fp32 inputs (the reference) and a CPU run with the
// engine's CPU kernels on the inputs and outputs rounded to bf16 where the GPU stores bf16, then
// says how to launch the GPU op. The harness poisons every output (NaN), launches, and requires
//   max |gpu - ref| <= 2 * max |cpu_bf16 - ref| + 1e-6 * max |ref|
// per output, non-zero input and output norms, and no unwritten (still NaN) element. Elements
// whose reference is NaN must stay unwritten (e.g. ring slots a prefill may not touch). On a
// failure the tensors are written to gpu_op_failures/<case>.txt.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "engine/cuda/buffer.hpp"

namespace looplab::gpu::test {

enum class Elem : std::uint8_t { f32, bf16, i32 };

// A device tensor a case uploads (input) or declares (output).
struct DevTensor {
  DeviceBuffer buf;
  Elem elem = Elem::f32;
  std::size_t count = 0;
  template <class T>
  T* as() const {
    return buf.as<T>();
  }
};

DevTensor upload(const std::vector<float>& host, Elem elem);  // f32 or bf16 (rounded)
DevTensor upload_i32(const std::vector<std::int32_t>& host);
DevTensor device_tensor(std::size_t count, Elem elem);    // uninitialised (the harness poisons outputs)
void fill(DevTensor& t, const std::vector<float>& host);  // same count, converted to t.elem
std::vector<float> download(const DevTensor& t);          // as fp32 (i32 converted)

// What a case expects of one output tensor.
struct Expect {
  Expect(std::string n, DevTensor* d) : name(std::move(n)), device(d) {}
  std::string name;
  DevTensor* device = nullptr;  // written by the launch
  std::vector<double> ref;      // exact op, fp64
  std::vector<float> cpu;       // CPU kernels with bf16-rounded inputs/outputs
  std::vector<float> initial;   // in/out tensors: uploaded before the launch instead of poison
  bool exact = false;           // integer or copy outputs: gpu must equal ref exactly
};

struct CaseSetup {
  // Device tensors of the case (stable addresses: launch lambdas keep raw pointers into them).
  std::vector<std::unique_ptr<DevTensor>> tensors;
  DevTensor& keep(DevTensor t) {
    tensors.push_back(std::make_unique<DevTensor>(std::move(t)));
    return *tensors.back();
  }
  // Uploads a named input and records its host copy (for the non-zero check and dumps).
  DevTensor& input(const std::string& name, const std::vector<float>& host, Elem elem) {
    inputs.emplace_back(name, host);
    return keep(upload(host, elem));
  }
  std::vector<std::pair<std::string, std::vector<float>>> inputs;  // host copies, for the norm check and dumps
  std::vector<Expect> outputs;
  std::function<void(cudaStream_t)> launch;
  double bytes_moved = 0;  // for --perf: bytes the op must read and write
};

struct OpCase {
  std::string name;  // "<op>/<variant>-<phase>-<detail>", a valid gtest name after '/' -> '_'
  std::function<void(std::mt19937_64& rng, CaseSetup& setup)> build;
};

// Cases, by family (op_cases_*.cpp).
std::vector<OpCase> elementwise_cases();
std::vector<OpCase> gemm_cases();
std::vector<OpCase> attention_cases();

// Builds, poisons, launches, compares; returns "" on success, else what failed.
std::string run_case(const OpCase& c, std::uint64_t seed);
// Without a device: builds the case with no device memory and checks the case itself, i.e. that
// its fp64 reference and its bf16 CPU run agree to bf16 precision (2^-6 of the largest |ref|)
// and its inputs are non-zero. Catches a wrong reference before a GPU run would blame the kernel.
std::string check_case_without_device(const OpCase& c, std::uint64_t seed);
inline void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }
// --perf: median device time of `reps` launches, and the resulting bandwidth.
struct PerfResult {
  double median_us = 0;
  double gbytes_per_s = 0;
};
PerfResult time_case(const OpCase& c, std::uint64_t seed, int reps);

// Random helpers: uniform in [-scale, scale] with |x| >= scale/64 (no zeros).
std::vector<float> random_vector(std::mt19937_64& rng, std::size_t n, float scale = 1.0f);
std::vector<std::int32_t> random_ids(std::mt19937_64& rng, std::size_t n, std::int32_t vocab);
float round_bf16(float x);  // round to bf16 and back
std::vector<float> round_bf16(const std::vector<float>& x);
std::vector<double> widen(const std::vector<float>& x);

}  // namespace looplab::gpu::test
