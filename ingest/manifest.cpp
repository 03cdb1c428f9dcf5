#include "ingest/manifest.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace tg::ingest {
namespace fs = std::filesystem;

bool ignored_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return true;  // hidden; ".#name", ".name.swp"
  if (name.back() == '~') return true;                   // Emacs and many others' backups
  if (name.size() >= 2 && name.front() == '#' && name.back() == '#') return true;  // Emacs autosave
  for (std::string_view suffix : {".swp", ".swo", ".tmp"})
    if (name.ends_with(suffix)) return true;
  return false;
}

Result<void> stat_source(SourceFile& file) {
  struct stat st{};
  if (::stat(file.path.c_str(), &st) != 0)
    return fail(ErrorCode::io, fmt::format("cannot stat: {}", std::strerror(errno)), Location{.file = file.path});
  file.size = static_cast<std::int64_t>(st.st_size);
  file.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return {};
}

Result<std::vector<SourceFile>> scan_sources(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail(ErrorCode::io, "no such folder", Location{.file = dir});
  std::vector<SourceFile> out;
  const fs::path root(dir);
  auto it = fs::recursive_directory_iterator(root, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (ignored_name(name)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    const auto format = format_of_file_name(name);
    if (!format || it->is_directory(ec)) continue;
    if (!it->is_regular_file(ec))  // a FIFO named x.json would block the read: say so
      return fail(ErrorCode::io, "not a regular file (a FIFO, socket or device): only regular files are read",
                  Location{.file = it->path().string()});
    SourceFile f;
    f.rel = it->path().lexically_relative(root).generic_string();
    f.path = (root / f.rel).string();
    f.format = *format;
    if (auto st = stat_source(f); !st) return fail(st.error());
    out.push_back(std::move(f));
  }
  if (ec) return fail(ErrorCode::io, fmt::format("cannot list folder: {}", ec.message()), Location{.file = dir});
  std::ranges::sort(out, {}, &SourceFile::rel);
  return out;
}

}  // namespace tg::ingest
