// read_curation_file (ingest/curation.h) on a file of these bytes: a curation whose rules hold
// what they promise (groups of two names or more, pairs, non-empty names, a place for each
// group), or errors, never both and never neither.
#include "ingest/curation.h"
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = tg::fuzz::scratch_file("curation.json", tg::fuzz::text_of(data, size));
  tg::Errors errors(20);
  auto c = tg::ingest::read_curation_file(path, errors);
  TG_FUZZ_CHECK(c.has_value() == errors.empty());
  if (c) {
    TG_FUZZ_CHECK(c->same_as.size() == c->same_as_at.size());
    TG_FUZZ_CHECK(c->not_same_as.size() == c->not_same_as_at.size());
    for (const auto& group : c->same_as) {
      TG_FUZZ_CHECK(group.size() >= 2);
      for (const auto& name : group) TG_FUZZ_CHECK(!name.empty());
    }
    for (const auto& [a, b] : c->not_same_as) TG_FUZZ_CHECK(!a.empty() && !b.empty());
    for (const auto& name : c->forget) TG_FUZZ_CHECK(!name.empty());
    for (const auto& [name, code] : c->country) TG_FUZZ_CHECK(!name.empty() && code.size() == 2);
  }
  for (const auto& e : errors.list()) TG_FUZZ_CHECK(!e.message.empty() && e.location.file == path);
  (void)errors.str();
  return 0;
}
