// parse_extraction (ingest/extraction.h) on one JSON document: any bytes either give a document
// whose indices all name its entities, or errors, never both and never neither.
#include "ingest/extraction.h"
#include "tests/fuzz/fuzz.h"

namespace {

void check_document(const tg::ingest::Document& doc) {
  const std::size_t n = doc.entities.size();
  for (const auto& r : doc.relations) {
    TG_FUZZ_CHECK(r.from < n && r.to < n);
    TG_FUZZ_CHECK(!r.left || *r.left < n);
    TG_FUZZ_CHECK(!r.location || *r.location < n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tg::Errors errors(20);
  auto doc = tg::ingest::parse_extraction(tg::fuzz::text_of(data, size), tg::Location{.file = "fuzz.json"}, errors);
  TG_FUZZ_CHECK(doc.has_value() == errors.empty());
  if (doc) check_document(*doc);
  for (const auto& e : errors.list()) TG_FUZZ_CHECK(!e.message.empty());
  (void)errors.str();
  return 0;
}
