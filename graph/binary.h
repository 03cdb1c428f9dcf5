// The binary cache files (graph/csr.h, graph/snapshot.h): a writer that appends plain values and
// arrays to a buffer, a reader that never trusts a size it reads, and their one checksum.
// Values are stored as the machine holds them (little-endian on every platform we build for).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "graph/hash.h"

namespace tg::binary {

// The checksum of the cache files: Fnv1a::block over the bytes.
std::uint64_t checksum(std::string_view bytes);
// The checksum of large arrays in the snapshot file (graph/snapshot.cpp): Fnv1a::block's step on
// four lanes of interleaved eight-byte words, so that four multiplications run at once (about
// four times checksum's speed: it is bound by memory, not by the multiplier), then the lanes, the
// tail and the size through one Fnv1a::block.
std::uint64_t wide_checksum(const void* data, std::size_t size);

class Writer {
 public:
  // Appended without a checksum (magic numbers, or while no sum is running).
  void raw(std::string_view bytes);
  template <typename T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(&value, sizeof value);
  }
  template <typename T>
  void put_array(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(values.data(), values.size_bytes());
  }
  template <typename T>
  void put_array(const std::vector<T>& values) {
    put_array(std::span<const T>(values));
  }
  // A running checksum of each value and array put from begin_sum() on (one Fnv1a::block call
  // each); end_sum() stops it and returns it, to be put after them.
  void begin_sum() { sum_.emplace(); }
  std::uint64_t end_sum();

  // Room for `size` bytes in all: a large file is then written without growing the buffer.
  void reserve(std::size_t size) { out_.reserve(size); }
  const std::string& bytes() const { return out_; }
  std::size_t size() const { return out_.size(); }

 private:
  void append(const void* data, std::size_t size);
  std::string out_;
  std::optional<Fnv1a> sum_;
};

// Reads what a Writer wrote, from bytes it does not own. A read that would pass the end fails
// and reads nothing; a count is checked against the bytes left before anything is allocated, so
// a damaged size can never make it allocate more than the input holds. Failures are sticky:
// ok() says whether every read so far succeeded.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : in_(bytes) {}

  template <typename T>
  bool get(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::string_view b;
    if (!take(sizeof value, b)) return false;
    std::memcpy(&value, b.data(), sizeof value);
    return true;
  }
  template <typename T>
  bool get_array(std::uint64_t count, std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    values.clear();
    std::string_view b;
    if (count > remaining() / sizeof(T) || !take(static_cast<std::size_t>(count) * sizeof(T), b)) return fail();
    values.resize(static_cast<std::size_t>(count));
    if (!b.empty()) std::memcpy(values.data(), b.data(), b.size());
    return true;
  }
  // `size` bytes as a view into the input (no copy).
  bool get_bytes(std::uint64_t size, std::string_view& bytes) {
    if (size > remaining()) return fail();
    return take(static_cast<std::size_t>(size), bytes);
  }
  // Like Writer's: the checksum of what was got since begin_sum().
  void begin_sum() { sum_.emplace(); }
  std::uint64_t end_sum();

  bool ok() const { return ok_; }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::string_view rest() const { return in_.substr(pos_); }

 private:
  bool take(std::size_t size, std::string_view& bytes);
  bool fail() {
    ok_ = false;
    return false;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  std::optional<Fnv1a> sum_;
};

}  // namespace tg::binary
