// CSV career histories: `person,organization,role,start,end,source_url` plus optional
// `person_id,organization_kind,organization_country,start_precision,end_precision,location`
// (`location`: the place of work, a place's name).
// RFC 4180 (quoted fields, doubled quotes, CRLF), UTF-8 with or without a BOM. Each row is one
// `worked_at` claim whose source is its URL, or the file when the URL is empty.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"
#include "graph/model.h"

namespace tg::ingest {

// A raw CSV record: its fields and where each starts (1-based line and column in characters).
struct CsvRecord {
  std::vector<std::string_view> fields;
  std::vector<std::size_t> columns;
  std::size_t line = 0;
};

// Splits `text` into records, calling `fn` for each (return false to stop). Fields with
// escaped quotes are unescaped into storage that lives until the next call of `fn`.
// Fails on an unterminated quote or stray quote, at the file, line and column where it is.
Result<void> read_csv(std::string_view text, const std::string& file,
                      const std::function<bool(const CsvRecord&)>& fn);

// One validated career row.
struct CareerRow {
  std::size_t line = 0;
  std::string_view person, organization, role, source_url, person_id, organization_country, location;
  NodeKind organization_kind = NodeKind::company;
  bool organization_kind_given = false;  // the row says organization_kind (else company)
  std::size_t organization_column = 0;   // where the organisation's field starts
  PartialDate start, end;
};

// Reads a career CSV: validates the header and every row, calling `fn` for each good row.
// Row errors are added to `errors` (file, line, column and the column's name as the field);
// reading goes on to report more until `errors` is full. A header is only accepted while
// `errors` is empty (an earlier file's errors end the reading of later ones, as they did).
void read_careers(std::string_view text, const std::string& file, Errors& errors,
                  const std::function<void(const CareerRow&)>& fn);

}  // namespace tg::ingest
