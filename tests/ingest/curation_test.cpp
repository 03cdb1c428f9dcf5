// ingest/curation: reading a curation file (same_as, not_same_as, forget), with every message pinned.
#include "ingest/curation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/scratch.h"

namespace tg::ingest {
namespace {

using Strings = std::vector<std::string>;
using test_support::ScratchDir;

struct Read {
  std::optional<Curation> curation;
  Strings errors;
};

Read read(const ScratchDir& dir, std::string_view text) {
  const std::string path = dir.write("curation.json", text);
  Read r;
  Errors errors;
  r.curation = read_curation_file(path, errors);
  for (const auto& e : errors.list()) {
    EXPECT_EQ(e.code, ErrorCode::bad_data);
    EXPECT_EQ(e.location.file, path);
    r.errors.push_back(e.str());
  }
  EXPECT_EQ(r.curation.has_value(), r.errors.empty());
  return r;
}

TEST(Curation, ReadsAllThreeRules) {
  ScratchDir dir;
  auto r = read(dir, R"({"$schema": "x", "comment": "why these rules",
    "same_as": [["Meta Platforms", "Meta", "Facebook"], ["알리바바", "Alibaba"]],
    "not_same_as": [["Google Brain", "Google DeepMind"]],
    "forget": ["Wu Yuxin", "우유신"]})");
  ASSERT_TRUE(r.curation.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.curation->same_as, (std::vector<Strings>{{"Meta Platforms", "Meta", "Facebook"}, {"알리바바", "Alibaba"}}));
  EXPECT_EQ(r.curation->not_same_as,
            (std::vector<std::pair<std::string, std::string>>{{"Google Brain", "Google DeepMind"}}));
  EXPECT_EQ(r.curation->forget, (Strings{"Wu Yuxin", "우유신"}));
}

TEST(Curation, EmptyRulesAreFine) {
  ScratchDir dir;
  auto r = read(dir, R"({"same_as": [], "not_same_as": [], "forget": []})");
  ASSERT_TRUE(r.curation.has_value());
  EXPECT_TRUE(r.curation->same_as.empty());
  EXPECT_TRUE(r.curation->not_same_as.empty());
  EXPECT_TRUE(r.curation->forget.empty());
  EXPECT_TRUE(read(dir, "{}").curation.has_value());
}

TEST(CurationErrors, MissingFile) {
  ScratchDir dir;
  const std::string path = dir.file("absent.json");
  Errors errors;
  EXPECT_FALSE(read_curation_file(path, errors).has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.list()[0].code, ErrorCode::io);
  EXPECT_EQ(errors.list()[0].str(), path + ": cannot read file");
}

TEST(CurationErrors, InvalidJsonReadsLikeTheOtherFormats) {
  // Was a bug (fixed): read_curation_file reports `PATH: invalid JSON: byte 2: [json.exception.parse_error.101]
  // parse error at line 1, column 2: …`, nlohmann's internal text with a byte offset, where the
  // extraction reader (and STYLE.md) give `PATH:LINE:COLUMN: invalid JSON: what`.
  ScratchDir dir;
  const std::string path = dir.file("curation.json");
  EXPECT_EQ(read(dir, "{,}").errors,
            Strings{path + ":1:2: invalid JSON: syntax error while parsing object key - unexpected ','; expected "
                           "string literal"});
}

TEST(CurationErrors, EveryMessage) {
  ScratchDir dir;
  const std::string p = dir.file("curation.json") + ": ";
  EXPECT_EQ(read(dir, "[]").errors, Strings{p + "document: expected an object with same_as, not_same_as and forget"});
  EXPECT_EQ(read(dir, R"({"same_as": {"a": "b"}})").errors, Strings{p + "same_as: expected an array of name groups"});
  EXPECT_EQ(read(dir, R"({"not_same_as": "a"})").errors, Strings{p + "not_same_as: expected an array of name groups"});
  EXPECT_EQ(read(dir, R"({"same_as": [["Meta"]]})").errors,
            Strings{p + "same_as[0]: expected an array of at least 2 names"});
  EXPECT_EQ(read(dir, R"({"same_as": [["a", "b"], "Meta"]})").errors,
            Strings{p + "same_as[1]: expected an array of at least 2 names"});
  EXPECT_EQ(read(dir, R"({"same_as": [["Meta", ""]]})").errors, Strings{p + "same_as[0][1]: expected a non-empty name"});
  EXPECT_EQ(read(dir, R"({"same_as": [["Meta", 3]]})").errors, Strings{p + "same_as[0][1]: expected a non-empty name"});
  EXPECT_EQ(read(dir, R"({"not_same_as": [["Google Brain"]]})").errors,
            Strings{p + "not_same_as[0]: expected an array of at least 2 names"});
  EXPECT_EQ(read(dir, R"({"not_same_as": [["a", "b", "c"]]})").errors,
            Strings{p + "not_same_as[0]: expected exactly two names"});
  EXPECT_EQ(read(dir, R"({"forget": "Wu Yuxin"})").errors, Strings{p + "forget: expected an array of names"});
  EXPECT_EQ(read(dir, R"({"forget": ["Wu Yuxin", 5, ""]})").errors,
            (Strings{p + "forget[1]: expected a non-empty name", p + "forget[2]: expected a non-empty name"}));
  EXPECT_EQ(read(dir, R"({"sameas": []})").errors,
            Strings{p + "sameas: unknown field (expected same_as, not_same_as, forget or country)"});
}

TEST(CurationErrors, AllErrorsOfTheFile) {
  ScratchDir dir;
  const std::string p = dir.file("curation.json") + ": ";
  EXPECT_EQ(read(dir, R"({"forget": [""], "same_as": [["x"]], "zzz": 1})").errors,
            (Strings{p + "forget[0]: expected a non-empty name", p + "same_as[0]: expected an array of at least 2 names",
                     p + "zzz: unknown field (expected same_as, not_same_as, forget or country)"}));
}

}  // namespace
}  // namespace tg::ingest
