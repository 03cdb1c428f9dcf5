// ingest/inputs and ingest/ingest seams: the format registry (names, file suffixes, readers),
// JSON Lines documents streamed one at a time, and runs applied inside a transaction that the
// caller owns (two applies committed together, or rolled back together).
#include "ingest/ingest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/names.h"
#include "ingest/extraction.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::ingest {
namespace {

using nlohmann::json;
using test_support::must_open;
using test_support::ScratchDir;

json document(const std::string& source_id, const std::string& person, const std::string& org) {
  return {{"source",
           {{"id", source_id}, {"title", "T"}, {"publisher", "P"}, {"published", "2024-01-02"}, {"language", "en"}}},
          {"entities",
           {{{"ref", "p"}, {"kind", "person"}, {"name", person}}, {{"ref", "o"}, {"kind", "company"}, {"name", org}}}},
          {"relations", {{{"kind", "worked_at"}, {"from", "p"}, {"to", "o"}}}}};
}

// ---- the format registry ----

TEST(Formats, EveryFormatHasANameSuffixesAndAReader) {
  ASSERT_EQ(formats().size(), 4u);
  for (std::size_t i = 0; i < formats().size(); ++i) {
    const Format& f = formats()[i];
    EXPECT_EQ(static_cast<std::size_t>(f.id), i);
    EXPECT_EQ(&format(f.id), &f);
    EXPECT_EQ(parse_input_format(f.name), f.id);
    EXPECT_FALSE(f.suffixes.empty()) << f.name;
    EXPECT_NE(f.read, nullptr) << f.name;
  }
  EXPECT_EQ(format(InputFormat::json).name, "json");
  EXPECT_EQ(format(InputFormat::curation).stage, Stage::rules);
  EXPECT_EQ(format(InputFormat::jsonl).stage, Stage::documents);
  EXPECT_EQ(format(InputFormat::csv).stage, Stage::rows);
  EXPECT_FALSE(parse_input_format("xml").has_value());
  EXPECT_FALSE(parse_input_format("").has_value());
}

TEST(Formats, FileNamesToFormats) {
  EXPECT_EQ(format_of_file_name("seed.json"), InputFormat::json);
  EXPECT_EQ(format_of_file_name("a.b.json"), InputFormat::json);
  EXPECT_EQ(format_of_file_name("batch.jsonl"), InputFormat::jsonl);
  EXPECT_EQ(format_of_file_name("batch.ndjson"), InputFormat::jsonl);
  EXPECT_EQ(format_of_file_name("careers.csv"), InputFormat::csv);
  // The longest suffix wins, and a two-dot suffix is also a whole name.
  EXPECT_EQ(format_of_file_name("team.curation.json"), InputFormat::curation);
  EXPECT_EQ(format_of_file_name("curation.json"), InputFormat::curation);
  EXPECT_EQ(format_of_file_name("mycuration.json"), InputFormat::json);
  for (const char* unknown : {"notes.txt", "csv", ".csv", "data.CSV", "seed.json.bak", ""})
    EXPECT_FALSE(format_of_file_name(unknown).has_value()) << unknown;
}

TEST(Formats, UnknownExtensionIsAUsageErrorWithItsPlace) {
  ScratchDir dir;
  const std::string txt = dir.write("notes.txt", "");
  auto r = collect_inputs({txt}, std::nullopt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_EQ(r.error().location.file, txt);
  EXPECT_EQ(r.error().message, "unknown format (expected .json, .jsonl or .csv; or say --format)");
  EXPECT_EQ(r.error().str(), txt + ": unknown format (expected .json, .jsonl or .csv; or say --format)");
}

TEST(Formats, ReadersStreamTheirRecords) {
  ScratchDir dir;
  const std::string csv = dir.write("c.csv", "person,organization,role,start,end,source_url\nWu,Acme,R,,,\nLi,Beta,,,,\n");
  std::vector<std::string> people;
  Errors errors;
  format(InputFormat::csv).read(csv, errors, Records{.row = [&](const CareerRow& r) { people.emplace_back(r.person); }});
  EXPECT_TRUE(errors.empty()) << errors.str();
  EXPECT_EQ(people, (std::vector<std::string>{"Wu", "Li"}));

  const std::string rules = dir.write("curation.json", R"({"forget": ["Wu"]})");
  std::vector<std::string> forgotten;
  format(InputFormat::curation).read(rules, errors, Records{.rules = [&](Curation&& c) { forgotten = c.forget; }});
  EXPECT_TRUE(errors.empty()) << errors.str();
  EXPECT_EQ(forgotten, (std::vector<std::string>{"Wu"}));
}

// ---- JSON Lines: one document at a time ----

TEST(JsonLines, EachDocumentIsHandedOnBeforeTheNextLineIsRead) {
  ScratchDir dir;
  const std::string path = dir.write("b.jsonl", document("one", "Wu", "Acme").dump() + "\n{\n" +
                                                    document("three", "Li", "Beta").dump() + "\n");
  Errors errors;
  std::vector<std::size_t> errors_seen;  // how many errors there were when each document came
  std::vector<std::size_t> lines;
  read_extraction_file(path, true, errors, [&](Document&& d) {
    errors_seen.push_back(errors.size());
    lines.push_back(d.line.value_or(0));
  });
  EXPECT_EQ(lines, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(errors_seen, (std::vector<std::size_t>{0, 1}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.list()[0].location.file, path);
  EXPECT_EQ(errors.list()[0].location.line, 2u);
}

TEST(JsonLines, ABadLastLineWritesNothingAndNamesItsLine) {
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  json bad = document("three", "Zhang", "Gamma");
  bad["relations"][0]["to"] = "nobody";
  const std::string path = dir.write("b.jsonl", document("one", "Wu", "Acme").dump() + "\n" +
                                                    document("two", "Li", "Beta").dump() + "\n" + bad.dump() + "\n");
  auto r = ingest(store, {path}, IngestOptions{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::bad_data);
  EXPECT_EQ(r.error().str(), path + ":3: relations[0].to: unknown ref \"nobody\"");
  EXPECT_EQ(store.stats().entities, 0);
  EXPECT_EQ(store.stats().relations, 0);
  EXPECT_EQ(store.stats().sources, 0);
  EXPECT_EQ(store.generation(), 0);

  // The same lines without the bad one are written, each document as read.
  const std::string good = dir.write("g.jsonl", document("one", "Wu", "Acme").dump() + "\n" +
                                                    document("two", "Li", "Beta").dump() + "\n");
  auto ok = ingest(store, {good}, IngestOptions{});
  ASSERT_TRUE(ok.has_value()) << ok.error().str();
  EXPECT_EQ(ok->documents, 2u);
  EXPECT_EQ(store.stats().relations, 2);
}

// ---- a transaction that the caller owns ----

class CallerTransaction : public ::testing::Test {
 protected:
  void SetUp() override {
    // Something in the store beforehand, so that lookups would go to a second connection.
    auto r = ingest(store, {dir.write("base.json", document("base", "Someone Else", "Acme").dump())}, {});
    ASSERT_TRUE(r.has_value()) << r.error().str();
  }
  std::vector<Input> inputs(const std::string& name, const json& doc) {
    return {{dir.write(name, doc.dump()), InputFormat::json}};
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
};

TEST_F(CallerTransaction, TwoAppliesCommitTogether) {
  const Stats before = store.stats();
  {
    Store::Transaction tx(store, Store::Checks::trusted);
    IngestRun run(store, tx, IngestOptions{});
    ASSERT_TRUE(run.apply(inputs("a.json", document("a", "Wu Yuxin", "Beta")))) << run.errors().str();
    // The second apply sees what the first wrote: the same person, not a twin.
    ASSERT_TRUE(run.apply(inputs("b.json", document("b", "Wu Yuxin", "Gamma")))) << run.errors().str();
    run.commit(tx);
    EXPECT_EQ(run.report().documents, 2u);
    EXPECT_EQ(run.report().relations_added, 2u);
    EXPECT_EQ(run.report().claims_added, 2u);
    EXPECT_EQ(run.report().claims_existing, 0u);
  }
  EXPECT_EQ(store.stats().relations, before.relations + 2);
  EXPECT_EQ(store.stats().sources, before.sources + 2);
  EXPECT_EQ(store.stats().entities, before.entities + 3);  // Wu Yuxin once, Beta, Gamma
  EXPECT_EQ(store.entities_with_alias_key(alias_key("Wu Yuxin", KeyStyle::plain)).size(), 1u);
  EXPECT_EQ(store.foreign_key_violations(), 0u);
}

TEST_F(CallerTransaction, AFailedSecondApplyRollsBackTheFirst) {
  const Stats before = store.stats();
  const std::int64_t generation = store.generation();
  json bad = document("b", "Li", "Gamma");
  bad["relations"][0]["from"] = "nobody";
  {
    Store::Transaction tx(store, Store::Checks::trusted);
    IngestRun run(store, tx, IngestOptions{});
    ASSERT_TRUE(run.apply(inputs("a.json", document("a", "Wu Yuxin", "Beta")))) << run.errors().str();
    EXPECT_FALSE(run.apply(inputs("b.json", bad)));
    ASSERT_EQ(run.errors().size(), 1u);
    EXPECT_EQ(run.errors().list()[0].location.record, "relations[0]");
    EXPECT_EQ(run.errors().list()[0].location.field, "from");
    // Not committed: the transaction rolls back as it goes.
  }
  EXPECT_EQ(store.stats().relations, before.relations);
  EXPECT_EQ(store.stats().entities, before.entities);
  EXPECT_EQ(store.stats().sources, before.sources);
  EXPECT_EQ(store.generation(), generation);
}

TEST_F(CallerTransaction, WritesBeforeTheRunAreSeenByIt) {
  // A caller that wrote in the transaction first (as a rebuild retracting claims would) says so.
  Store::Transaction tx(store, Store::Checks::trusted);
  IngestRun first(store, tx, IngestOptions{});
  ASSERT_TRUE(first.apply(inputs("a.json", document("a", "Wu Yuxin", "Beta")))) << first.errors().str();
  IngestRun second(store, tx, IngestOptions{}, /*written_before=*/true);
  ASSERT_TRUE(second.apply(inputs("b.json", document("b", "Wu Yuxin", "Gamma")))) << second.errors().str();
  EXPECT_EQ(second.report().entities_created, 1u);  // Gamma; Wu Yuxin was found
  tx.commit();
  EXPECT_EQ(store.entities_with_alias_key(alias_key("Wu Yuxin", KeyStyle::plain)).size(), 1u);
}

}  // namespace
}  // namespace tg::ingest
