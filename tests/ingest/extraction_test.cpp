// ingest/extraction: the extraction format's parser. A good document is read field by field; every
// message a user can see is pinned with its exact text (file, record, field, what was found).
#include "ingest/extraction.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graph/digest.h"
#include "tests/support/scratch.h"

namespace tg::ingest {
namespace {

using nlohmann::json;
using test_support::ScratchDir;

json base() {
  return json::parse(R"({
    "$schema": "../schema/extraction.schema.json",
    "source": {"id": "sedaily-2024-11-19", "url": "https://example.org/a", "title": "AI talent",
               "publisher": "Seoul Economic Daily", "published": "2024-11-19", "language": "ko",
               "based_on": "Financial Times, 2024-11-18"},
    "entities": [
      {"ref": "wu", "kind": "person", "name": "Wu Yuxin", "aliases": ["우유신"]},
      {"ref": "alibaba", "kind": "company", "name": "Alibaba Group", "aliases": ["알리바바", "阿里巴巴"],
       "country": "CN", "ids": {"wikidata": "Q1359568"}},
      {"ref": "google-brain", "kind": "lab", "name": "Google Brain", "country": "US"},
      {"ref": "sunnyvale", "kind": "place", "name": "Sunnyvale, California", "country": "US"},
      {"ref": "bis", "kind": "agency", "name": "Bureau of Industry and Security", "country": "US"},
      {"ref": "rule", "kind": "regulation", "name": "AI Diffusion Rule"},
      {"ref": "anon", "kind": "person", "name": "A former Google researcher", "anonymous": true,
       "description": "unnamed in the article"}
    ],
    "relations": [
      {"kind": "office_in", "from": "alibaba", "to": "sunnyvale", "start": "2024",
       "quote": "알리바바는 서니베일에서 AI 팀을 모집하고 있다.", "confidence": 0.9},
      {"kind": "worked_at", "from": "wu", "to": "google-brain", "former": true},
      {"kind": "moved", "from": "wu", "to": "alibaba", "left": "google-brain", "start": "2024-01"},
      {"kind": "worked_at", "from": "wu", "to": "alibaba", "start": "2024-01", "end": "2024-11-19", "role": "Researcher"},
      {"kind": "issued", "from": "bis", "to": "rule", "status": "proposed"},
      {"kind": "part_of", "from": "google-brain", "to": "alibaba", "status": "spun_off"}
    ]
  })");
}

struct Parsed {
  std::optional<Document> doc;
  std::vector<std::string> errors;
};

Parsed parse_text(std::string_view text, std::size_t max_errors = 20) {
  Errors errors(max_errors);
  Parsed p;
  p.doc = parse_extraction(text, Location{.file = "seed.json"}, errors);
  for (const auto& e : errors.list()) {
    EXPECT_EQ(e.code, ErrorCode::bad_data) << e.str();
    EXPECT_EQ(e.location.file, "seed.json");
    p.errors.push_back(e.str());
  }
  EXPECT_EQ(p.doc.has_value(), p.errors.empty());
  return p;
}

std::vector<std::string> errors_of(const json& doc) { return parse_text(doc.dump()).errors; }

// The one error a document gives.
std::string error_of(const json& doc) {
  auto errors = errors_of(doc);
  EXPECT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  return errors.empty() ? "(no error)" : errors.front();
}

using Strings = std::vector<std::string>;

// A curation file under another name (my-curation.json in an ingested folder): one error that
// says so, instead of one per key.
TEST(Extraction, ACurationFileUnderAnotherNameSaysSo) {
  const std::string e = error_of(json{{"same_as", {{"Alibaba", "Alibaba Group"}}}, {"forget", {"Jane Roe"}}});
  EXPECT_NE(e.find("looks like a curation file: name it curation.json or *.curation.json, or pass it with --curation"),
            std::string::npos)
      << e;
  // With a document's key it is a document, and its errors are the usual ones.
  EXPECT_GT(errors_of(json{{"source", base()["source"]}, {"same_as", json::array()}}).size(), 1u);
}

TEST(Extraction, ReadsAGoodDocument) {
  const std::string text = base().dump(2);
  auto p = parse_text(text);
  ASSERT_TRUE(p.doc.has_value()) << ::testing::PrintToString(p.errors);
  const Document& d = *p.doc;
  EXPECT_EQ(d.source.ext_id, "sedaily-2024-11-19");
  EXPECT_EQ(d.source.url, "https://example.org/a");
  EXPECT_EQ(d.source.title, "AI talent");
  EXPECT_EQ(d.source.publisher, "Seoul Economic Daily");
  EXPECT_EQ(d.source.published, "2024-11-19");
  EXPECT_EQ(d.source.language, "ko");
  EXPECT_EQ(d.source.based_on, "Financial Times, 2024-11-18");
  EXPECT_EQ(d.source.content_hash, sha256_hex(text));
  EXPECT_FALSE(d.line.has_value());

  ASSERT_EQ(d.entities.size(), 7u);
  const EntitySpec& alibaba = d.entities[1];
  EXPECT_EQ(alibaba.ref, "alibaba");
  EXPECT_EQ(alibaba.kind, NodeKind::company);
  EXPECT_EQ(alibaba.name, "Alibaba Group");
  EXPECT_EQ(alibaba.aliases, (Strings{"알리바바", "阿里巴巴"}));
  EXPECT_EQ(alibaba.country, "CN");
  ASSERT_EQ(alibaba.ids.size(), 1u);
  EXPECT_EQ(alibaba.ids[0].scheme, "wikidata");
  EXPECT_EQ(alibaba.ids[0].value, "Q1359568");
  EXPECT_EQ(alibaba.record, "entities[1]");
  EXPECT_FALSE(alibaba.anonymous);
  EXPECT_TRUE(d.entities[6].anonymous);
  EXPECT_EQ(d.entities[6].description, "unnamed in the article");
  EXPECT_EQ(d.entities[6].kind, NodeKind::person);

  ASSERT_EQ(d.relations.size(), 6u);
  const RelationSpec& office = d.relations[0];
  EXPECT_EQ(office.kind, RelationKind::office_in);
  EXPECT_EQ(office.from, 1u);
  EXPECT_EQ(office.to, 3u);
  EXPECT_EQ(office.start.str(), "2024");
  EXPECT_FALSE(office.end.known());
  EXPECT_DOUBLE_EQ(office.confidence, 0.9);
  EXPECT_EQ(office.quote, "알리바바는 서니베일에서 AI 팀을 모집하고 있다.");
  EXPECT_EQ(office.record, "relations[0]");
  EXPECT_TRUE(d.relations[1].former);
  EXPECT_DOUBLE_EQ(d.relations[1].confidence, 1.0);  // the default
  const RelationSpec& moved = d.relations[2];
  EXPECT_EQ(moved.kind, RelationKind::moved);
  EXPECT_EQ(moved.from, 0u);
  EXPECT_EQ(moved.to, 1u);
  EXPECT_EQ(moved.left, std::optional<std::size_t>{2});
  EXPECT_EQ(moved.start.str(), "2024-01");
  EXPECT_EQ(d.relations[3].role, "Researcher");
  EXPECT_EQ(d.relations[3].end.str(), "2024-11-19");
  EXPECT_FALSE(d.relations[3].left.has_value());
  EXPECT_EQ(d.relations[4].status, "proposed");
  EXPECT_EQ(d.relations[5].status, "spun_off");
  EXPECT_EQ(d.relations[5].record, "relations[5]");
}

TEST(Extraction, OptionalKeysMayBeLeftOut) {
  json doc = json::parse(R"({"source": {"id": "x", "title": "t", "publisher": "p", "published": "2024", "language": "zh-Hans"},
                             "entities": [], "relations": []})");
  auto p = parse_text(doc.dump());
  ASSERT_TRUE(p.doc.has_value()) << ::testing::PrintToString(p.errors);
  EXPECT_EQ(p.doc->source.url, "");
  EXPECT_EQ(p.doc->source.published, "2024");
  EXPECT_EQ(p.doc->source.language, "zh-Hans");
}

// ---- kinds and refs ----

TEST(ExtractionErrors, UnknownKinds) {
  json doc = base();
  doc["entities"][6]["kind"] = "persn";
  EXPECT_EQ(error_of(doc),
            "seed.json: entities[6].kind: unknown kind \"persn\" (expected one of person, company, lab, university, "
            "agency, place, regulation, product)");
  doc = base();
  doc["relations"][4]["kind"] = "hired";
  EXPECT_EQ(error_of(doc),
            "seed.json: relations[4].kind: unknown kind \"hired\" (expected one of worked_at, studied_at, founded, "
            "leads, moved, recruits_from, approached, part_of, office_in, headquartered_in, located_in, issued, "
            "restricts, made_by)");
}

TEST(ExtractionErrors, UnknownRef) {
  json doc = base();
  doc["relations"][3]["to"] = "gogle-brain";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3].to: unknown ref \"gogle-brain\"");
  doc = base();
  doc["relations"][0]["from"] = "alibab";
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].from: unknown ref \"alibab\"");
  doc = base();
  doc["relations"][2]["left"] = "deepmind";
  EXPECT_EQ(error_of(doc), "seed.json: relations[2].left: unknown ref \"deepmind\"");
}

TEST(ExtractionErrors, DuplicateAndMalformedRefs) {
  json doc = base();
  doc["entities"][2]["ref"] = "wu";
  // The relations that named "google-brain" now name nothing.
  EXPECT_EQ(errors_of(doc), (Strings{"seed.json: entities[2].ref: duplicate ref \"wu\" (first at entities[0])",
                                     "seed.json: relations[1].to: unknown ref \"google-brain\"",
                                     "seed.json: relations[2].left: unknown ref \"google-brain\"",
                                     "seed.json: relations[5].from: unknown ref \"google-brain\""}));
  doc = base();
  doc["entities"][5]["ref"] = "Rule";
  doc["relations"][4]["to"] = "Rule";
  EXPECT_EQ(error_of(doc), "seed.json: entities[5].ref: must be lower-case letters, digits, _ and - (found \"Rule\")");
  doc = base();
  doc["entities"][5]["ref"] = "-rule";
  doc["relations"][4]["to"] = "-rule";
  EXPECT_EQ(error_of(doc), "seed.json: entities[5].ref: must be lower-case letters, digits, _ and - (found \"-rule\")");
}

// ---- dates and numbers ----

TEST(ExtractionErrors, BadDates) {
  json doc = base();
  doc["relations"][0]["start"] = "2024-13";
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].start: month out of range (found \"2024-13\")");
  doc = base();
  doc["relations"][3]["end"] = "2024-02-30";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3].end: day out of range (found \"2024-02-30\")");
  doc = base();
  doc["relations"][3]["start"] = "Jan 2024";
  EXPECT_EQ(error_of(doc),
            "seed.json: relations[3].start: not an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD (found \"Jan 2024\")");
  doc = base();
  doc["source"]["published"] = "2024/11/19";
  EXPECT_EQ(error_of(doc),
            "seed.json: source.published: not an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD (found \"2024/11/19\")");
  doc = base();
  doc["relations"][0]["start"] = 2024;
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].start: expected a string (found number)");
  doc = base();
  doc["relations"][0]["start"] = "0999";
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].start: year out of range (found \"0999\")");
}

TEST(ExtractionErrors, EndBeforeStart) {
  json doc = base();
  doc["relations"][3]["end"] = "2023-12";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3].end: ends before it starts (2023-12 < 2024-01)");
  doc = base();
  doc["relations"][3]["start"] = "2024-01-18";
  doc["relations"][3]["end"] = "2024-01-17";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3].end: ends before it starts (2024-01-17 < 2024-01-18)");
  // Overlapping partial dates are not an error: "2024" may end after "2024-05" starts.
  for (auto [start, end] : {std::pair{"2024-05", "2024"}, std::pair{"2024", "2024-01"}, std::pair{"2024-05-10", "2024-05"},
                            std::pair{"2024-05", "2024-05"}}) {
    doc = base();
    doc["relations"][3]["start"] = start;
    doc["relations"][3]["end"] = end;
    EXPECT_EQ(errors_of(doc), Strings{}) << start << ".." << end;
  }
}

TEST(ExtractionErrors, Confidence) {
  json doc = base();
  doc["relations"][0]["confidence"] = 1.5;
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].confidence: out of range 0..1 (found 1.5)");
  doc["relations"][0]["confidence"] = -0.1;
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].confidence: out of range 0..1 (found -0.1)");
  doc["relations"][0]["confidence"] = 2;
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].confidence: out of range 0..1 (found 2)");
  doc["relations"][0]["confidence"] = "high";
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].confidence: expected a number from 0 to 1 (found string)");
  doc["relations"][0]["confidence"] = nullptr;
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].confidence: expected a number from 0 to 1 (found null)");
  for (double ok : {0.0, 1.0, 0.5}) {
    doc["relations"][0]["confidence"] = ok;
    EXPECT_EQ(errors_of(doc), Strings{});
  }
}

// ---- fields ----

// The documented limit (data/schema): 300 characters, counted as code points, not bytes.
TEST(ExtractionErrors, QuoteLongerThan300Characters) {
  json doc = base();
  std::string hangul;
  for (int i = 0; i < 300; ++i) hangul += "가";  // 900 bytes, 300 characters: fine
  doc["relations"][0]["quote"] = hangul;
  EXPECT_EQ(errors_of(doc), Strings{});
  doc["relations"][0]["quote"] = hangul + "다";
  EXPECT_EQ(error_of(doc),
            "seed.json: relations[0].quote: longer than 300 characters (found 301): quote one sentence or less");
}

TEST(Extraction, WorkLocationIsAPlaceRef) {
  json doc = base();
  doc["relations"][3]["location"] = "sunnyvale";
  auto parsed = parse_text(doc.dump());
  ASSERT_TRUE(parsed.doc);
  ASSERT_TRUE(parsed.doc->relations[3].location);
  EXPECT_EQ(parsed.doc->entities[*parsed.doc->relations[3].location].ref, "sunnyvale");
  EXPECT_FALSE(parsed.doc->relations[0].location);
  doc["relations"][3]["location"] = "alibaba";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3].location: must be a place (found company \"alibaba\")");
  doc["relations"][3]["location"] = "atlantis";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3].location: unknown ref \"atlantis\"");
  doc["relations"][3].erase("location");
  doc["relations"][0]["location"] = "sunnyvale";
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].location: only worked_at has a location");
}

TEST(ExtractionErrors, UnknownFields) {
  json doc = base();
  doc["relations"][1]["sorce"] = "x";
  EXPECT_EQ(error_of(doc), "seed.json: relations[1].sorce: unknown field");
  doc = base();
  doc["entities"][0]["alias"] = json::array({"Wu"});
  EXPECT_EQ(error_of(doc), "seed.json: entities[0].alias: unknown field");
  doc = base();
  doc["source"]["author"] = "someone";
  EXPECT_EQ(error_of(doc), "seed.json: source.author: unknown field");
  doc = base();
  doc["extra"] = 1;
  EXPECT_EQ(error_of(doc), "seed.json: extra: unknown field");
}

TEST(ExtractionErrors, SourceFields) {
  json doc = base();
  doc["source"].erase("id");
  EXPECT_EQ(error_of(doc), "seed.json: source.id: missing required field");
  doc["source"]["id"] = "";
  EXPECT_EQ(error_of(doc), "seed.json: source.id: must not be empty");
  doc["source"]["id"] = "bad id";
  EXPECT_EQ(error_of(doc), "seed.json: source.id: must be letters, digits and . _ : - (found \"bad id\")");
  doc["source"]["id"] = "-dash-first";
  EXPECT_EQ(error_of(doc), "seed.json: source.id: must be letters, digits and . _ : - (found \"-dash-first\")");
  doc["source"]["id"] = 7;
  EXPECT_EQ(error_of(doc), "seed.json: source.id: expected a string (found number)");
  doc = base();
  doc["source"]["language"] = "Korean";
  EXPECT_EQ(error_of(doc), "seed.json: source.language: expected a language tag such as \"ko\" or \"en\" (found \"Korean\")");
  doc = base();
  doc["source"].erase("title");
  doc["source"].erase("publisher");
  EXPECT_EQ(errors_of(doc), (Strings{"seed.json: source.title: missing required field",
                                     "seed.json: source.publisher: missing required field"}));
  doc = base();
  doc["source"] = "sedaily";
  EXPECT_EQ(error_of(doc), "seed.json: source: expected an object (found string)");
}

TEST(ExtractionErrors, TopLevelShape) {
  json doc = base();
  doc.erase("relations");
  EXPECT_EQ(error_of(doc), "seed.json: relations: missing required field");
  doc = base();
  doc["entities"] = json::object();
  EXPECT_EQ(errors_of(doc), (Strings{"seed.json: entities: expected an array (found object)",
                                     "seed.json: relations[0].from: unknown ref \"alibaba\"",
                                     "seed.json: relations[0].to: unknown ref \"sunnyvale\"",
                                     "seed.json: relations[1].from: unknown ref \"wu\"",
                                     "seed.json: relations[1].to: unknown ref \"google-brain\"",
                                     "seed.json: relations[2].from: unknown ref \"wu\"",
                                     "seed.json: relations[2].to: unknown ref \"alibaba\"",
                                     "seed.json: relations[2].left: unknown ref \"google-brain\"",
                                     "seed.json: relations[3].from: unknown ref \"wu\"",
                                     "seed.json: relations[3].to: unknown ref \"alibaba\"",
                                     "seed.json: relations[4].from: unknown ref \"bis\"",
                                     "seed.json: relations[4].to: unknown ref \"rule\"",
                                     "seed.json: relations[5].from: unknown ref \"google-brain\"",
                                     "seed.json: relations[5].to: unknown ref \"alibaba\""}));
  doc = base();
  doc["relations"][2] = "moved";
  EXPECT_EQ(error_of(doc), "seed.json: relations[2]: expected an object (found string)");
  EXPECT_EQ(error_of(json::array()),
            "seed.json: document: expected an object with source, entities and relations (found array)");
}

TEST(ExtractionErrors, EntityFields) {
  json doc = base();
  doc["entities"][0]["name"] = "---";
  EXPECT_EQ(error_of(doc), "seed.json: entities[0].name: holds no letter or digit (found \"---\")");
  doc["entities"][0]["name"] = 42;
  EXPECT_EQ(error_of(doc), "seed.json: entities[0].name: expected a string (found number)");
  doc["entities"][0]["name"] = "";
  EXPECT_EQ(error_of(doc), "seed.json: entities[0].name: must not be empty");
  doc = base();
  doc["entities"][1]["aliases"][1] = "";
  EXPECT_EQ(error_of(doc), "seed.json: entities[1].aliases[1]: expected a non-empty name");
  doc["entities"][1]["aliases"][1] = "(주)";  // an organisation key of a legal form alone is not empty
  EXPECT_EQ(errors_of(doc), Strings{});
  doc["entities"][1]["aliases"][1] = "…";
  EXPECT_EQ(error_of(doc), "seed.json: entities[1].aliases[1]: expected a non-empty name");
  doc["entities"][1]["aliases"] = "알리바바";
  EXPECT_EQ(error_of(doc), "seed.json: entities[1].aliases: expected an array of strings (found string)");
  doc = base();
  doc["entities"][1]["country"] = "cn";
  EXPECT_EQ(error_of(doc),
            "seed.json: entities[1].country: expected an ISO 3166-1 alpha-2 code such as \"US\" (found \"cn\")");
  doc["entities"][1]["country"] = "CHN";
  EXPECT_EQ(error_of(doc),
            "seed.json: entities[1].country: expected an ISO 3166-1 alpha-2 code such as \"US\" (found \"CHN\")");
  doc = base();
  doc["entities"][1]["ids"]["wikidata"] = "1359568";
  EXPECT_EQ(error_of(doc),
            "seed.json: entities[1].ids.wikidata: expected a Wikidata item id such as \"Q1359568\" (found \"1359568\")");
  doc["entities"][1]["ids"]["wikidata"] = "Q0";
  EXPECT_EQ(error_of(doc),
            "seed.json: entities[1].ids.wikidata: expected a Wikidata item id such as \"Q1359568\" (found \"Q0\")");
  doc = base();
  doc["entities"][1]["ids"]["orcid"] = 5;
  EXPECT_EQ(error_of(doc), "seed.json: entities[1].ids.orcid: expected a non-empty string (found number)");
  doc = base();
  doc["entities"][1]["ids"] = json::array({"Q1359568"});
  EXPECT_EQ(error_of(doc), "seed.json: entities[1].ids: expected an object of scheme to id (found array)");
  doc = base();
  doc["entities"][6]["anonymous"] = "yes";
  EXPECT_EQ(error_of(doc), "seed.json: entities[6].anonymous: expected true or false (found string)");
  doc = base();
  doc["entities"][3] = nullptr;
  doc["relations"].erase(0);  // the only relation naming sunnyvale
  EXPECT_EQ(error_of(doc), "seed.json: entities[3]: expected an object (found null)");
}

// ---- kind constraints ----

TEST(ExtractionErrors, KindSignatures) {
  json doc = base();
  doc["relations"][3]["from"] = "sunnyvale";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3]: worked_at links person -> organisation (found place -> company)");
  doc = base();
  doc["relations"][0]["to"] = "wu";
  EXPECT_EQ(error_of(doc), "seed.json: relations[0]: office_in links organisation -> place (found company -> person)");
  doc = base();
  doc["relations"][4]["from"] = "alibaba";
  EXPECT_EQ(error_of(doc), "seed.json: relations[4]: issued links agency -> regulation (found company -> regulation)");
  doc = base();
  doc["relations"][5]["to"] = "rule";
  EXPECT_EQ(error_of(doc),
            "seed.json: relations[5]: part_of links organisation -> organisation (found lab -> regulation)");
}

TEST(ExtractionErrors, FormerLeftAndStatusPairings) {
  json doc = base();
  doc["relations"][0]["former"] = true;
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].former: only worked_at can be former");
  doc = base();
  doc["relations"][1]["former"] = "yes";
  EXPECT_EQ(error_of(doc), "seed.json: relations[1].former: expected true or false (found string)");
  doc = base();
  doc["relations"][3]["left"] = "google-brain";
  EXPECT_EQ(error_of(doc), "seed.json: relations[3].left: only moved has a left organisation");
  doc = base();
  doc["relations"][2]["left"] = "sunnyvale";
  EXPECT_EQ(error_of(doc), "seed.json: relations[2].left: must be an organisation (found place)");
  doc = base();
  doc["relations"][0]["status"] = "current";
  EXPECT_EQ(error_of(doc), "seed.json: relations[0].status: office_in takes no status");
  doc = base();
  doc["relations"][4]["status"] = "active";
  EXPECT_EQ(error_of(doc),
            "seed.json: relations[4].status: unknown status \"active\" (expected one of proposed, in_force, revoked)");
  doc = base();
  doc["relations"][5]["status"] = "merged";
  EXPECT_EQ(error_of(doc), "seed.json: relations[5].status: unknown status \"merged\" (expected one of current, "
                           "spin_off_planned, spun_off)");
}

TEST(ExtractionErrors, FalseFormerAndEmptyStatusAreAcceptedOnAnyKind) {
  // Structured-output models list every property; `"former": false` and `"status": ""` say nothing.
  json doc = base();
  doc["relations"][0]["former"] = false;
  doc["relations"][0]["status"] = "";
  EXPECT_EQ(errors_of(doc), Strings{});
}

// ---- several errors, and the cap ----

TEST(ExtractionErrors, AllErrorsOfADocumentInOrder) {
  json doc = base();
  doc["source"].erase("id");
  doc["entities"][6]["kind"] = "persn";
  doc["relations"][0]["confidence"] = 1.5;
  doc["relations"][3]["to"] = "gogle-brain";
  EXPECT_EQ(errors_of(doc),
            (Strings{"seed.json: source.id: missing required field",
                     "seed.json: entities[6].kind: unknown kind \"persn\" (expected one of person, company, lab, "
                     "university, agency, place, regulation, product)",
                     "seed.json: relations[0].confidence: out of range 0..1 (found 1.5)",
                     "seed.json: relations[3].to: unknown ref \"gogle-brain\""}));
}

TEST(ExtractionErrors, StopsCollectingAtMaxErrors) {
  json doc = base();
  for (int i = 0; i < 30; ++i)
    doc["relations"].push_back({{"kind", "worked_at"}, {"from", "wu"}, {"to", "nowhere-" + std::to_string(i)}});
  EXPECT_EQ(parse_text(doc.dump()).errors.size(), 20u);
  auto five = parse_text(doc.dump(), 5);
  ASSERT_EQ(five.errors.size(), 5u);
  EXPECT_EQ(five.errors[4], "seed.json: relations[10].to: unknown ref \"nowhere-4\"");
}

// ---- text-level errors ----

TEST(ExtractionErrors, InvalidJsonNamesLineAndColumn) {
  EXPECT_EQ(parse_text("{\n  \"source\": {\n    \"id\": \"x\",,\n  }\n}").errors,
            Strings{"seed.json:3:15: invalid JSON: syntax error while parsing object key - unexpected ','; expected "
                    "string literal"});
  EXPECT_EQ(parse_text("{\"source\": ").errors,
            Strings{"seed.json:1:12: invalid JSON: syntax error while parsing value - unexpected end of input; "
                    "expected '[', '{', or a literal"});
  EXPECT_EQ(parse_text("").errors,
            Strings{"seed.json:1:1: invalid JSON: syntax error while parsing value - unexpected end of input; "
                    "expected '[', '{', or a literal"});
  EXPECT_EQ(parse_text("{} {}").errors,
            Strings{"seed.json:1:4: invalid JSON: syntax error while parsing value - unexpected '{'; expected end of "
                    "input"});
}

TEST(ExtractionErrors, InvalidJsonKeepsWhatWentWrong) {
  // Was a bug (fixed): json_error_message (ingest/extraction.cpp) cuts nlohmann's text at its second ": ", which
  // for "invalid literal" errors is the one in "last read: ": the message then reads
  // `invalid JSON: '"a": tru}'` and no longer says what is wrong.
  EXPECT_EQ(parse_text("{\"a\": tru}").errors,
            Strings{"seed.json:1:10: invalid JSON: syntax error while parsing value - invalid literal; last read: "
                    "'\"a\": tru}'"});
}

TEST(ExtractionErrors, InvalidJsonColumnCountsCharactersNotBytes) {
  // Was a bug (fixed): the column of a JSON error counts bytes, so anything after Hangul is placed too far
  // right (17 here); CSV errors count characters (csv.h) and JSON ones should agree: `}` is the
  // 11th character.
  EXPECT_EQ(parse_text("{\"카카오\": 1,}").errors,
            Strings{"seed.json:1:11: invalid JSON: syntax error while parsing object key - unexpected '}'; expected "
                    "string literal"});
}

// The column (in characters) of byte `offset` of one-line `text`.
std::size_t column_of(const std::string& text, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return column;
}

TEST(ExtractionErrors, InvalidUtf8) {
  // Was "seed.json: not valid UTF-8", with no place to look at.
  std::string text = base().dump();
  const std::size_t at = text.find("Wu Yuxin") + 1;
  text.replace(at - 1, 2, "W\xff");
  EXPECT_EQ(parse_text(text).errors,
            Strings{fmt::format("seed.json:1:{}: not valid UTF-8 (byte 0xFF): save the file as UTF-8", column_of(text, at))});
  EXPECT_EQ(parse_text("{\n \"a\": \"\xed\xa0\x80\"}").errors,  // an encoded surrogate
            Strings{"seed.json:2:8: not valid UTF-8 (byte 0xED): save the file as UTF-8"});
}

// Was a bug (fixed): 1e400 escaped the parser as nlohmann's out_of_range exception: "unexpected
// error", exit 1, no file or place.
TEST(ExtractionErrors, NumberBeyondDoubleRangeNamesItsPlaceAndField) {
  std::string text = base().dump();
  const std::size_t at = text.find("0.9");
  text.replace(at, 3, "1e400");
  EXPECT_EQ(parse_text(text).errors,
            Strings{fmt::format("seed.json:1:{}: relations[0].confidence: number out of range (found 1e400): numbers "
                                "must fit a double",
                                column_of(text, at))});
  EXPECT_EQ(parse_text("{\n  \"x\": [1, -1E+999]\n}").errors,
            Strings{"seed.json:2:12: x[1]: number out of range (found -1E+999): numbers must fit a double"});
  EXPECT_EQ(parse_text("[" + std::string(400, '9') + "]").errors,
            Strings{"seed.json:1:2: [0]: number out of range (found " + std::string(400, '9') +
                    "): numbers must fit a double"});
}

// Was a bug (fixed): a key given twice kept the last value, silently.
TEST(ExtractionErrors, DuplicateKeys) {
  EXPECT_EQ(parse_text("{\"source\": {\"id\": \"a\", \"id\": \"b\"}}").errors,
            Strings{"seed.json:1:24: source.id: duplicate key \"id\" (a key may appear once in an object)"});
  EXPECT_EQ(parse_text("{\"entities\": [],\n \"entities\": []}").errors,
            Strings{"seed.json:2:2: entities: duplicate key \"entities\" (a key may appear once in an object)"});
  // One key in two objects is no duplicate.
  for (const auto& e : parse_text("{\"a\": {\"k\": 1}, \"b\": {\"k\": 1}}").errors)  // unknown fields, missing ones
    EXPECT_EQ(e.find("duplicate key"), std::string::npos) << e;
}

// Was a bug (fixed): NUL, escape sequences and other control characters were kept in names.
TEST(ExtractionErrors, ControlCharactersInStrings) {
  json doc = base();
  doc["entities"][0]["name"] = std::string("Wu\0Yuxin", 8);
  EXPECT_EQ(error_of(doc).substr(error_of(doc).find(": ") + 2),
            "entities[0].name: holds a control character (U+0000 at character 3)");
  doc = base();
  doc["entities"][1]["aliases"][0] = "\x1b[31mAlibaba";
  EXPECT_EQ(error_of(doc).substr(error_of(doc).find(": ") + 2),
            "entities[1].aliases[0]: holds a control character (U+001B at character 1)");
  doc = base();
  doc["entities"][0]["name"] = "Wu\u0085Yuxin";  // C1: NEL
  EXPECT_EQ(error_of(doc).substr(error_of(doc).find(": ") + 2),
            "entities[0].name: holds a control character (U+0085 at character 3)");
  doc = base();
  doc["relations"][0]["quote"] = "line one\nline two\ttabbed";  // free text: tab and line breaks are fine
  EXPECT_TRUE(errors_of(doc).empty());
  doc["relations"][0]["role"] = "line one\nline two";  // a role is a name
  EXPECT_EQ(error_of(doc).substr(error_of(doc).find(": ") + 2),
            "relations[0].role: holds a control character (U+000A at character 9)");
  EXPECT_EQ(parse_text("{\"a\\u0000\": 1}").errors,
            Strings{"seed.json:1:2: document: a key holds a control character (U+0000 at character 2)"});
}

TEST(ExtractionErrors, NestingDeeperThan64Levels) {
  EXPECT_EQ(parse_text("{\"entities\": " + std::string(64, '[') + std::string(64, ']') + "}").errors,
            Strings{"seed.json:1:77: entities: nested deeper than 64 levels (--max-nesting raises the limit)"});
  EXPECT_EQ(parse_text(std::string(100000, '[')).errors, Strings{"seed.json:1:65: [0]: nested deeper than 64 levels (--max-nesting raises the limit)"});
}

TEST(ExtractionErrors, LongNames) {
  json doc = base();
  doc["entities"][0]["name"] = std::string(1001, 'N');
  EXPECT_EQ(error_of(doc), "seed.json: entities[0].name: longer than 1000 characters (found 1001; --max-string-length raises the limit)");
  doc["entities"][0]["name"] = std::string(1000, 'N');
  EXPECT_TRUE(errors_of(doc).empty());
}

// Was laxer than the schema (fixed): unknown id schemes, non-URI URLs, self-loops, a move that
// left the organisation it joined.
TEST(ExtractionErrors, WhatTheSchemaForbids) {
  json doc = base();
  doc["entities"][0]["ids"] = {{"linkedin", "wu"}};
  EXPECT_EQ(error_of(doc),
            "seed.json: entities[0].ids.linkedin: unknown id scheme \"linkedin\" (expected wikidata, orcid, ror, lei or person_id)");
  for (const char* url : {"not a url", "example.org/a", "https://", "https://exa mple.org", "http:x"}) {
    doc = base();
    doc["source"]["url"] = url;
    EXPECT_EQ(error_of(doc), fmt::format("seed.json: source.url: expected an absolute URL such as "
                                         "\"https://example.com/a\" (found \"{}\")",
                                         url));
  }
  for (const char* url : {"https://example.org/a?b=c#d", "https://서울.kr/기사", "urn:isbn:0451450523", "doi:10.1000/182"}) {
    doc = base();
    doc["source"]["url"] = url;
    EXPECT_TRUE(errors_of(doc).empty()) << url;
  }
  doc = base();
  doc["relations"][5]["to"] = "google-brain";
  EXPECT_EQ(error_of(doc), "seed.json: relations[5].to: links \"google-brain\" to itself (from and to are one entity)");
  doc = base();
  doc["relations"][2]["left"] = "alibaba";
  EXPECT_EQ(error_of(doc), "seed.json: relations[2].left: is the organisation joined (left and to are both \"alibaba\")");
}

// ---- files ----

TEST(ExtractionFile, ReadsOneDocumentFromJson) {
  ScratchDir dir;
  const std::string path = dir.write("seed.json", base().dump(2));
  Errors errors;
  std::vector<Document> docs;
  read_extraction_file(path, false, errors, [&](Document&& d) { docs.push_back(std::move(d)); });
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].file, path);
  EXPECT_FALSE(docs[0].line.has_value());
  EXPECT_EQ(docs[0].entities.size(), 7u);
}

TEST(ExtractionFile, MissingFile) {
  ScratchDir dir;
  const std::string path = dir.file("absent.json");
  Errors errors;
  std::size_t docs = 0;
  read_extraction_file(path, false, errors, [&](Document&&) { ++docs; });
  EXPECT_EQ(docs, 0u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.list()[0].code, ErrorCode::io);
  EXPECT_EQ(errors.list()[0].str(), path + ": cannot read file");
}

TEST(ExtractionFile, JsonLinesNameTheLineOfEachRecord) {
  ScratchDir dir;
  json second = base();
  second["source"]["id"] = "second";
  json bad_ref = base();
  bad_ref["relations"][3]["to"] = "gogle-brain";
  json bad_date = base();
  bad_date["relations"][0]["start"] = "2024-13";
  const std::string text = base().dump() + "\n" +  // 1
                           "\n" +                  // 2: blank
                           bad_ref.dump() + "\n" +  // 3
                           "   \t\n" +             // 4: blank
                           "{\"source\": }\n" +    // 5
                           second.dump() + "\r\n" +  // 6, CRLF
                           bad_date.dump() + "\n" +  // 7
                           "[1]";                   // 8, no final newline
  const std::string path = dir.write("batch.jsonl", text);
  Errors errors;
  std::vector<Document> docs;
  read_extraction_file(path, true, errors, [&](Document&& d) { docs.push_back(std::move(d)); });
  Strings messages;
  for (const auto& e : errors.list()) messages.push_back(e.str());
  EXPECT_EQ(messages,
            (Strings{path + ":3: relations[3].to: unknown ref \"gogle-brain\"",
                     // The place is data (file, line, column): line 5 of the file, column 12 of that line
                     // (was ":5:1:12", the line within the one-line document added to the file's).
                     path + ":5:12: invalid JSON: syntax error while parsing value - unexpected '}'; expected '[', "
                            "'{', or a literal",
                     path + ":7: relations[0].start: month out of range (found \"2024-13\")",
                     path + ":8: document: expected an object with source, entities and relations (found array)"}));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].line, std::optional<std::size_t>{1});
  EXPECT_EQ(docs[0].file, path);
  EXPECT_EQ(docs[1].line, std::optional<std::size_t>{6});
  EXPECT_EQ(docs[1].source.ext_id, "second");
}

TEST(ExtractionFile, JsonLinesInvalidUtf8NamesTheLine) {
  ScratchDir dir;
  std::string bad = base().dump();
  bad.replace(bad.find("Wu Yuxin"), 2, "W\xc0");
  const std::string path = dir.write("batch.jsonl", base().dump() + "\n" + bad + "\n");
  Errors errors;
  std::vector<Document> docs;
  read_extraction_file(path, true, errors, [&](Document&& d) { docs.push_back(std::move(d)); });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.list()[0].str(),
            fmt::format("{}:2:{}: not valid UTF-8 (byte 0xC0): save the file as UTF-8", path,
                        column_of(bad, bad.find("W\xc0") + 1)));
  EXPECT_EQ(errors.list()[0].location.line, 2u);
  EXPECT_EQ(docs.size(), 1u);
}

}  // namespace
}  // namespace tg::ingest
