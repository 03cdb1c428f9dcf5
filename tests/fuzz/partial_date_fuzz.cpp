// PartialDate::parse (graph/model.h): what it accepts prints back as itself, parses again to the
// same date, and covers a non-empty run of days that its truncations contain.
#include "graph/model.h"
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = tg::fuzz::text_of(data, size);
  auto d = tg::PartialDate::parse(text);
  if (!d) {
    TG_FUZZ_CHECK(!d.error().message.empty());
    return 0;
  }
  TG_FUZZ_CHECK(d->known());
  TG_FUZZ_CHECK(d->str() == text);
  auto again = tg::PartialDate::parse(d->str());
  TG_FUZZ_CHECK(again && *again == *d);
  TG_FUZZ_CHECK(d->first_day() <= d->last_day());
  for (auto p : {tg::DatePrecision::none, tg::DatePrecision::year, tg::DatePrecision::month, tg::DatePrecision::day}) {
    const tg::PartialDate t = d->truncated(p);
    TG_FUZZ_CHECK(t.precision() <= d->precision());
    if (!t.known()) continue;
    TG_FUZZ_CHECK(t.first_day() <= d->first_day() && d->last_day() <= t.last_day());
    TG_FUZZ_CHECK(d->str().starts_with(t.str()));
  }
  return 0;
}
