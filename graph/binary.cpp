#include "graph/binary.h"

#include <bit>

namespace tg::binary {

std::uint64_t checksum(std::string_view bytes) {
  Fnv1a h;
  h.block(bytes.data(), bytes.size());
  return h.value();
}

std::uint64_t wide_checksum(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t lanes[4] = {kFnvOffset, kFnvOffset ^ 1, kFnvOffset ^ 2, kFnvOffset ^ 3};
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    for (int l = 0; l < 4; ++l) {
      std::uint64_t word;
      std::memcpy(&word, p + i + 8 * l, 8);
      lanes[l] = std::rotl((lanes[l] ^ word) * kFnvPrime, 29);
    }
  }
  Fnv1a h;
  h.block(lanes, sizeof lanes);
  h.block(p + i, size - i);
  const std::uint64_t n = size;
  h.block(&n, sizeof n);
  return h.value();
}

void Writer::raw(std::string_view bytes) { out_.append(bytes); }

void Writer::append(const void* data, std::size_t size) {
  out_.append(static_cast<const char*>(data), size);
  if (sum_) sum_->block(data, size);
}

std::uint64_t Writer::end_sum() {
  const std::uint64_t v = sum_ ? sum_->value() : 0;
  sum_.reset();
  return v;
}

bool Reader::take(std::size_t size, std::string_view& bytes) {
  if (!ok_ || size > remaining()) return fail();
  bytes = in_.substr(pos_, size);
  pos_ += size;
  if (sum_) sum_->block(bytes.data(), bytes.size());
  return true;
}

std::uint64_t Reader::end_sum() {
  const std::uint64_t v = sum_ ? sum_->value() : 0;
  sum_.reset();
  return v;
}

}  // namespace tg::binary
