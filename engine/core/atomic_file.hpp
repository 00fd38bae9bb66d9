// Writing a file all or nothing: the text goes to a temporary file beside the target, which is
// renamed over it only once every byte is written, so a full disk or a crash never leaves a
// truncated file behind (and an existing file stays as it was).
#pragma once
#include <filesystem>
#include <string_view>

namespace looplab {

// Throws InputError(field, ...) when the folder does not exist or cannot be written, and
// std::runtime_error ("disk full" when that is the cause) when writing fails part way.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, const char* field = "out");

}  // namespace looplab
