// tools/talentgraph/output: the one printer of the CLI's answers (kept beside the query tests:
// it prints their rows). Tables align in terminal columns (wide characters count two) and cut
// long cells with "…"; CSV escapes quotes and ends lines with CRLF; JSON sorts keys, indents by 2.
#include "tools/talentgraph/output.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace tg::cli {
namespace {

std::string print(Format format, const Rows& rows, const std::vector<Column>& columns,
                  const std::string& null_text = "unknown") {
  std::ostringstream out;
  print_rows(out, format, rows, columns, null_text);
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
const std::vector<Column> kColumns = {{"name", "name"}, {"n", "n"}, {"score", "score"}, {"date", "date"}, {"ok", "ok"}};

TEST(Output, TableAlignsInTerminalColumns) {
  EXPECT_EQ(print(Format::table, kRows, kColumns),
            "name      n   score  date     ok\n"
            "알리바바  3   0.125  unknown  yes\n"
            "Ali, \"B\"  -2  2      2024-01  no\n");
}

TEST(Output, TableCutsLongCellsWithAnEllipsis) {
  const Rows rows = {{{"q", "abcdefghij"}}, {{"q", "한국어문장입니다"}}, {{"q", "short"}}};
  EXPECT_EQ(print(Format::table, rows, {{"q", "quote", 6}}),
            "quote\n"
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
  EXPECT_EQ(print(Format::csv, {{{"a", 1}}}, {{"a", "a"}, {"b", "b"}}), "a,b\r\n1,\r\n");
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
            "        \"quote\": \"\",\n"
            "        \"source\": \"s2\"\n"
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

}  // namespace
}  // namespace tg::cli
