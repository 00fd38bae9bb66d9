// safetensors reading (with every structural check a hand-made or damaged file needs) and writing.
#include "engine/core/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.hpp"
#include "engine/core/checked.hpp"
#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"

namespace looplab {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the reference implementation's limit

std::string shape_string(const std::vector<std::int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

void read_exact(std::ifstream& in, void* dst, std::size_t n, const std::string& what, const std::string& file) {
  in.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
  if (static_cast<std::size_t>(in.gcount()) != n) throw InputError(file, "truncated while reading " + what);
}

// Parses one header entry's shape, checking for negative sizes and overflow.
std::vector<std::int64_t> parse_shape(const nlohmann::json& j, const std::string& name, std::int64_t& numel) {
  if (!j.is_array()) throw InputError(name, "shape must be an array of integers, got " + j.dump());
  std::vector<std::int64_t> shape;
  numel = 1;
  for (const auto& v : j) {
    if (!v.is_number_integer()) throw InputError(name, "shape must be an array of integers, got " + j.dump());
    const auto dim = v.get<std::int64_t>();
    if (dim < 0) throw InputError(name, "negative dimension in shape " + j.dump());
    auto r = checked_mul(numel, dim);
    if (!r) throw InputError(name, "shape " + j.dump() + " overflows 64 bits");
    numel = *r;
    shape.push_back(dim);
  }
  return shape;
}

}  // namespace

std::int64_t safetensors_element_bytes(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(file, "cannot open (" + ec.message() + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(file, "cannot open");
  if (size < 8)
    throw InputError(file, "only " + std::to_string(size) + " bytes: too short for a safetensors header length");

  unsigned char len_bytes[8];
  read_exact(in, len_bytes, 8, "the header length", file);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | len_bytes[i];
  if (header_len > kMaxHeaderBytes)
    throw InputError(file, "header length " + std::to_string(header_len) + " bytes is absurd (limit " +
                               std::to_string(kMaxHeaderBytes) + ")");
  if (header_len > size - 8)
    throw InputError(file, "header length " + std::to_string(header_len) + " bytes exceeds the " +
                               std::to_string(size - 8) + " bytes after it (truncated file?)");
  std::string header(header_len, '\0');
  read_exact(in, header.data(), header.size(), "the header", file);
  const std::uint64_t data_bytes = size - 8 - header_len;

  const nlohmann::json j = parse_json_text(header, file, "the safetensors header");
  if (!j.is_object()) throw InputError(file, "header is not a JSON object");

  SafetensorsFile out;
  struct Span {
    std::uint64_t begin, end;
    std::size_t index;
  };
  std::vector<Span> spans;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const nlohmann::json& e = it.value();
    if (name == "__metadata__") {
      if (!e.is_object()) throw InputError("__metadata__", "must be an object of strings");
      for (auto m = e.begin(); m != e.end(); ++m) {
        if (!m.value().is_string()) throw InputError("__metadata__", "value of '" + m.key() + "' is not a string");
        out.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (!e.is_object()) throw InputError(name, "header entry must be an object");
    for (auto k = e.begin(); k != e.end(); ++k)
      if (k.key() != "dtype" && k.key() != "shape" && k.key() != "data_offsets")
        throw InputError(name, "unknown header field '" + k.key() + "'");
    if (!e.contains("dtype") || !e["dtype"].is_string()) throw InputError(name, "dtype missing or not a string");
    if (!e.contains("shape")) throw InputError(name, "shape missing");
    if (!e.contains("data_offsets")) throw InputError(name, "data_offsets missing");
    SafetensorsEntry entry;
    entry.name = name;
    entry.dtype = e["dtype"].get<std::string>();
    const std::int64_t elem = safetensors_element_bytes(entry.dtype);
    if (elem == 0) throw InputError(name, "unknown dtype '" + entry.dtype + "'");
    std::int64_t numel = 0;
    entry.shape = parse_shape(e["shape"], name, numel);
    const auto& off = e["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw InputError(name, "data_offsets must be two non-negative integers, got " + off.dump());
    const auto begin = off[0].get<std::uint64_t>(), end = off[1].get<std::uint64_t>();
    if (begin > end) throw InputError(name, "data_offsets " + off.dump() + " end before they begin");
    if (end > data_bytes)
      throw InputError(name, "data_offsets " + off.dump() + " lie outside the file's " + std::to_string(data_bytes) +
                                 " data bytes (truncated file?)");
    auto want = checked_mul(numel, elem);
    if (!want || static_cast<std::uint64_t>(*want) != end - begin)
      throw InputError(name, "data_offsets " + off.dump() + " hold " + std::to_string(end - begin) + " bytes, " +
                                 entry.dtype + " " + shape_string(entry.shape) + " needs " +
                                 (want ? std::to_string(*want) : std::string("more than 2^63")));
    spans.push_back({begin, end, out.tensors.size()});
    out.tensors.push_back(std::move(entry));
  }

  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].begin < spans[i - 1].end)
      throw InputError(out.tensors[spans[i].index].name,
                       "data overlaps tensor " + out.tensors[spans[i - 1].index].name);

  std::vector<SafetensorsEntry> ordered;
  ordered.reserve(spans.size());
  for (const Span& s : spans) {
    SafetensorsEntry& entry = out.tensors[s.index];
    entry.bytes.resize(static_cast<std::size_t>(s.end - s.begin));
    in.seekg(static_cast<std::streamoff>(8 + header_len + s.begin));
    read_exact(in, entry.bytes.data(), entry.bytes.size(), "tensor " + entry.name, file);
    ordered.push_back(std::move(entry));
  }
  out.tensors = std::move(ordered);
  return out;
}

void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty()) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [k, v] : file.metadata) meta[k] = v;
    header["__metadata__"] = meta;
  }
  std::uint64_t offset = 0;
  for (const auto& t : file.tensors) {
    const std::int64_t elem = safetensors_element_bytes(t.dtype);
    if (elem == 0) throw InputError(t.name, "unknown dtype '" + t.dtype + "'");
    std::int64_t numel = 1;
    for (std::int64_t dim : t.shape) numel *= dim;
    if (static_cast<std::uint64_t>(numel * elem) != t.bytes.size())
      throw InputError(t.name, "holds " + std::to_string(t.bytes.size()) + " bytes, " + t.dtype + " " +
                                   shape_string(t.shape) + " needs " + std::to_string(numel * elem));
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned

  AtomicFile target(path);  // all or nothing: no truncated weights or dump on a full disk
  std::ostream& out = target.stream();
  unsigned char len_bytes[8];
  std::uint64_t n = text.size();
  for (unsigned char& b : len_bytes) {
    b = static_cast<unsigned char>(n & 0xFF);
    n >>= 8;
  }
  out.write(reinterpret_cast<const char*>(len_bytes), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto& t : file.tensors)
    out.write(reinterpret_cast<const char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
  target.commit();
}

std::uint16_t f32_to_bf16(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  if ((bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu) != 0)
    return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);  // NaN: keep it a (quiet) NaN
  const std::uint32_t round = 0x7FFFu + ((bits >> 16) & 1u);    // to nearest, ties to even
  return static_cast<std::uint16_t>((bits + round) >> 16);
}

float bf16_to_f32(std::uint16_t x) { return std::bit_cast<float>(static_cast<std::uint32_t>(x) << 16); }

void save_weights(const std::filesystem::path& path, const Weights& w, DType dtype,
                  const std::map<std::string, std::string>& metadata) {
  SafetensorsFile f;
  f.metadata = metadata;
  for (const auto& name : w.names()) {
    const Tensor& t = w.at(name);
    SafetensorsEntry e;
    e.name = name;
    e.shape = t.shape;
    if (dtype == DType::f32) {
      e.dtype = "F32";
      e.bytes.resize(t.data.size() * 4);
      // An empty tensor (a 0 in its shape) has no buffers: memcpy from null is undefined.
      if (!e.bytes.empty()) std::memcpy(e.bytes.data(), t.data.data(), e.bytes.size());
    } else {
      e.dtype = "BF16";
      e.bytes.resize(t.data.size() * 2);
      for (std::size_t i = 0; i < t.data.size(); ++i) {
        const std::uint16_t h = f32_to_bf16(t.data[i]);
        std::memcpy(e.bytes.data() + 2 * i, &h, 2);
      }
    }
    f.tensors.push_back(std::move(e));
  }
  write_safetensors(path, f);
}

Weights load_weights(const std::filesystem::path& path) {
  SafetensorsFile f = read_safetensors(path);
  Weights w;
  for (auto& e : f.tensors) {
    Tensor t;
    t.shape = e.shape;
    t.data.resize(static_cast<std::size_t>(t.numel()));
    if (e.dtype == "F32") {
      if (!e.bytes.empty()) std::memcpy(t.data.data(), e.bytes.data(), e.bytes.size());  // none when empty
    } else if (e.dtype == "BF16") {
      for (std::size_t i = 0; i < t.data.size(); ++i) {
        std::uint16_t h = 0;
        std::memcpy(&h, e.bytes.data() + 2 * i, 2);
        t.data[i] = bf16_to_f32(h);
      }
    } else {
      throw InputError(e.name, "dtype " + e.dtype + " is not supported for weights (F32 or BF16) in " + path.string());
    }
    e.bytes = {};  // release as we go: a large file is not held twice
    w.add(e.name, std::move(t));
  }
  return w;
}

Weights load_weights(const std::filesystem::path& path, const ModelConfig& c) {
  Weights w = load_weights(path);
  check_weights(c, w);
  return w;
}

}  // namespace looplab
