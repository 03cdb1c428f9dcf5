// The benchmark's synthetic careers: the promised shape, determinism, the graphs and the CSV.
#include "tools/bench/synth.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "tests/support/scratch.h"

namespace tg::bench {
namespace {

TEST(SynthCareers, ShapeMatchesTheSpecification) {
  const SynthCareers c = generate_careers(synth_options(Scale::S, 3));
  EXPECT_EQ(c.people, 10'000u);
  EXPECT_EQ(c.organisations, 500u);
  std::map<std::uint32_t, int> jobs;
  for (const Employment& e : c.employments) ++jobs[e.person];
  EXPECT_EQ(jobs.size(), c.people);
  for (const auto& [person, count] : jobs) {
    ASSERT_GE(count, 1);
    ASSERT_LE(count, 6);
  }
  const double mean = static_cast<double>(c.employments.size()) / c.people;
  EXPECT_NEAR(mean, 2.65, 0.05);
  std::uint32_t top_org_jobs = 0, last_org_jobs = 0;
  for (std::size_t i = 0; i < c.employments.size(); ++i) {
    const Employment& e = c.employments[i];
    top_org_jobs += e.organisation == 0;
    last_org_jobs += e.organisation == c.organisations - 1;
    if (i > 0 && c.employments[i - 1].person == e.person) {
      const Employment& before = c.employments[i - 1];
      EXPECT_NE(before.organisation, e.organisation);
      EXPECT_EQ(before.end_year, e.start_year);  // consecutive: one ends when the next starts
      EXPECT_EQ(before.end_month, e.start_month);
    }
    if (e.end_year != 0) {
      EXPECT_GT(e.end_year, e.start_year);
    }
  }
  // Zipf(1): rank 1 is about 500 times as popular as rank 500.
  EXPECT_GT(top_org_jobs, 100 * std::max(1u, last_org_jobs));
}

TEST(SynthCareers, SameSeedSameCareers) {
  const SynthCareers a = generate_careers(synth_options(Scale::S, 9));
  const SynthCareers b = generate_careers(synth_options(Scale::S, 9));
  const SynthCareers other = generate_careers(synth_options(Scale::S, 10));
  ASSERT_EQ(a.employments.size(), b.employments.size());
  for (std::size_t i = 0; i < a.employments.size(); ++i) {
    ASSERT_EQ(a.employments[i].organisation, b.employments[i].organisation);
    ASSERT_EQ(a.employments[i].start_year, b.employments[i].start_year);
  }
  bool differs = false;
  for (std::size_t i = 0; i < 100; ++i) differs |= a.employments[i].organisation != other.employments[i].organisation;
  EXPECT_TRUE(differs);
  EXPECT_NE(a.person_name(1), a.person_name(2));
  EXPECT_NE(a.organisation_name(1), a.organisation_name(2));
}

TEST(SynthCareers, GraphsHaveTheDocumentedShape) {
  const SynthCareers c = generate_careers(synth_options(Scale::S, 4));
  const EdgeList moves = move_graph(c);
  EXPECT_EQ(moves.num_nodes, c.organisations);
  EXPECT_EQ(moves.orientation, graph::Orientation::directed);
  double total_moves = 0;
  for (const double w : moves.weights) total_moves += w;
  EXPECT_EQ(static_cast<std::size_t>(total_moves), c.employments.size() - c.people);  // one fewer move than jobs
  const EdgeList aff = affiliation_graph(c);
  EXPECT_EQ(aff.num_nodes, c.people + c.organisations + countries().size());
  EXPECT_EQ(aff.edges.size(), c.employments.size() + c.organisations);
  EXPECT_EQ(aff.orientation, graph::Orientation::undirected);
  for (std::size_t i = 0; i < aff.edges.size(); ++i) EXPECT_EQ(aff.edges[i].id, i);
}

TEST(SynthCareers, WritesTheCareerCsv) {
  const SynthCareers c = generate_careers({.people = 50, .organisations = 10, .seed = 2});
  const test_support::ScratchDir dir;
  const std::string path = dir.file("careers.csv");
  ASSERT_TRUE(write_careers_csv(c, path).has_value());
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country");
  std::getline(in, line);
  const EmploymentRecord first = employment_record(c, 0);
  EXPECT_EQ(line, first.person_name + "," + first.organisation_name + "," + first.role + "," + first.start + "," +
                      first.end + ",https://synth.example/careers/p0,synth-p0," + first.organisation_kind + "," +
                      first.organisation_country);
  std::size_t rows = 1;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, c.employments.size());
  EXPECT_FALSE(write_careers_csv(c, "/nonexistent-dir/x.csv").has_value());
  EXPECT_EQ(employment_records(c).size(), c.employments.size());
}

// Labs inside companies for roll-ups: each lab under the nearest company before it, read off
// the organisations alone (the careers are what the seed made), written as one document.
TEST(SynthCareers, PartOfLinksPutEachLabUnderTheNearestCompanyBeforeIt) {
  const SynthCareers c = generate_careers(synth_options(Scale::S, 3));
  const auto links = part_of_links(c);
  ASSERT_FALSE(links.empty());
  std::size_t labs = 0;
  for (std::uint32_t o = 0; o < c.organisations; ++o) labs += c.organisation_kind[o] == OrgKind::lab;
  EXPECT_LE(links.size(), labs);
  EXPECT_GE(links.size() + 5, labs);  // only labs before the first company have no parent
  for (const auto& [lab, company] : links) {
    ASSERT_EQ(c.organisation_kind[lab], OrgKind::lab);
    ASSERT_EQ(c.organisation_kind[company], OrgKind::company);
    ASSERT_LT(company, lab);
    for (std::uint32_t between = company + 1; between < lab; ++between)
      ASSERT_NE(c.organisation_kind[between], OrgKind::company);
  }
  test_support::ScratchDir dir;
  const std::string path = dir.file("part_of.json");
  ASSERT_TRUE(write_part_of_json(c, path));
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t relations = 0;
  for (std::size_t at = text.find("\"part_of\""); at != std::string::npos; at = text.find("\"part_of\"", at + 1))
    ++relations;
  EXPECT_EQ(relations, links.size());
  EXPECT_NE(text.find(c.organisation_name(links.front().first)), std::string::npos);
}

}  // namespace
}  // namespace tg::bench
