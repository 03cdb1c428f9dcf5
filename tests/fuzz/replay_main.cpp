// The replay driver: a fuzz target's LLVMFuzzerTestOneInput run once on every file of the folders
// (or the files) named on the command line, in name order, as CTest does with the seed corpus
// and the regressions of each target (tests/fuzz/CMakeLists.txt). A crash, a sanitizer report or
// a failed TG_FUZZ_CHECK ends it; so does a folder that holds no input at all, or a missing one
// (a folder passed with a leading '?' may be missing: a target without regressions yet).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const bool optional = !arg.empty() && arg.front() == '?';
    if (optional) arg.erase(0, 1);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::ranges::sort(files);
      if (files.empty() && !optional) {
        std::fprintf(stderr, "replay: %s holds no input\n", arg.c_str());
        return 1;
      }
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.emplace_back(arg);
    } else if (!optional) {
      std::fprintf(stderr, "replay: %s: no such file or folder\n", arg.c_str());
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no input (usage: %s FOLDER|FILE…)\n", argv[0]);
    return 1;
  }
  for (const fs::path& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.eof() && in.fail()) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 1;
    }
    std::printf("%s\n", path.c_str());  // the input a crash is in: the last line printed
    std::fflush(stdout);
    // A copy of exactly its size: a read past the input's end is a heap overflow to ASan.
    std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  }
  std::printf("replay: %zu inputs, no crash\n", inputs.size());
  return 0;
}
