// ingest/limits: the caps on one input, in effect on a run's thread while it reads, and what the
// readers say when an input goes over one. The command line's flags are in tests/e2e/limits.test.
#include "ingest/limits.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "ingest/csv.h"
#include "ingest/extraction.h"
#include "ingest/json_errors.h"

namespace tg::ingest {
namespace {

std::string document(int entities, const std::string& name = "Tessa Marlowe") {
  std::string list;
  for (int i = 0; i < entities; ++i)
    list += (i ? ", " : "") + std::string(R"({"ref": "e)") + std::to_string(i) + R"(", "kind": "person", "name": ")" + name +
            " " + std::to_string(i) + R"("})";
  return R"({"source": {"id": "s", "title": "t", "publisher": "p", "published": "2024-01-01", "language": "en"},)"
         R"( "entities": [)" + list + R"(], "relations": []})";
}

std::string errors_of(const std::string& text) {
  Errors errors;
  (void)parse_extraction(text, Location{.file = "doc.json"}, errors);
  return errors.str();
}

TEST(InputLimits, DefaultsAreInEffectWithoutARun) {
  const InputLimits defaults;
  EXPECT_EQ(input_limits().document_bytes, defaults.document_bytes);
  EXPECT_EQ(input_limits().string_length, 1000u);
  EXPECT_EQ(input_limits().nesting_depth, 64u);
  EXPECT_EQ(errors_of(document(3)), "");
}

TEST(InputLimits, ScopedLimitsHoldOnTheirThreadUntilDestroyed) {
  {
    const ScopedInputLimits outer(InputLimits{.entities_per_document = 2});
    EXPECT_EQ(errors_of(document(3)), "doc.json: entities: 3 entities, more than the limit of 2 for one document "
                                      "(--max-entities raises it)");
    EXPECT_EQ(errors_of(document(2)), "");
    {
      const ScopedInputLimits inner(InputLimits{.entities_per_document = 5});
      EXPECT_EQ(errors_of(document(3)), "");
    }
    EXPECT_NE(errors_of(document(3)), "");  // the outer ones again
    // Another thread reads with its own (the defaults): one run's limits are not another's.
    std::string elsewhere = "not run";
    std::thread([&] { elsewhere = errors_of(document(3)); }).join();
    EXPECT_EQ(elsewhere, "");
  }
  EXPECT_EQ(errors_of(document(3)), "");
}

TEST(InputLimits, StringLengthNestingAndDocumentSize) {
  {
    const ScopedInputLimits limits(InputLimits{.string_length = 12});
    // "Tessa Marlowe 0" is 15 characters.
    EXPECT_EQ(errors_of(document(1)), "doc.json: entities[0].name: longer than 12 characters (found 15; "
                                      "--max-string-length raises the limit)");
    // Characters, not bytes: 12 Hangul syllables (36 bytes) fit.
    EXPECT_EQ(errors_of(document(1, "가나다라마바사아자차")), "");
    Errors errors;
    read_careers("person,organization,role,start,end,source_url\nTessa Marlowe,Arden Robotics,,,,\n", "c.csv", errors, [](const CareerRow&) {});
    EXPECT_EQ(errors.str(), "c.csv:2:1: person: longer than 12 characters (found 13; --max-string-length raises the limit)\n"
                            "c.csv:2:15: organization: longer than 12 characters (found 14; --max-string-length raises "
                            "the limit)");
  }
  {
    const ScopedInputLimits limits(InputLimits{.nesting_depth = 3});
    // root, entities, an entity: 3 levels; "ids" would be the fourth.
    EXPECT_EQ(errors_of(document(1)), "");
    const std::string deeper = R"({"x": [[[1]]]})";
    auto parsed = parse_json_strict(deeper, Location{.file = "d.json"});
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().str(), "d.json:1:9: x: nested deeper than 3 levels (--max-nesting raises the limit)");
  }
  {
    const std::string text = document(3);
    const ScopedInputLimits limits(InputLimits{.document_bytes = text.size() - 1});
    EXPECT_EQ(errors_of(text), "doc.json: " + std::to_string(text.size()) +
                                   " bytes, more than the limit of " + std::to_string(text.size() - 1) +
                                   " bytes for one document (--max-document-size raises it)");
    const ScopedInputLimits exact(InputLimits{.document_bytes = text.size()});
    EXPECT_EQ(errors_of(text), "");
  }
}

TEST(InputLimits, SizesAsUsersWriteThem) {
  EXPECT_EQ(parse_size("1000").value(), 1000u);
  EXPECT_EQ(parse_size("300k").value(), 300u << 10);
  EXPECT_EQ(parse_size("300K").value(), 300u << 10);
  EXPECT_EQ(parse_size("512M").value(), std::uint64_t(512) << 20);
  EXPECT_EQ(parse_size("512MiB").value(), std::uint64_t(512) << 20);
  EXPECT_EQ(parse_size("2GB").value(), std::uint64_t(2) << 30);
  EXPECT_EQ(parse_size("1T").value(), std::uint64_t(1) << 40);
  EXPECT_EQ(parse_size("64B").value(), 64u);
  EXPECT_EQ(parse_size("1.5M").value(), 1572864u);
  EXPECT_EQ(parse_size("0.5k").value(), 512u);
  EXPECT_EQ(parse_size("2.0001").value(), 2u);
  for (const char* bad : {"", "M", "12X", "-1", "+1", "12 M", "1e3", ".5M", "5.M", "1.2.3", "99999999999999999999",
                          "20000000T"}) {
    auto r = parse_size(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::usage) << bad;
  }
  EXPECT_EQ(size_text(std::uint64_t(512) << 20), "512 MiB");
  EXPECT_EQ(size_text(1536), "1536 bytes");
  EXPECT_EQ(size_text(2048), "2 KiB");
  EXPECT_EQ(size_text((std::uint64_t(600) << 20) + 1), "600.0 MiB");
  EXPECT_EQ(size_text(999), "999 bytes");
}

}  // namespace
}  // namespace tg::ingest
