#include "graph/files.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tg {
namespace {

std::unexpected<Error> io_error(const std::string& path, std::string_view what, int err) {
  return fail(ErrorCode::io, fmt::format("{}: {}", what, std::strerror(err)), Location{.file = path});
}

}  // namespace

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return fail(ErrorCode::io, "cannot read file", Location{.file = path});
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::io, "not a regular file", Location{.file = path});
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return fail(ErrorCode::io, fmt::format("too large ({} bytes; the limit is {})", st.st_size, max_bytes),
                Location{.file = path});
  }
  std::string text;
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return io_error(path, "cannot read file", err);
    }
    if (n == 0) break;  // shrank while reading
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  ::close(fd);
  return text;
}

Result<AtomicFile> AtomicFile::create(const std::string& path) {
  // O_EXCL: never through a file or link someone else put there; a name left by a crashed
  // process of the same id is skipped.
  static std::atomic<unsigned> counter{0};
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    tmp = fmt::format("{}{}-{}", atomic_write_prefix(path), ::getpid(), counter++);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return io_error(path, "cannot write", errno);
  return AtomicFile(path, std::move(tmp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::move(other.tmp_)), fd_(other.fd_), done_(other.done_) {
  other.fd_ = -1;
  other.done_ = true;
}

AtomicFile::~AtomicFile() {
  if (!done_) (void)abandon(0);
}

std::unexpected<Error> AtomicFile::abandon(int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!done_) ::unlink(tmp_.c_str());
  done_ = true;
  return io_error(path_, "cannot write", err);
}

Result<void> AtomicFile::write(std::string_view bytes) {
  if (done_) return io_error(path_, "cannot write", EBADF);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return abandon(errno);
    if (n == 0) return abandon(ENOSPC);
    written += static_cast<std::size_t>(n);
  }
  return {};
}

Result<void> AtomicFile::sync() {
  if (done_) return io_error(path_, "cannot write", EBADF);
  if (::fsync(fd_) != 0) return abandon(errno);
  return {};
}

Result<void> AtomicFile::commit(Sync sync) {
  if (done_) return io_error(path_, "cannot write", EBADF);
  if (sync == Sync::yes && ::fsync(fd_) != 0) return abandon(errno);
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) return abandon(errno);
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) return abandon(errno);
  done_ = true;
  if (sync == Sync::yes) {
    // The rename is durable once the folder is synced; the new file is in place either way.
    const std::string dir = std::filesystem::path(path_).parent_path().string();
    const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      (void)::fsync(dfd);
      ::close(dfd);
    }
  }
  return {};
}

Result<void> write_file_atomic(const std::string& path, std::string_view bytes, Sync sync) {
  auto file = AtomicFile::create(path);
  if (!file) return fail(file.error());
  if (auto ok = file->write(bytes); !ok) return ok;
  return file->commit(sync);
}

std::string atomic_write_prefix(const std::string& path) { return path + ".tmp-"; }

void remove_files_of_dead_processes(const std::string& prefix) {
  namespace fs = std::filesystem;
  const fs::path p(prefix);
  const std::string stem = p.filename().string();
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= stem.size() || name.compare(0, stem.size(), stem) != 0) continue;
    std::size_t digits = stem.size();
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == stem.size() || digits - stem.size() > 9) continue;
    const auto pid = static_cast<pid_t>(std::stol(name.substr(stem.size(), digits - stem.size())));
    if (pid <= 0 || pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

}  // namespace tg
