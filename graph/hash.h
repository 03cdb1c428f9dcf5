// FNV-1a, 64-bit: the project's one non-cryptographic hash of bytes (relation identities in the
// store, in-run fingerprints in ingest, cache checksums). Values stored on disk depend on it:
// changing it needs a schema migration and a cache format bump.
#pragma once

#include <cstdint>
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
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = kFnvOffset;
};

inline std::uint64_t fnv1a(std::string_view s) {
  Fnv1a h;
  h.bytes(s);
  return h.value();
}

}  // namespace tg
