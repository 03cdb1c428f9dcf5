// Synthetic careers: one std::mt19937_64 stream, consumed in a fixed order, so a seed fixes
// every person, employment and organisation.
#include "tools/bench/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>

#include <fmt/format.h>

namespace tg::bench {
namespace {

constexpr std::array<std::string_view, 24> kCountries = {
    "US", "CN", "GB", "KR", "DE", "FR", "JP", "CA", "IN", "IL", "SG", "CH",
    "NL", "SE", "TW", "AU", "ES", "IT", "FI", "AE", "BR", "PL", "IE", "DK"};
constexpr std::array<std::string_view, 8> kRoles = {
    "Research Scientist", "Software Engineer", "Research Engineer", "Engineering Manager",
    "Principal Scientist", "Professor", "Director of AI", "Member of Technical Staff"};
// 16 syllables: a name of k syllables encodes 4k bits of its index, so names are unique.
constexpr std::array<std::string_view, 16> kSyllables = {"ka", "mi", "to", "ra", "se", "lu", "no", "vi",
                                                         "de", "ha", "jo", "be", "su", "ri", "po", "an"};
constexpr std::array<std::string_view, 6> kCompanySuffixes = {"Systems", "AI", "Technologies", "Robotics",
                                                              "Semiconductor", "Networks"};

std::string syllables(std::uint32_t value, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    s += kSyllables[value & 15];
    value >>= 4;
  }
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string date_text(std::uint16_t year, std::uint8_t month) {
  if (year == 0) return {};
  return month == 0 ? fmt::format("{:04}", year) : fmt::format("{:04}-{:02}", year, month);
}

// Cumulative Zipf(s) weights over ranks 1..n, for inverse-transform sampling.
std::vector<double> zipf_cdf(std::uint32_t n, double s) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (std::uint32_t k = 0; k < n; ++k) cdf[k] = sum += 1.0 / std::pow(k + 1.0, s);
  for (double& c : cdf) c /= sum;
  return cdf;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

std::optional<Scale> parse_scale(std::string_view text) {
  if (text == "S" || text == "s") return Scale::S;
  if (text == "M" || text == "m") return Scale::M;
  if (text == "L" || text == "l") return Scale::L;
  return std::nullopt;
}

std::string_view to_string(Scale scale) {
  switch (scale) {
    case Scale::S: return "S";
    case Scale::M: return "M";
    case Scale::L: return "L";
  }
  return "?";
}

SynthOptions synth_options(Scale scale, std::uint64_t seed) {
  switch (scale) {
    case Scale::S: return {.people = 10'000, .organisations = 500, .seed = seed};
    case Scale::M: return {.people = 200'000, .organisations = 10'000, .seed = seed};
    case Scale::L: return {.people = 2'000'000, .organisations = 100'000, .seed = seed};
  }
  return {};
}

std::string_view to_string(OrgKind kind) {
  switch (kind) {
    case OrgKind::company: return "company";
    case OrgKind::lab: return "lab";
    case OrgKind::university: return "university";
  }
  return "company";
}

std::span<const std::string_view> countries() { return kCountries; }
std::span<const std::string_view> roles() { return kRoles; }

std::string SynthCareers::person_name(std::uint32_t person) const {
  // 12 bits of the index in the given name, the rest in the family name.
  return syllables(person & 0xfff, 3) + " " + syllables(person >> 12, 4);
}

std::string SynthCareers::organisation_name(std::uint32_t org) const {
  const std::string stem = syllables(org, 5);
  switch (organisation_kind[org]) {
    case OrgKind::university: return "University of " + stem;
    case OrgKind::lab: return stem + " Research Lab";
    case OrgKind::company: break;
  }
  return stem + " " + std::string(kCompanySuffixes[org % kCompanySuffixes.size()]);
}

std::string_view SynthCareers::country(std::uint32_t org) const { return kCountries[organisation_country[org]]; }

SynthCareers generate_careers(const SynthOptions& options) {
  SynthCareers c;
  c.people = options.people;
  c.organisations = options.organisations;
  std::mt19937_64 rng(options.seed);

  // Organisations: a country by a skewed distribution (weight 1/(k+1)), a kind (70% company,
  // 15% lab, 15% university).
  std::vector<double> country_weights;
  for (std::size_t k = 0; k < kCountries.size(); ++k) country_weights.push_back(1.0 / (k + 1.0));
  std::discrete_distribution<int> country(country_weights.begin(), country_weights.end());
  std::discrete_distribution<int> kind({70, 15, 15});
  c.organisation_country.resize(c.organisations);
  c.organisation_kind.resize(c.organisations);
  for (std::uint32_t o = 0; o < c.organisations; ++o) {
    c.organisation_country[o] = static_cast<std::uint8_t>(country(rng));
    c.organisation_kind[o] = static_cast<OrgKind>(kind(rng));
  }

  const std::vector<double> cdf = zipf_cdf(c.organisations, options.zipf_exponent);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto draw_org = [&] {
    const auto at = std::upper_bound(cdf.begin(), cdf.end(), unit(rng)) - cdf.begin();
    return static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(at, c.organisations - 1));
  };
  std::discrete_distribution<int> jobs({27, 26, 20, 14, 8, 5});
  std::uniform_int_distribution<int> first_year(1985, 2020), duration(1, 6), month(1, 12), role(0, kRoles.size() - 1);
  std::bernoulli_distribution with_month(0.5), current(0.6);
  c.employments.reserve(static_cast<std::size_t>(c.people * 2.7));
  for (std::uint32_t p = 0; p < c.people; ++p) {
    const int count = jobs(rng) + 1;
    int year = first_year(rng);
    int mon = with_month(rng) ? month(rng) : 0;
    std::uint32_t previous = UINT32_MAX;
    for (int j = 0; j < count; ++j) {
      std::uint32_t org = draw_org();
      while (org == previous && c.organisations > 1) org = draw_org();
      previous = org;
      Employment e{.person = p, .organisation = org, .start_year = static_cast<std::uint16_t>(year),
                   .start_month = static_cast<std::uint8_t>(mon), .role = static_cast<std::uint8_t>(role(rng))};
      year += duration(rng);
      mon = with_month(rng) ? month(rng) : 0;
      if (j + 1 < count || !current(rng)) {
        e.end_year = static_cast<std::uint16_t>(year);
        e.end_month = static_cast<std::uint8_t>(mon);
      }
      c.employments.push_back(e);
    }
  }
  return c;
}

EmploymentRecord employment_record(const SynthCareers& careers, std::size_t index) {
  const Employment& e = careers.employments[index];
  return {.person_index = e.person,
          .person_name = careers.person_name(e.person),
          .organisation_index = e.organisation,
          .organisation_name = careers.organisation_name(e.organisation),
          .organisation_country = std::string(careers.country(e.organisation)),
          .organisation_kind = std::string(to_string(careers.organisation_kind[e.organisation])),
          .role = std::string(kRoles[e.role]),
          .start = date_text(e.start_year, e.start_month),
          .end = date_text(e.end_year, e.end_month)};
}

std::vector<EmploymentRecord> employment_records(const SynthCareers& careers) {
  std::vector<EmploymentRecord> records;
  records.reserve(careers.employments.size());
  for (std::size_t i = 0; i < careers.employments.size(); ++i) records.push_back(employment_record(careers, i));
  return records;
}

Result<void> write_careers_csv(const SynthCareers& careers, const std::filesystem::path& path) {
  return write_careers_csv(careers, path, 0, careers.people);
}

Result<void> write_careers_csv(const SynthCareers& careers, const std::filesystem::path& path, std::uint32_t first_person,
                               std::uint32_t end_person) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!file) return fail(ErrorCode::io, fmt::format("{}: cannot open for writing", path.string()));
  fmt::memory_buffer buffer;
  const auto flush = [&] {
    const bool ok = std::fwrite(buffer.data(), 1, buffer.size(), file.get()) == buffer.size();
    buffer.clear();
    return ok;
  };
  fmt::format_to(std::back_inserter(buffer),
                 "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country\n");
  for (std::size_t i = 0; i < careers.employments.size(); ++i) {
    const std::uint32_t person = careers.employments[i].person;
    if (person < first_person || person >= end_person) continue;
    const EmploymentRecord r = employment_record(careers, i);
    fmt::format_to(std::back_inserter(buffer), "{},{},{},{},{},https://synth.example/careers/p{},synth-p{},{},{}\n",
                   csv_field(r.person_name), csv_field(r.organisation_name), csv_field(r.role), r.start, r.end,
                   r.person_index, r.person_index, r.organisation_kind, r.organisation_country);
    if (buffer.size() > (1u << 20) && !flush()) return fail(ErrorCode::io, fmt::format("{}: write failed", path.string()));
  }
  if (!flush() || std::fflush(file.get()) != 0) return fail(ErrorCode::io, fmt::format("{}: write failed", path.string()));
  return {};
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> part_of_links(const SynthCareers& careers) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  std::optional<std::uint32_t> company;  // the nearest company so far
  for (std::uint32_t o = 0; o < careers.organisations; ++o) {
    if (careers.organisation_kind[o] == OrgKind::company) company = o;
    if (careers.organisation_kind[o] == OrgKind::lab && company) links.emplace_back(o, *company);
  }
  return links;
}

Result<void> write_part_of_json(const SynthCareers& careers, const std::filesystem::path& path) {
  // Names are letters and spaces (syllables and suffixes): nothing to escape.
  fmt::memory_buffer out;
  auto entity = [&](std::uint32_t o) {
    fmt::format_to(std::back_inserter(out), R"({{"ref": "o{}", "kind": "{}", "name": "{}", "country": "{}"}})", o,
                   to_string(careers.organisation_kind[o]), careers.organisation_name(o), careers.country(o));
  };
  const auto links = part_of_links(careers);
  std::vector<std::uint32_t> named;
  for (const auto& [child, parent] : links) named.insert(named.end(), {child, parent});
  std::ranges::sort(named);
  named.erase(std::unique(named.begin(), named.end()), named.end());
  fmt::format_to(std::back_inserter(out),
                 R"({{"source": {{"id": "synth-part-of", "title": "Synthetic labs inside companies", )"
                 R"("publisher": "tg-bench", "published": "2026-01-01", "language": "en"}},)"
                 "\n\"entities\": [\n");
  for (std::size_t i = 0; i < named.size(); ++i) {
    entity(named[i]);
    fmt::format_to(std::back_inserter(out), "{}\n", i + 1 < named.size() ? "," : "");
  }
  fmt::format_to(std::back_inserter(out), "],\n\"relations\": [\n");
  for (std::size_t i = 0; i < links.size(); ++i)
    fmt::format_to(std::back_inserter(out), R"({{"kind": "part_of", "from": "o{}", "to": "o{}", "status": "current"}}{})"
                   "\n", links[i].first, links[i].second, i + 1 < links.size() ? "," : "");
  fmt::format_to(std::back_inserter(out), "]}}\n");
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!file || std::fwrite(out.data(), 1, out.size(), file.get()) != out.size() || std::fflush(file.get()) != 0)
    return fail(ErrorCode::io, fmt::format("{}: write failed", path.string()));
  return {};
}

EdgeList move_graph(const SynthCareers& careers) {
  // Key each move (from, to) as from * O + to, sort, and count runs.
  std::vector<std::uint64_t> moves;
  moves.reserve(careers.employments.size());
  const auto& e = careers.employments;
  for (std::size_t i = 1; i < e.size(); ++i) {
    if (e[i].person == e[i - 1].person) {
      moves.push_back(std::uint64_t{e[i - 1].organisation} * careers.organisations + e[i].organisation);
    }
  }
  std::sort(moves.begin(), moves.end());
  EdgeList g;
  g.num_nodes = careers.organisations;
  g.orientation = graph::Orientation::directed;
  for (std::size_t i = 0; i < moves.size();) {
    std::size_t j = i;
    while (j < moves.size() && moves[j] == moves[i]) ++j;
    const auto id = static_cast<std::uint32_t>(g.edges.size());
    g.edges.push_back({static_cast<std::uint32_t>(moves[i] / careers.organisations),
                       static_cast<std::uint32_t>(moves[i] % careers.organisations), id});
    g.weights.push_back(static_cast<double>(j - i));
    i = j;
  }
  return g;
}

EdgeList affiliation_graph(const SynthCareers& careers) {
  EdgeList g;
  const std::uint32_t orgs_at = careers.people, countries_at = careers.people + careers.organisations;
  g.num_nodes = countries_at + static_cast<std::uint32_t>(kCountries.size());
  g.orientation = graph::Orientation::undirected;
  g.edges.reserve(careers.employments.size() + careers.organisations);
  for (const Employment& e : careers.employments) {
    g.edges.push_back({e.person, orgs_at + e.organisation, static_cast<std::uint32_t>(g.edges.size())});
  }
  for (std::uint32_t o = 0; o < careers.organisations; ++o) {
    g.edges.push_back({orgs_at + o, countries_at + careers.organisation_country[o], static_cast<std::uint32_t>(g.edges.size())});
  }
  g.weights.assign(g.edges.size(), 1.0);
  return g;
}

}  // namespace tg::bench
