// The synthetic career generator: people with 1-6 consecutive dated employments at
// organisations of Zipf popularity, and the graphs (move, affiliation) and career CSV made from
// them. Deterministic for a seed, so every benchmark and every peer sees the same data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/csr.h"
#include "graph/error.h"

namespace tg::bench {

// S: 10k people / 500 organisations; M: 200k / 10k; L: 2M / 100k (about 5.3M employments).
enum class Scale { S, M, L };
std::optional<Scale> parse_scale(std::string_view text);
std::string_view to_string(Scale scale);

struct SynthOptions {
  std::uint32_t people = 10'000;
  std::uint32_t organisations = 500;
  std::uint64_t seed = 1;
  double zipf_exponent = 1.0;  // popularity of the organisation of rank k is proportional to 1 / k^s
};
SynthOptions synth_options(Scale scale, std::uint64_t seed = 1);

enum class OrgKind : std::uint8_t { company, lab, university };
std::string_view to_string(OrgKind kind);

// One employment, compact: dates as year (and month, 0 when only the year is known).
struct Employment {
  std::uint32_t person = 0;
  std::uint32_t organisation = 0;
  std::uint16_t start_year = 0;
  std::uint8_t start_month = 0;
  std::uint8_t role = 0;         // index into roles()
  std::uint16_t end_year = 0;    // 0: current, no end
  std::uint8_t end_month = 0;
};

struct SynthCareers {
  std::uint32_t people = 0;
  std::uint32_t organisations = 0;
  // Grouped by person, each person's in career order: the end of one is the start of the next.
  std::vector<Employment> employments;
  std::vector<std::uint8_t> organisation_country;  // index into countries()
  std::vector<OrgKind> organisation_kind;

  std::string person_name(std::uint32_t person) const;        // unique, e.g. "Kamiro Tasenu"
  std::string organisation_name(std::uint32_t org) const;     // unique, e.g. "Lurabe Systems"
  std::string_view country(std::uint32_t org) const;          // ISO 3166 alpha-2
};

std::span<const std::string_view> countries();
std::span<const std::string_view> roles();

// People 1-6 employments (P = .27 .26 .20 .14 .08 .05, mean 2.65), organisations drawn by
// Zipf(s) popularity (rank = index), never the same organisation twice in a row; careers start
// 1985-2020, jobs last 1-6 years, half the dates have a month, 60% of last jobs are current.
SynthCareers generate_careers(const SynthOptions& options);

// The record of one employment with its names and dates as text ("2019" or "2019-04"; end
// empty when current).
struct EmploymentRecord {
  std::uint32_t person_index = 0;
  std::string person_name;
  std::uint32_t organisation_index = 0;
  std::string organisation_name;
  std::string organisation_country;
  std::string organisation_kind;
  std::string role;
  std::string start;
  std::string end;
};
EmploymentRecord employment_record(const SynthCareers& careers, std::size_t index);
std::vector<EmploymentRecord> employment_records(const SynthCareers& careers);

// Writes every employment as the career CSV the ingest reads, header
// person,organization,role,start,end,source_url,person_id,organization_kind,organization_country
Result<void> write_careers_csv(const SynthCareers& careers, const std::filesystem::path& path);
// The same for the people [first_person, end_person) only: with a seed's careers generated for
// more people than a store holds, the newcomers' careers among the same organisations.
Result<void> write_careers_csv(const SynthCareers& careers, const std::filesystem::path& path, std::uint32_t first_person,
                               std::uint32_t end_person);

// Labs inside companies: each lab (child) is part_of the nearest company of a lower index
// (parent), when there is one. Read off the organisations alone, so the careers a seed makes are
// what they were; the career CSV cannot say part_of, so these go in a document of their own.
std::vector<std::pair<std::uint32_t, std::uint32_t>> part_of_links(const SynthCareers& careers);
// Writes part_of_links as one extraction document (data/schema/README.md), to ingest with the CSV.
Result<void> write_part_of_json(const SynthCareers& careers, const std::filesystem::path& path);

// An edge list over dense node ids; edges[i].id == i, weights by id.
struct EdgeList {
  std::uint32_t num_nodes = 0;
  graph::Orientation orientation = graph::Orientation::directed;
  std::vector<graph::EdgeIn> edges;
  std::vector<double> weights;
};

// Directed organisation -> organisation, nodes = organisations; one edge per ordered pair that
// some person's consecutive employments link, weight = the number of such moves.
EdgeList move_graph(const SynthCareers& careers);

// Undirected; nodes: people [0, P), organisations [P, P + O), countries [P + O, P + O + C) with
// C = countries().size(). Edges: one person - organisation edge per employment (a person who
// returns to an organisation has parallel edges), then one organisation - country edge per
// organisation. Weights all 1.
EdgeList affiliation_graph(const SynthCareers& careers);

}  // namespace tg::bench
