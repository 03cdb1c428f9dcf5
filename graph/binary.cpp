#include "graph/binary.h"

namespace tg::binary {

std::uint64_t checksum(std::string_view bytes) {
  Fnv1a h;
  h.block(bytes.data(), bytes.size());
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
