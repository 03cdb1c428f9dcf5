// FNV-1a, 64-bit: the project's one non-cryptographic hash of bytes (relation identities in the
// store, in-run fingerprints in ingest, cache checksums). Values stored on disk depend on it:
// changing it needs a schema migration and a cache format bump.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tg {

inline constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

class Fnv1a {
 public:
  void byte(unsigned char c) { h_ = (h_ ^ c) * kFnvPrime; }
  void bytes(std::string_view s) {
    for (unsigned char c : s) byte(c);
  }
  // Eight bytes, little end first.
  void integer(std::int64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(static_cast<std::uint64_t>(v) >> (8 * i)));
  }
  // For checksums of large buffers (the cache files, graph/binary.h): eight bytes a step (as the
  // machine stores them), then the tail bytes one a step, each step followed by a rotate so that
  // high bits reach the low ones. Not the FNV-1a of the bytes, and eight times as fast.
  void block(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      word_step(word);
    }
    for (; i < size; ++i) word_step(p[i]);
  }
  std::uint64_t value() const { return h_; }

 private:
  void word_step(std::uint64_t w) { h_ = std::rotl((h_ ^ w) * kFnvPrime, 29); }
  std::uint64_t h_ = kFnvOffset;
};

inline std::uint64_t fnv1a(std::string_view s) {
  Fnv1a h;
  h.bytes(s);
  return h.value();
}

}  // namespace tg
