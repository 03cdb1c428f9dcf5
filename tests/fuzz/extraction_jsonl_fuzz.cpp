// read_extraction_file (ingest/extraction.h) on a JSON Lines file: every line a document or an
// error at that line, reading stopped once the errors are full.
#include "ingest/extraction.h"
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = tg::fuzz::scratch_file("input.jsonl", tg::fuzz::text_of(data, size));
  tg::Errors errors(5);
  std::size_t documents = 0, last_line = 0;
  tg::ingest::read_extraction_file(path, true, errors, [&](tg::ingest::Document&& doc) {
    ++documents;
    TG_FUZZ_CHECK(doc.line && *doc.line > last_line);
    last_line = *doc.line;
    const std::size_t n = doc.entities.size();
    for (const auto& r : doc.relations) {
      TG_FUZZ_CHECK(r.from < n && r.to < n);
      TG_FUZZ_CHECK(!r.left || *r.left < n);
      TG_FUZZ_CHECK(!r.location || *r.location < n);
    }
  });
  // Each document is one line, each line at least a byte and its newline but the last.
  TG_FUZZ_CHECK(documents <= size / 2 + 1);
  for (const auto& e : errors.list()) TG_FUZZ_CHECK(e.location.line >= 1);
  (void)errors.str();
  return 0;
}
