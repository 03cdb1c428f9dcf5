#include "tests/faults/failing_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace tg::faults {
namespace {

sqlite3_vfs* g_real = nullptr;  // the default VFS before ours (unix)
sqlite3_vfs g_vfs{};

// Our file: the real VFS's file follows it in the same allocation (szOsFile covers both).
struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

int fail_code(Op op) {
  switch (op) {
    case Op::read: return SQLITE_IOERR_READ;
    case Op::write: return SQLITE_IOERR_WRITE;
    case Op::sync: return SQLITE_IOERR_FSYNC;
    case Op::truncate: return SQLITE_IOERR_TRUNCATE;
  }
  return SQLITE_IOERR;
}

int x_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  const int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}

int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (const int rc = FailingVfs::install().decide(Op::read, nullptr); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}

int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  bool short_write = false;
  if (const int rc = FailingVfs::install().decide(Op::write, &short_write); rc != SQLITE_OK) {
    // What a disk that fills up mid-write leaves: the first bytes written, the rest not.
    if (short_write && n > 1) (void)real_of(f)->pMethods->xWrite(real_of(f), buf, n / 2, off);
    return rc;
  }
  return real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = FailingVfs::install().decide(Op::truncate, nullptr); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}

int x_sync(sqlite3_file* f, int flags) {
  if (const int rc = FailingVfs::install().decide(Op::sync, nullptr); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int x_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int x_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) {
  // Declines memory-mapped I/O (see the header): every read goes through xRead.
  if (op == SQLITE_FCNTL_MMAP_SIZE) {
    if (arg) *static_cast<sqlite3_int64*>(arg) = 0;
    return SQLITE_OK;
  }
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device_characteristics(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  sqlite3_file* r = real_of(f);
  if (r->pMethods->iVersion < 2 || !r->pMethods->xShmMap) return SQLITE_IOERR_SHMMAP;
  return r->pMethods->xShmMap(r, page, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) { return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag); }
int x_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;  // no mapping: SQLite reads the page with xRead
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {
    3,           x_close,     x_read,      x_write,         x_truncate,    x_sync,       x_file_size,
    x_lock,      x_unlock,    x_check_reserved, x_file_control, x_sector_size, x_device_characteristics,
    x_shm_map,   x_shm_lock,  x_shm_barrier, x_shm_unmap,   x_fetch,       x_unfetch,
};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  File* file = reinterpret_cast<File*>(f);
  file->base.pMethods = nullptr;
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  std::memset(file->real, 0, static_cast<std::size_t>(g_real->szOsFile));
  const int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  // SQLite calls xClose when pMethods is set, even after a failed open: ours forwards it.
  if (file->real->pMethods) file->base.pMethods = &kMethods;
  return rc;
}

// The rest is the real VFS's own.
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_real->xDelete(g_real, name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* sym))(void) { return g_real->xDlSym(g_real, handle, sym); }
void x_dl_close(sqlite3_vfs*, void* handle) { g_real->xDlClose(g_real, handle); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int x_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int x_current_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int x_get_last_error(sqlite3_vfs*, int n, char* out) { return g_real->xGetLastError(g_real, n, out); }
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); }

}  // namespace

const char* to_string(Op op) {
  switch (op) {
    case Op::read: return "xRead";
    case Op::write: return "xWrite";
    case Op::sync: return "xSync";
    case Op::truncate: return "xTruncate";
  }
  return "?";
}

const char* to_string(Fault fault) {
  switch (fault) {
    case Fault::full: return "SQLITE_FULL";
    case Fault::io_error: return "SQLITE_IOERR";
    case Fault::short_write: return "short write";
  }
  return "?";
}

FailingVfs& FailingVfs::install() {
  static FailingVfs* vfs = [] {
    if (sqlite3_initialize() != SQLITE_OK) throw std::runtime_error("sqlite3_initialize failed");
    g_real = sqlite3_vfs_find(nullptr);
    if (!g_real || g_real->iVersion < 2) throw std::runtime_error("no default SQLite VFS of version 2 or more");
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = "tg-failing";
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    g_vfs.xAccess = x_access;
    g_vfs.xFullPathname = x_full_pathname;
    g_vfs.xDlOpen = x_dl_open;
    g_vfs.xDlError = x_dl_error;
    g_vfs.xDlSym = x_dl_sym;
    g_vfs.xDlClose = x_dl_close;
    g_vfs.xRandomness = x_randomness;
    g_vfs.xSleep = x_sleep;
    g_vfs.xCurrentTime = x_current_time;
    g_vfs.xGetLastError = x_get_last_error;
    g_vfs.xCurrentTimeInt64 = x_current_time_int64;
    if (sqlite3_vfs_register(&g_vfs, 1) != SQLITE_OK) throw std::runtime_error("cannot register the failing VFS");
    return new FailingVfs();
  }();
  return *vfs;
}

void FailingVfs::arm(const Plan& plan) {
  if (plan.fault == Fault::short_write && plan.op != Op::write)
    throw std::invalid_argument("a short write is a fault of xWrite");
  counts_ = {};
  failures_ = 0;
  plan_ = plan;
  armed_ = true;
}

void FailingVfs::count_only() {
  counts_ = {};
  failures_ = 0;
  armed_ = false;
}

void FailingVfs::disarm() { armed_ = false; }

int FailingVfs::decide(Op op, bool* short_write) {
  const std::uint64_t n = ++counts_.by_op[static_cast<std::size_t>(op)];
  if (!armed_ || op != plan_.op || n < plan_.nth || (n > plan_.nth && !plan_.sticky)) return SQLITE_OK;
  ++failures_;
  switch (plan_.fault) {
    case Fault::full: return SQLITE_FULL;
    case Fault::io_error: return fail_code(op);
    case Fault::short_write:
      if (short_write) *short_write = true;
      return SQLITE_FULL;
  }
  return SQLITE_IOERR;
}

}  // namespace tg::faults
