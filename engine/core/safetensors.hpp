// The safetensors file format: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end)}, "__metadata__": {str: str}}, then raw
// little-endian data (offsets relative to the end of the header). Weights travel as F32 or BF16.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/core/variant.hpp"
#include "engine/core/weights.hpp"

namespace looplab {

// One tensor exactly as stored: its dtype name ("F32", "BF16", "I32", ...) and raw bytes.
struct SafetensorsEntry {
  std::string name;
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> bytes;  // product(shape) * element size
};

struct SafetensorsFile {
  std::vector<SafetensorsEntry> tensors;  // in file order (by data offset)
  std::map<std::string, std::string> metadata;
};

// Bytes per element of a safetensors dtype name, 0 when the name is unknown.
std::int64_t safetensors_element_bytes(const std::string& dtype);

// Reads and validates the structure: header length within the file (and <= 100 MB), valid JSON,
// every entry with a known dtype, non-negative shape, offsets inside the data section that match
// the shape and do not overlap. Errors throw InputError naming the tensor, or the file when the
// problem is the file itself (too short, truncated, absurd header length).
SafetensorsFile read_safetensors(const std::filesystem::path& path);
// Writes the entries in order, header padded with spaces to a multiple of 8 bytes.
void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);

// bf16 = the upper 16 bits of an fp32; saving rounds to nearest, ties to even (NaN stays NaN).
std::uint16_t f32_to_bf16(float x);
float bf16_to_f32(std::uint16_t x);

// Weights <-> file. Saving stores every tensor as `dtype` (F32 or BF16). Loading accepts F32 and
// BF16 tensors (converted to fp32) and rejects any other dtype naming the tensor.
void save_weights(const std::filesystem::path& path, const Weights& w, DType dtype,
                  const std::map<std::string, std::string>& metadata = {});
Weights load_weights(const std::filesystem::path& path);
// Loads and checks against the config (missing, unknown or wrongly shaped tensors).
Weights load_weights(const std::filesystem::path& path, const ModelConfig& c);

}  // namespace looplab
