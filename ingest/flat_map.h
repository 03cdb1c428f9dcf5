// In-run indexes of an ingest: millions of small entries that live exactly as long as one run.
// An open-addressing table keeps them in one array (no allocation per entry, nothing to walk
// when it goes), and text lives in an arena that is freed at once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory_resource>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tg::ingest {

// Copies of text that stay valid until the arena is destroyed.
class TextArena {
 public:
  std::string_view keep(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(pool_.allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

 private:
  std::pmr::monotonic_buffer_resource pool_;
};

// Finalising mix of splitmix64: spreads integer keys (often consecutive ids) over the table.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct TextHash {
  std::uint64_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct IntHash {
  std::uint64_t operator()(std::int64_t v) const { return mix64(static_cast<std::uint64_t>(v)); }
};

// A hash map with linear probing over trivially copyable keys and values. Keys that view text
// must outlive the map (keep them in a TextArena). Entries are never erased.
template <typename Key, typename Value, typename Hash>
class FlatMap {
  static_assert(std::is_trivially_copyable_v<Key> && std::is_trivially_copyable_v<Value>);

 public:
  std::uint64_t hash(const Key& key) const {
    const std::uint64_t h = Hash{}(key);
    return h ? h : 1;  // 0 marks an empty slot
  }

  Value* find(const Key& key) { return find(key, hash(key)); }
  Value* find(const Key& key, std::uint64_t h) {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == h && s.key == key) return &s.value;
    }
  }

  // Adds `key`, which must not be in the map yet; `h` is hash(key).
  Value& insert(const Key& key, std::uint64_t h, const Value& value) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    ++size_;
    return place(Slot{h, key, value});
  }
  Value& insert(const Key& key, const Value& value) { return insert(key, hash(key), value); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Forgets every entry and keeps the table's room (a map reused batch after batch).
  void clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = 0;
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    Key key{};
    Value value{};
  };

  Value& place(const Slot& slot) {
    for (std::size_t i = slot.hash & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].hash == 0) {
        slots_[i] = slot;
        return slots_[i].value;
      }
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.hash) place(s);
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0, mask_ = 0;
};

}  // namespace tg::ingest
