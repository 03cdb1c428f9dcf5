// read_csv and read_careers (ingest/csv.h) on one file's bytes: records with a column for each
// field and lines that never go back; career rows that name a person and an organisation, or
// errors at a line of the file.
#include <algorithm>

#include "ingest/csv.h"
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = tg::fuzz::text_of(data, size);
  // A bound on the lines: the reader ends a record at LF, CR LF or a lone CR.
  const std::size_t lines =
      static_cast<std::size_t>(std::ranges::count(text, '\n') + std::ranges::count(text, '\r')) + 1;
  std::size_t last_line = 0, records = 0;
  auto split = tg::ingest::read_csv(text, "fuzz.csv", [&](const tg::ingest::CsvRecord& rec) {
    ++records;
    TG_FUZZ_CHECK(!rec.fields.empty() && rec.fields.size() == rec.columns.size());
    TG_FUZZ_CHECK(rec.line > last_line && rec.line <= lines);
    last_line = rec.line;
    for (std::size_t i = 0; i < rec.fields.size(); ++i) {
      TG_FUZZ_CHECK(rec.columns[i] >= 1);
      if (i) TG_FUZZ_CHECK(rec.columns[i] > rec.columns[i - 1] || rec.fields[i - 1].find('\n') != std::string_view::npos);
      std::size_t bytes = 0;  // touches every byte of the field: ASan sees a view past its storage
      for (char c : rec.fields[i]) bytes += c == '\0';
      (void)bytes;
    }
    return true;
  });
  if (!split) TG_FUZZ_CHECK(!split.error().message.empty() && split.error().location.line >= 1);

  tg::Errors errors(8);
  std::size_t rows = 0;
  tg::ingest::read_careers(text, "fuzz.csv", errors, [&](const tg::ingest::CareerRow& row) {
    ++rows;
    TG_FUZZ_CHECK(!row.person.empty() && !row.organization.empty());
    TG_FUZZ_CHECK(row.line >= 2 && row.line <= lines);
    (void)row.start.str();
    (void)row.end.str();
  });
  TG_FUZZ_CHECK(rows <= records);
  for (const auto& e : errors.list()) TG_FUZZ_CHECK(e.location.line >= 1 && e.location.line <= lines);
  (void)errors.str();
  return 0;
}
