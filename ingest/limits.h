// Caps on what one input may hold, so that a hostile or broken file is refused with a clear error
// before it exhausts memory or the stack: the size of one JSON document (a .json or curation file,
// a JSON Lines line), the length of a name or field, how deep JSON values nest, and the entities of
// one document. The defaults fit every real source seen so far with room to spare; `ingest` and
// `rebuild` take --max-document-size, --max-string-length, --max-nesting and --max-entities.
//
// A run says its limits in IngestOptions; while it reads, they are in effect on its thread
// (ScopedInputLimits), where the readers look them up: the parsers called alone (tests, fuzzers)
// see the defaults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "graph/error.h"

namespace tg::ingest {

struct InputLimits {
  // One JSON document, in bytes: a JSON value takes about ten times its text in memory.
  std::uint64_t document_bytes = std::uint64_t(512) << 20;
  // A name, alias or role, a CSV field, in characters.
  std::size_t string_length = 1000;
  // Nesting of JSON values: the format needs 4 levels.
  std::size_t nesting_depth = 64;
  // Entities of one extraction document.
  std::size_t entities_per_document = 1'000'000;
};

// The limits in effect on this thread.
const InputLimits& input_limits();

// Puts `limits` in effect on this thread until destroyed (then the previous ones again).
class ScopedInputLimits {
 public:
  explicit ScopedInputLimits(const InputLimits& limits);
  ~ScopedInputLimits();
  ScopedInputLimits(const ScopedInputLimits&) = delete;
  ScopedInputLimits& operator=(const ScopedInputLimits&) = delete;

 private:
  InputLimits previous_;
};

// A size as users write it: "512M", "1.5G", "300k", "1000000" (bytes; k, M, G, T are powers of
// 1024, with or without a trailing B or iB; a fraction of a byte is dropped). An error says what
// was wrong.
Result<std::uint64_t> parse_size(const std::string& text);
// 536870912 -> "512 MiB"; sizes that are no whole unit in bytes.
std::string size_text(std::uint64_t bytes);

// What a string over the limit is told: "longer than 1000 characters (found 1200; --max-string-length
// raises the limit)".
std::string too_long(std::size_t characters);

// The error for a document over the limit: "{file}: 600 MiB, more than the limit of 512 MiB for one
// document (--max-document-size raises it)".
Error document_too_large(std::uint64_t bytes, const Location& at);

// A file read whole as one JSON document (a .json or curation file): refused before it is read
// when it is larger than the limit (document_too_large), else as graph/files.h read_file.
Result<std::string> read_document(const std::string& path);

}  // namespace tg::ingest
