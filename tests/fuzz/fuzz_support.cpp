#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include <sys/mman.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

namespace tg::fuzz {

void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
  std::abort();
}

namespace {

struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/tg-fuzz-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("tg-fuzz: cannot make a scratch folder");
    dir = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

std::string scratch_file(const std::string& name, std::string_view bytes) {
  // In memory when the kernel can (memfd_create): the file is opened again by its /proc/self/fd
  // path, and a disk file truncated and rewritten at each input would make the fuzzer wait on the
  // disk (ext4 flushes a truncated file's data when it is closed).
  static std::map<std::string, int> memory_files;
  auto it = memory_files.find(name);
  if (it == memory_files.end()) it = memory_files.emplace(name, ::memfd_create(name.c_str(), MFD_CLOEXEC)).first;
  if (const int fd = it->second; fd >= 0) {
    if (::ftruncate(fd, 0) != 0) check_failed("the scratch file is emptied", __FILE__, __LINE__);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n <= 0) check_failed("the scratch file is written", __FILE__, __LINE__);
      done += static_cast<std::size_t>(n);
    }
    return "/proc/self/fd/" + std::to_string(fd);
  }
  static Scratch scratch;
  const std::string path = (scratch.dir / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) check_failed("the scratch file is written", __FILE__, __LINE__);
  return path;
}

}  // namespace tg::fuzz
