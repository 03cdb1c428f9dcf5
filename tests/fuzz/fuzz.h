// What the fuzz targets share (tests/fuzz/README.md): the libFuzzer entry point, a check that
// stops the process on a broken invariant (a crash to libFuzzer, a failure to the replay
// driver), and a scratch file for the readers that take a path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace tg::fuzz {

[[noreturn]] void check_failed(const char* what, const char* file, int line);

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The path of a file holding exactly `bytes`, one per `name`, rewritten at each call: a file in
// memory (memfd), else in a folder of this process's own under $TMPDIR (removed at exit).
std::string scratch_file(const std::string& name, std::string_view bytes);

}  // namespace tg::fuzz

// An invariant of the code under test; on failure the input is a finding, like a crash.
#define TG_FUZZ_CHECK(cond) \
  do {                      \
    if (!(cond)) ::tg::fuzz::check_failed(#cond, __FILE__, __LINE__); \
  } while (0)
