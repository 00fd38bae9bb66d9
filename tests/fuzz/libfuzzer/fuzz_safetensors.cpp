// A safetensors weight file (`--weights FILE`): the bytes go to a temporary file, since
// read_safetensors reads a path, then load_weights checks the header and converts the data.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "engine/core/error.hpp"
#include "engine/core/safetensors.hpp"
#include "fuzz_common.hpp"

namespace {

// One file per process (libFuzzer's -jobs run several), removed when the process exits. Never
// destroyed, so the exit hook still finds it after static destructors have run.
const std::filesystem::path& input_path() {
  static const auto* path = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                                      ("looplab-fuzz-" + std::to_string(::getpid()) + ".safetensors"));
  static const bool hooked = std::atexit([] { std::remove(input_path().c_str()); }) == 0;
  (void)hooked;
  return *path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace looplab;
  const std::filesystem::path& path = input_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();  // the harness itself failed, not the parser
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  try {
    (void)load_weights(path);
  } catch (const InputError&) {
  }
  return 0;
}
