// tools/talentgraph/output: the one printer of the CLI's answers (kept beside the query tests:
// it prints their rows). Tables align in terminal columns (wide characters count two) and cut
// long cells with "…" and fit the terminal's width; CSV escapes quotes, ends lines with CRLF and
// prints reals whole; JSON sorts keys, indents by 2 and says null for what is not known; nothing
// unprintable reaches a table or CSV raw.
#include "tools/talentgraph/output.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace tg::cli {
namespace {

// Prints with `settings` (by default: not a terminal, no width), then puts the settings back.
std::string print(Format format, const Rows& rows, const std::vector<Column>& columns,
                  const std::string& null_text = "unknown", OutputSettings settings = {}) {
  const OutputSettings saved = output_settings();
  output_settings() = settings;
  std::ostringstream out;
  print_rows(out, format, rows, columns, null_text);
  output_settings() = saved;
  return out.str();
}

Evidence evidence(std::string source, std::string quote, double confidence, std::string url = "") {
  Evidence e;
  e.source = std::move(source);
  e.quote = std::move(quote);
  e.confidence = confidence;
  e.source_url = std::move(url);
  return e;
}

const Rows kRows = {
    {{"name", "알리바바"}, {"n", 3}, {"score", 0.125}, {"date", Value()}, {"ok", true}},
    {{"name", "Ali, \"B\""}, {"n", std::int64_t{-2}}, {"score", 2.0}, {"date", "2024-01"}, {"ok", false}},
};
const std::vector<Column> kColumns = {{"name"}, {"n"}, {"score"}, {"date"}, {"ok"}};

TEST(Output, TableAlignsInTerminalColumns) {
  EXPECT_EQ(print(Format::table, kRows, kColumns),
            "name      n   score  date     ok\n"
            "알리바바  3   0.125  unknown  yes\n"
            "Ali, \"B\"  -2  2      2024-01  no\n");
}

TEST(Output, TableCutsLongCellsWithAnEllipsis) {
  const Rows rows = {{{"q", "abcdefghij"}}, {{"q", "한국어문장입니다"}}, {{"q", "short"}}};
  EXPECT_EQ(print(Format::table, rows, {{"q", 6}}),
            "q\n"
            "abcde…\n"
            "한국…\n"
            "short\n");
}

TEST(Output, CsvEscapesAndEndsLinesWithCrLf) {
  EXPECT_EQ(print(Format::csv, kRows, kColumns),
            "name,n,score,date,ok\r\n"
            "알리바바,3,0.125,,yes\r\n"
            "\"Ali, \"\"B\"\"\",-2,2,2024-01,no\r\n");
}

TEST(Output, MissingFieldsPrintEmpty) {
  EXPECT_EQ(print(Format::csv, {{{"a", 1}}}, {{"a"}, {"b"}}), "a,b\r\n1,\r\n");
}

TEST(Output, EvidenceCellsJoinSourcesAndQuotes) {
  const Value v = EvidenceList{evidence("s1", "said \"x\"", 0.9), evidence("s2", "", 1.0)};
  EXPECT_EQ(cell_text(v, ""), "s1: \"said \"x\"\" | s2");
}

TEST(Output, JsonSortsKeysAndIndentsByTwo) {
  const Rows rows = {{{"zeta", 1},
                      {"alpha", Value()},
                      {"evidence", EvidenceList{evidence("s1", "q", 0.8, "https://e.x"), evidence("s2", "", 1.0)}},
                      {"mid", 2.5}}};
  EXPECT_EQ(print(Format::json, rows, {}),
            "[\n"
            "  {\n"
            "    \"alpha\": null,\n"
            "    \"evidence\": [\n"
            "      {\n"
            "        \"confidence\": 0.8,\n"
            "        \"quote\": \"q\",\n"
            "        \"source\": \"s1\",\n"
            "        \"url\": \"https://e.x\"\n"
            "      },\n"
            "      {\n"
            "        \"confidence\": 1.0,\n"
            "        \"quote\": null,\n"
            "        \"source\": \"s2\",\n"
            "        \"url\": null\n"
            "      }\n"
            "    ],\n"
            "    \"mid\": 2.5,\n"
            "    \"zeta\": 1\n"
            "  }\n"
            "]\n");
  EXPECT_EQ(print(Format::json, {}, {}), "[]\n");
}

TEST(Output, NestedObjectsAndLists) {
  std::ostringstream out;
  print_json(out, Object{{"b", Object{}}, {"a", List{"x", 1}}, {"c", List{}}});
  EXPECT_EQ(out.str(), "{\n  \"a\": [\n    \"x\",\n    1\n  ],\n  \"b\": {},\n  \"c\": []\n}\n");
}

// Unknown is null, one way: an empty string is null, and evidence has every key.
TEST(Output, JsonSaysNullForAnEmptyString) {
  EXPECT_EQ(print(Format::json, {{{"country", ""}, {"name", "x"}}}, {}),
            "[\n  {\n    \"country\": null,\n    \"name\": \"x\"\n  }\n]\n");
}

TEST(Output, JsonOfBytesThatAreNotUtf8IsStillPrinted) {
  std::ostringstream out;
  print_json(out, Object{{"name", std::string("a\xff")}});
  EXPECT_EQ(out.str(), "{\n  \"name\": \"a\xEF\xBF\xBD\"\n}\n");
}

TEST(Output, CsvPrintsRealsWhole) {
  EXPECT_EQ(print(Format::csv, {{{"score", 0.123456789012}}}, {{"score"}}), "score\r\n0.123456789012\r\n");
  // A table stays compact.
  EXPECT_EQ(print(Format::table, {{{"score", 0.123456789012}}}, {{"score"}}), "score\n0.123457\n");
}

TEST(Output, PrintableEscapesWhatDrivesATerminal) {
  EXPECT_EQ(printable("a\x1b[31mred\x07"), "a\\x1b[31mred\\x07");
  EXPECT_EQ(printable("tab\there\nline\x7f"), "tab\\x09here\\x0aline\\x7f");
  EXPECT_EQ(printable("one\ntwo", true), "one\ntwo");
  EXPECT_EQ(printable("\xc2\x9b" "2J"), "\\u009b2J");                       // C1 CSI
  EXPECT_EQ(printable("abc\xe2\x80\xae" "def"), "abc\\u202edef");            // right-to-left override
  EXPECT_EQ(printable("bad\xff\xc3"), "bad\\xff\\xc3");                      // not UTF-8
  EXPECT_EQ(printable("알리바바 阿里巴巴 Zoë"), "알리바바 阿里巴巴 Zoë");  // untouched
}

TEST(Output, TablesAndCsvNeverCarryControlBytes) {
  const Rows rows = {{{"name", "Evil\x1b]0;owned\x07\r\nName"}}};
  const std::string table = print(Format::table, rows, {{"name"}});
  EXPECT_EQ(table, "name\nEvil\\x1b]0;owned\\x07\\x0d\\x0aName\n");
  const std::string csv = print(Format::csv, rows, {{"name"}});
  EXPECT_EQ(csv, "name\r\nEvil\\x1b]0;owned\\x07\\x0d\\x0aName\r\n");
}

TEST(Output, FitNeverSplitsACharacter) {
  EXPECT_EQ(fit("한국어", 4), "한…");   // 2 + 1: a third column would split 국
  EXPECT_EQ(fit("한국어", 5), "한국…");
  EXPECT_EQ(fit("한국어", 6), "한국어");
  EXPECT_EQ(fit("abc", 0), "abc");
}

TEST(Output, FitWidthsNarrowsTheWidestFirst) {
  // 10 + 2 + 40 = 52 > 30: the 40 goes down to 18 (30 - 2 - 10).
  EXPECT_EQ(fit_widths({10, 40}, {4, 4}, 30), (std::vector<std::size_t>{10, 18}));
  // Both wide: cut to one level.
  EXPECT_EQ(fit_widths({30, 30}, {4, 4}, 32), (std::vector<std::size_t>{15, 15}));
  // Never below a column's heading (or 6): the table overflows instead.
  EXPECT_EQ(fit_widths({20, 20}, {12, 4}, 10), (std::vector<std::size_t>{12, 6}));
  EXPECT_EQ(fit_widths({5, 5}, {1, 1}, 0), (std::vector<std::size_t>{5, 5}));
  EXPECT_EQ(fit_widths({5, 5}, {1, 1}, 80), (std::vector<std::size_t>{5, 5}));
}

TEST(Output, TableLayoutCutsQuotesFirstThenLeavesOutIds) {
  // name 10, quote 40, id 5: 10 + 2 + 40 + 2 + 5 = 59.
  const std::vector<std::size_t> natural = {10, 40, 5}, headings = {4, 5, 2};
  const std::vector<bool> cut_first = {false, true, false};
  const std::vector<int> drop = {0, 0, 1};
  // 40 columns: the quote gives 19, nothing else moves.
  EXPECT_EQ(table_layout(natural, headings, cut_first, drop, 40), (std::vector<std::size_t>{10, 21, 5}));
  // 20: the quote down to 6 is not enough; the id goes, and the quote gets its room back.
  EXPECT_EQ(table_layout(natural, headings, cut_first, drop, 20), (std::vector<std::size_t>{10, 8, 0}));
  // 14: then the name is narrowed too.
  EXPECT_EQ(table_layout(natural, headings, cut_first, drop, 14), (std::vector<std::size_t>{6, 6, 0}));
  EXPECT_EQ(table_layout(natural, headings, cut_first, drop, 0), natural);
}

TEST(Output, TablesFitTheWidthUnlessWide) {
  const Rows rows = {{{"person", "우유신"}, {"quote", "a long quote that goes on and on"}}};
  const std::vector<Column> columns = {{"person"}, {"quote"}};
  OutputSettings narrow;
  narrow.width = 24;
  // person 6 + 2 + quote 16 = 24.
  EXPECT_EQ(print(Format::table, rows, columns, "", narrow),
            "person  quote\n"
            "우유신  a long quote th…\n");
  OutputSettings wide = narrow;
  wide.wide = true;
  EXPECT_EQ(print(Format::table, rows, columns, "", wide),
            "person  quote\n"
            "우유신  a long quote that goes on and on\n");
  // CSV and JSON are never cut.
  EXPECT_EQ(print(Format::csv, rows, columns, "", narrow), "person,quote\r\n우유신,a long quote that goes on and on\r\n");
}

TEST(Output, WidthComesFromColumnsThenTheTerminal) {
  EXPECT_EQ(output_settings_for("80", false, 0).width, 80u);   // COLUMNS, piped: asked for
  EXPECT_EQ(output_settings_for("80", true, 120).width, 80u);  // COLUMNS over the terminal's
  EXPECT_EQ(output_settings_for(nullptr, true, 120).width, 120u);
  EXPECT_EQ(output_settings_for(nullptr, false, 120).width, 0u);  // piped: never cut
  EXPECT_EQ(output_settings_for("", false, 0).width, 0u);
  EXPECT_EQ(output_settings_for("abc", true, 100).width, 100u);  // not a number: ignored
  EXPECT_EQ(output_settings_for("-5", false, 0).width, 0u);
  EXPECT_TRUE(output_settings_for(nullptr, true, 0).terminal);
}

TEST(Output, ListsOnATerminalStopAtFiftyRowsByDefault) {
  OutputSettings terminal;
  terminal.terminal = true;
  const OutputSettings piped;
  EXPECT_EQ(list_limit({}, 0, Format::table, terminal), kTerminalLimit);
  EXPECT_EQ(list_limit({}, 0, Format::table, piped), 0u);      // piped: all
  EXPECT_EQ(list_limit({}, 0, Format::json, terminal), 0u);    // JSON: all
  EXPECT_EQ(list_limit({}, 0, Format::csv, terminal), 0u);
  EXPECT_EQ(list_limit(std::size_t{0}, 0, Format::table, terminal), 0u);  // --limit 0: all
  EXPECT_EQ(list_limit(std::size_t{7}, 0, Format::json, piped), 7u);
  EXPECT_EQ(list_limit({}, 10, Format::table, piped), 10u);    // rank's own default
}

}  // namespace
}  // namespace tg::cli
