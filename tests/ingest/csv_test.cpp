// ingest/csv: the RFC 4180 reader (quotes, doubled quotes, embedded newlines, CRLF, BOM, where
// each field starts) and the career-history reader on top of it, with every message pinned.
#include "ingest/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tg::ingest {
namespace {

using Strings = std::vector<std::string>;
using Columns = std::vector<std::size_t>;

struct Rec {
  std::size_t line;
  Strings fields;
  Columns columns;
  bool operator==(const Rec&) const = default;
};

void PrintTo(const Rec& r, std::ostream* os) {
  *os << "line " << r.line << ": " << ::testing::PrintToString(r.fields) << " at "
      << ::testing::PrintToString(r.columns);
}

struct CsvResult {
  std::vector<Rec> records;
  std::string error;  // "" when it read through
};

CsvResult read(std::string_view text, std::size_t stop_after = 1000) {
  CsvResult out;
  auto r = read_csv(text, "f.csv", [&](const CsvRecord& rec) {
    Rec x{rec.line, {}, rec.columns};
    for (auto f : rec.fields) x.fields.emplace_back(f);
    EXPECT_EQ(rec.fields.size(), rec.columns.size());
    out.records.push_back(std::move(x));
    return out.records.size() < stop_after;
  });
  if (!r) {
    EXPECT_EQ(r.error().code, ErrorCode::bad_data);
    out.error = r.error().str();
  }
  return out;
}

// ---- read_csv ----

TEST(CsvReader, FieldsLinesAndColumns) {
  auto r = read("a,b,c\n1,22,333\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"a", "b", "c"}, {1, 3, 5}}, {2, {"1", "22", "333"}, {1, 3, 6}}}));
}

TEST(CsvReader, EmptyFieldsAndNoFinalNewline) {
  auto r = read("a,,\n,b\nlast,line");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"a", "", ""}, {1, 3, 4}}, {2, {"", "b"}, {1, 2}}, {3, {"last", "line"}, {1, 6}}}));
}

TEST(CsvReader, QuotedFieldsWithCommas) {
  auto r = read("x,\"Co., Ltd.\",y\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"x", "Co., Ltd.", "y"}, {1, 3, 15}}}));
}

TEST(CsvReader, DoubledQuotes) {
  auto r = read("\"say \"\"hi\"\"\",\"\"\"\",plain,\"\"\n\"a\"\"b\",\"c\"\"d\"\"e\"\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"say \"hi\"", "\"", "plain", ""}, {1, 14, 19, 25}},
                                         {2, {"a\"b", "c\"d\"e"}, {1, 8}}}));
}

TEST(CsvReader, ManyEscapedFieldsInOneRecordStayValid) {
  // Enough unescaped copies that their storage grows while the record is read.
  std::string line;
  Strings expected;
  for (int i = 0; i < 40; ++i) {
    if (i) line += ',';
    line += "\"field \"\"" + std::to_string(i) + "\"\" with a long enough tail to leave small-string storage\"";
    expected.push_back("field \"" + std::to_string(i) + "\" with a long enough tail to leave small-string storage");
  }
  auto r = read(line + "\n");
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].fields, expected);
}

TEST(CsvReader, EmbeddedNewlinesKeepLineNumbersRight) {
  auto r = read("a,\"line1\nline2\",c\nnext,row,here\n\"x\n\ny\",z\nlast,one\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"a", "line1\nline2", "c"}, {1, 3, 8}},
                                         {3, {"next", "row", "here"}, {1, 6, 10}},
                                         {4, {"x\n\ny", "z"}, {1, 4}},
                                         {7, {"last", "one"}, {1, 6}}}));
}

TEST(CsvReader, CrlfLineEnds) {
  auto r = read("a,b\r\n\"q\",2\r\n\"in\r\nside\",3\r\nz,4\r\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"a", "b"}, {1, 3}},
                                         {2, {"q", "2"}, {1, 5}},
                                         {3, {"in\r\nside", "3"}, {1, 7}},
                                         {5, {"z", "4"}, {1, 3}}}));
}

TEST(CsvReader, ByteOrderMarkIsSkipped) {
  auto r = read("\xEF\xBB\xBFperson,org\nWu,Acme\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"person", "org"}, {1, 8}}, {2, {"Wu", "Acme"}, {1, 4}}}));
}

TEST(CsvReader, BlankLinesAreSkippedButCounted) {
  auto r = read("a\n\nb\r\n\r\nc\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"a"}, {1}}, {3, {"b"}, {1}}, {5, {"c"}, {1}}}));
}

TEST(CsvReader, ColumnsCountCharactersNotBytes) {
  auto r = read("한빛반도체,카카오,x\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.records, (std::vector<Rec>{{1, {"한빛반도체", "카카오", "x"}, {1, 7, 11}}}));
}

TEST(CsvReader, StopsWhenTheCallbackSaysSo) {
  auto r = read("a\nb\nc\n", 2);
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.error, "");
}

TEST(CsvReaderErrors, UnterminatedQuote) {
  EXPECT_EQ(read("a,b\nc,\"abc\n").error, "f.csv:2:3: unterminated quoted field");
  EXPECT_EQ(read("\"abc").error, "f.csv:1:1: unterminated quoted field");
  EXPECT_EQ(read("카카,\"오").error, "f.csv:1:4: unterminated quoted field");
  EXPECT_EQ(read("\"a\nb\",c\nd,\"e\n").error, "f.csv:3:3: unterminated quoted field");
}

TEST(CsvReaderErrors, UnterminatedQuoteAfterAnEscapedQuoteOnALaterLine) {
  // Was a bug (fixed): read_csv moves line_start past the newline inside the field before it finds that the
  // field never closes, then measures the field's column from there: "1:1" instead of "1:3".
  EXPECT_EQ(read("a,\"x\n\"\"yy\n").error, "f.csv:1:3: unterminated quoted field");
}

TEST(CsvReaderErrors, StrayQuotes) {
  EXPECT_EQ(read("ab\"c,d\n").error, "f.csv:1:3: quote inside an unquoted field");
  EXPECT_EQ(read("\"a\nb\",x\nok,ab\"c\n").error, "f.csv:3:6: quote inside an unquoted field");
  EXPECT_EQ(read("\"ab\"c,d\n").error, "f.csv:1:5: unexpected character after a closing quote");
  EXPECT_EQ(read("\"카카\"오,d\n").error, "f.csv:1:5: unexpected character after a closing quote");
  EXPECT_EQ(read("x,\"a\nb\" ,d\n").error, "f.csv:2:3: unexpected character after a closing quote");
}

TEST(CsvReaderErrors, InvalidUtf8NamesTheLine) {
  // Was "f.csv:2: not valid UTF-8": the column too now.
  EXPECT_EQ(read("a,b\nc,\xff\n").error, "f.csv:2:3: not valid UTF-8 (byte 0xFF): save the file as UTF-8");
  EXPECT_EQ(read("\xc0\xaf").error, "f.csv:1:1: not valid UTF-8 (byte 0xC0): save the file as UTF-8");
  EXPECT_EQ(read("카카,\xe0\x80\x80").error, "f.csv:1:4: not valid UTF-8 (byte 0xE0): save the file as UTF-8");
  EXPECT_TRUE(read("a,b\nc,\xff\n").records.empty());  // nothing is handed out
}

// ---- read_careers ----

struct Careers {
  std::vector<CareerRow> rows;
  Strings errors;
  // Copies of the views, which only live during the callback.
  Strings persons, organizations, roles, urls, person_ids, countries;
};

Careers careers(std::string_view text, std::size_t max_errors = 20) {
  Careers c;
  Errors errors(max_errors);
  read_careers(text, "careers.csv", errors, [&](const CareerRow& r) {
    c.rows.push_back(r);
    c.persons.emplace_back(r.person);
    c.organizations.emplace_back(r.organization);
    c.roles.emplace_back(r.role);
    c.urls.emplace_back(r.source_url);
    c.person_ids.emplace_back(r.person_id);
    c.countries.emplace_back(r.organization_country);
  });
  for (const auto& e : errors.list()) {
    EXPECT_EQ(e.code, ErrorCode::bad_data);
    EXPECT_EQ(e.location.file, "careers.csv");
    c.errors.push_back(e.str());
  }
  return c;
}

constexpr std::string_view kHeader = "person,organization,role,start,end,source_url\n";
// Columns of that header: person 1, organization 8, role 21, start 26, end 32, source_url 36.
constexpr std::string_view kFullHeader =
    "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country,start_precision,"
    "end_precision\n";
// ... person_id 47, organization_kind 57, organization_country 75, start_precision 96, end_precision 112.

TEST(Careers, ReadsEveryColumn) {
  const std::string text = std::string(kFullHeader) +
                           "Wu Yuxin,Alibaba Group Holding Ltd.,Researcher,2024-03-05,,https://example.org/wu,"
                           "wikidata:Q1,lab,CN,year,\n"
                           "Jane Roe,\"Acme, Inc.\",\"Engineer, \"\"Vision\"\"\",2020-01-15,2023-06-30,,,,,month,"
                           "day\n";
  auto c = careers(text);
  EXPECT_EQ(c.errors, Strings{});
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0].line, 2u);
  EXPECT_EQ(c.persons[0], "Wu Yuxin");
  EXPECT_EQ(c.organizations[0], "Alibaba Group Holding Ltd.");
  EXPECT_EQ(c.roles[0], "Researcher");
  EXPECT_EQ(c.urls[0], "https://example.org/wu");
  EXPECT_EQ(c.person_ids[0], "wikidata:Q1");
  EXPECT_EQ(c.countries[0], "CN");
  EXPECT_EQ(c.rows[0].organization_kind, NodeKind::lab);
  EXPECT_EQ(c.rows[0].start.str(), "2024");  // start_precision=year truncates 2024-03-05
  EXPECT_FALSE(c.rows[0].end.known());
  EXPECT_EQ(c.rows[1].line, 3u);
  EXPECT_EQ(c.organizations[1], "Acme, Inc.");
  EXPECT_EQ(c.roles[1], "Engineer, \"Vision\"");
  EXPECT_EQ(c.rows[1].organization_kind, NodeKind::company);  // the default
  EXPECT_EQ(c.rows[1].start.str(), "2020-01");
  EXPECT_EQ(c.rows[1].end.str(), "2023-06-30");
  EXPECT_EQ(c.urls[1], "");
  EXPECT_EQ(c.countries[1], "");
}

TEST(Careers, RequiredColumnsInAnyOrderAndEmptyDates) {
  auto c = careers("source_url,end,start,role,organization,person\nhttps://x.org,,,Engineer,Acme,Jane Roe\n");
  EXPECT_EQ(c.errors, Strings{});
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.persons[0], "Jane Roe");
  EXPECT_EQ(c.organizations[0], "Acme");
  EXPECT_EQ(c.urls[0], "https://x.org");
  EXPECT_FALSE(c.rows[0].start.known());
  EXPECT_FALSE(c.rows[0].end.known());
  EXPECT_EQ(c.person_ids[0], "");
}

TEST(Careers, BomCrlfAndEmbeddedNewlines) {
  const std::string text = "\xEF\xBB\xBF" + std::string("person,organization,role,start,end,source_url\r\n") +
                           "Jane Roe,Acme,\"Engineer,\r\nVision\",2020,2021,\r\n" +  // lines 2-3
                           "John Doe,Beta,Boss,2024-13,,\r\n";                         // line 4
  auto c = careers(text);
  EXPECT_EQ(c.errors, Strings{"careers.csv:4:20: start: month out of range (found \"2024-13\")"});
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.roles[0], "Engineer,\r\nVision");
  EXPECT_EQ(c.rows[0].start.str(), "2020");
}

TEST(CareersErrors, Precision) {
  const std::string header(kFullHeader);
  EXPECT_EQ(careers(header + "Wu,Acme,R,2024,,,,,,month,\n").errors,
            Strings{"careers.csv:2:21: start_precision: finer than the date itself (found \"month\" for \"2024\")"});
  EXPECT_EQ(careers(header + "Wu,Acme,R,2020,2024-03,,,,,,day\n").errors,
            Strings{"careers.csv:2:29: end_precision: finer than the date itself (found \"day\" for \"2024-03\")"});
  EXPECT_EQ(careers(header + "Wu,Acme,R,,,,,,,year,\n").errors,
            Strings{"careers.csv:2:17: start_precision: given for an empty date"});
  EXPECT_EQ(careers(header + "Wu,Acme,R,2024-03-05,,,,,,week,\n").errors,
            Strings{"careers.csv:2:27: start_precision: expected year, month or day (found \"week\")"});
  // The same precision as the date is fine; the end is truncated too.
  auto c = careers(header + "Wu,Acme,R,2024-03,2025-07-09,,,,,month,year\n");
  EXPECT_EQ(c.errors, Strings{});
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].start.str(), "2024-03");
  EXPECT_EQ(c.rows[0].end.str(), "2025");
}

TEST(CareersErrors, Header) {
  EXPECT_EQ(careers("person,organization,role,start,end,source_url,persn_id\nWu,Acme,R,,,,x\n").errors,
            Strings{"careers.csv:1:47: unknown column \"persn_id\" (expected person, organization, role, start, end, "
                    "source_url and optionally person_id, organization_kind, organization_country, start_precision, "
                    "end_precision, location)"});
  EXPECT_EQ(careers("person,organization,role,start,end\nWu,Acme,R,,\n").errors,
            Strings{"careers.csv:1:1: missing column \"source_url\""});
  EXPECT_EQ(careers("organization,role\n").errors,
            (Strings{"careers.csv:1:1: missing column \"person\"", "careers.csv:1:1: missing column \"start\"",
                     "careers.csv:1:1: missing column \"end\"", "careers.csv:1:1: missing column \"source_url\""}));
  EXPECT_EQ(careers("person,organization,role,start,end,source_url,role\n").errors,
            Strings{"careers.csv:1:47: duplicate column \"role\""});
  EXPECT_EQ(careers("Person,organization,role,start,end,source_url\n").errors,
            (Strings{"careers.csv:1:1: unknown column \"Person\" (expected person, organization, role, start, end, "
                     "source_url and optionally person_id, organization_kind, organization_country, start_precision, "
                     "end_precision, location)",
                     "careers.csv:1:1: missing column \"person\""}));
  // No rows are read under a bad header.
  EXPECT_TRUE(careers("person,organization,role,start,end\nWu,Acme,R,,\n").rows.empty());
}

TEST(CareersErrors, EmptyFile) {
  const Strings empty{"careers.csv:1:1: empty file (expected a header: person,organization,role,start,end,source_url)"};
  EXPECT_EQ(careers("").errors, empty);
  EXPECT_EQ(careers("\xEF\xBB\xBF").errors, empty);
  EXPECT_EQ(careers("\n\r\n").errors, empty);
}

TEST(CareersErrors, WrongFieldCountAndReadingGoesOn) {
  auto c = careers(std::string(kHeader) +
                   "Wu,Acme,Eng,2020,2021\n"                // 5 fields; the last starts at column 18
                   "Jane Roe,Acme,Eng,2020,2021,,extra\n"   // 7 fields
                   "John Doe,Beta,Boss,2019,2020,\n");      // good
  EXPECT_EQ(c.errors, (Strings{"careers.csv:2:18: expected 6 fields (found 5)",
                               "careers.csv:3:30: expected 6 fields (found 7)"}));
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.persons[0], "John Doe");
}

TEST(CareersErrors, FieldValues) {
  const std::string header(kFullHeader);
  EXPECT_EQ(careers(std::string(kHeader) + "Wu,Acme,R,2024-13,,\n").errors,
            Strings{"careers.csv:2:11: start: month out of range (found \"2024-13\")"});
  EXPECT_EQ(careers(std::string(kHeader) + "Wu,Acme,R,2024,2024-02-30,\n").errors,
            Strings{"careers.csv:2:16: end: day out of range (found \"2024-02-30\")"});
  EXPECT_EQ(careers(std::string(kHeader) + "Wu,Acme,R,2020,2019,\n").errors,
            Strings{"careers.csv:2:16: end: ends before it starts (2019 < 2020)"});
  EXPECT_EQ(careers(std::string(kHeader) + "???,Acme,R,,,\n").errors,
            Strings{"careers.csv:2:1: person: must name a person"});
  EXPECT_EQ(careers(std::string(kHeader) + "Wu,--,R,,,\n").errors,
            Strings{"careers.csv:2:4: organization: must name an organisation"});
  EXPECT_EQ(careers(std::string(kHeader) + ",,R,,,\n").errors,
            (Strings{"careers.csv:2:1: person: must name a person",
                     "careers.csv:2:2: organization: must name an organisation"}));
  EXPECT_EQ(careers(header + "Wu,Acme,R,,,,,place,,,\n").errors,
            Strings{"careers.csv:2:15: organization_kind: expected company, lab, university or agency (found \"place\")"});
  EXPECT_EQ(careers(header + "Wu,Acme,R,,,,,,usa,,\n").errors,
            Strings{"careers.csv:2:16: organization_country: expected an ISO 3166-1 alpha-2 code such as \"US\" "
                    "(found \"usa\")"});
  EXPECT_EQ(careers(header + "Wu,Acme,R,,,,,,us,,\n").errors,
            Strings{"careers.csv:2:16: organization_country: expected an ISO 3166-1 alpha-2 code such as \"US\" "
                    "(found \"us\")"});
}

// Was a bug (fixed): a raw NUL, an escape sequence or a line break was kept in a name.
TEST(CareersErrors, ControlCharactersLongFieldsAndUrls) {
  EXPECT_EQ(careers(std::string(kHeader) + std::string("W\0u,Acme,R,,,\n", 14)).errors,
            Strings{"careers.csv:2:1: person: holds a control character (U+0000 at character 2)"});
  EXPECT_EQ(careers(std::string(kHeader) + "Wu,\x1b[1mAcme,R,,,\n").errors,
            Strings{"careers.csv:2:4: organization: holds a control character (U+001B at character 1)"});
  EXPECT_EQ(careers(std::string(kHeader) + "\"Wu\nYuxin\",Acme,R,,,\n").errors,
            Strings{"careers.csv:2:1: person: holds a control character (U+000A at character 3)"});
  EXPECT_EQ(careers(std::string(kHeader) + "Wu,Acme,\"R\x7f\",,,\n").errors,  // a role may break lines, not hold DEL
            Strings{"careers.csv:2:9: role: holds a control character (U+007F at character 2)"});
  EXPECT_EQ(careers(std::string(kHeader) + std::string(1001, 'W') + ",Acme,R,,,\n").errors,
            Strings{"careers.csv:2:1: person: longer than 1000 characters (found 1001; --max-string-length raises the limit)"});
  EXPECT_TRUE(careers(std::string(kHeader) + std::string(1000, 'W') + ",Acme,R,,,\n").errors.empty());
  EXPECT_EQ(careers(std::string(kHeader) + "Wu,Acme,R,,,www.example.org\n").errors,
            Strings{"careers.csv:2:13: source_url: expected an absolute URL such as \"https://example.com/a\" (found "
                    "\"www.example.org\")"});
}

TEST(CareersErrors, SeveralErrorsOfOneRowAndGoodRowsAround) {
  auto c = careers(std::string(kHeader) +
                   "Jane Roe,Acme,R,2020,,\n"
                   "Wu,Acme,R,2024-13,2020-00,\n"
                   "John Doe,Beta,R,,,\n");
  EXPECT_EQ(c.errors, (Strings{"careers.csv:3:11: start: month out of range (found \"2024-13\")",
                               "careers.csv:3:19: end: month out of range (found \"2020-00\")"}));
  EXPECT_EQ(c.persons, (Strings{"Jane Roe", "John Doe"}));
}

TEST(CareersErrors, CsvSyntaxErrorsAreReported) {
  auto c = careers(std::string(kHeader) + "Jane Roe,Acme,R,2020,,\nWu,\"Acme,R,,,\n");
  EXPECT_EQ(c.errors, Strings{"careers.csv:3:4: unterminated quoted field"});
  EXPECT_EQ(c.persons, Strings{"Jane Roe"});
}

TEST(CareersErrors, StopsAtMaxErrors) {
  std::string text(kHeader);
  for (int i = 0; i < 30; ++i) text += "Wu,Acme,R,2024-13,,\n";
  EXPECT_EQ(careers(text).errors.size(), 20u);
  auto three = careers(text, 3);
  ASSERT_EQ(three.errors.size(), 3u);
  EXPECT_EQ(three.errors[2], "careers.csv:4:11: start: month out of range (found \"2024-13\")");
}

}  // namespace
}  // namespace tg::ingest
