#include "graph/model.h"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace tg {
namespace {

constexpr std::array<std::string_view, kNodeKindCount> kNodeKindNames = {
    "person", "company", "lab", "university", "agency", "place", "regulation", "product"};
constexpr std::array<std::string_view, kRelationKindCount> kRelationKindNames = {
    "worked_at", "studied_at", "founded",  "leads",            "moved",      "recruits_from", "approached",
    "part_of",   "office_in",  "headquartered_in", "located_in", "issued", "restricts", "made_by"};

constexpr unsigned bit(NodeKind k) { return 1u << static_cast<unsigned>(k); }
constexpr unsigned kOrg = bit(NodeKind::company) | bit(NodeKind::lab) | bit(NodeKind::university) | bit(NodeKind::agency);
constexpr unsigned kPerson = bit(NodeKind::person);
constexpr unsigned kPlace = bit(NodeKind::place);

struct Signature {
  unsigned from;
  unsigned to;
  std::string_view text;
};

constexpr std::array<Signature, kRelationKindCount> kSignatures = {{
    {kPerson, kOrg, "person -> organisation"},                              // worked_at
    {kPerson, bit(NodeKind::university), "person -> university"},          // studied_at
    {kPerson, kOrg, "person -> organisation"},                              // founded
    {kPerson, kOrg, "person -> organisation"},                              // leads
    {kPerson, kOrg, "person -> organisation"},                              // moved
    {kOrg, kOrg, "organisation -> organisation"},                           // recruits_from
    {kOrg, kPerson, "organisation -> person"},                              // approached
    {kOrg, kOrg, "organisation -> organisation"},                           // part_of
    {kOrg, kPlace, "organisation -> place"},                                // office_in
    {kOrg, kPlace, "organisation -> place"},                                // headquartered_in
    {kPlace, kPlace, "place -> place"},                                     // located_in
    {bit(NodeKind::agency), bit(NodeKind::regulation), "agency -> regulation"},  // issued
    {bit(NodeKind::regulation), kOrg | kPlace | kPerson | bit(NodeKind::product),
     "regulation -> organisation, place, person or product"},               // restricts
    {bit(NodeKind::product), kOrg, "product -> organisation"},              // made_by
}};

constexpr std::array<std::string_view, 3> kIssuedStatuses = {"proposed", "in_force", "revoked"};
constexpr std::array<std::string_view, 3> kPartOfStatuses = {"current", "spin_off_planned", "spun_off"};

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return i;
  return std::nullopt;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(int y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string_view to_string(NodeKind kind) { return kNodeKindNames[static_cast<std::size_t>(kind)]; }
std::string_view to_string(RelationKind kind) { return kRelationKindNames[static_cast<std::size_t>(kind)]; }

std::optional<NodeKind> parse_node_kind(std::string_view text) {
  if (auto i = index_of(kNodeKindNames, text)) return static_cast<NodeKind>(*i);
  return std::nullopt;
}
std::optional<RelationKind> parse_relation_kind(std::string_view text) {
  if (auto i = index_of(kRelationKindNames, text)) return static_cast<RelationKind>(*i);
  return std::nullopt;
}

bool is_organisation(NodeKind kind) { return (bit(kind) & kOrg) != 0; }
bool ties_person_to_organisation(RelationKind kind) {
  switch (kind) {
    case RelationKind::worked_at:
    case RelationKind::founded:
    case RelationKind::leads:
    case RelationKind::studied_at:
    case RelationKind::moved: return true;
    default: return false;
  }
}
bool kinds_compatible(NodeKind a, NodeKind b) { return a == b || (is_organisation(a) && is_organisation(b)); }

bool relation_allows(RelationKind kind, NodeKind from, NodeKind to) {
  const auto& s = kSignatures[static_cast<std::size_t>(kind)];
  return (s.from & bit(from)) && (s.to & bit(to));
}
std::string_view relation_signature(RelationKind kind) { return kSignatures[static_cast<std::size_t>(kind)].text; }

std::span<const std::string_view> relation_statuses(RelationKind kind) {
  if (kind == RelationKind::issued) return kIssuedStatuses;
  if (kind == RelationKind::part_of) return kPartOfStatuses;
  return {};
}

std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

CivilDate civil_from_days(std::int32_t z) {
  // Howard Hinnant's algorithm, inverted.
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

std::string period_label(std::int32_t first_day, std::int32_t last_day, Period granularity, bool* coarse) {
  const CivilDate a = civil_from_days(first_day), b = civil_from_days(last_day);
  const bool same_year = a.year == b.year;
  const bool same_quarter = same_year && (a.month - 1) / 3 == (b.month - 1) / 3;
  const bool same_month = same_year && a.month == b.month;
  Period fits = granularity;
  if (granularity == Period::month && !same_month) fits = Period::quarter;
  if (fits == Period::quarter && !same_quarter) fits = Period::year;
  if (coarse) *coarse = fits != granularity || !same_year;
  if (!same_year) return fmt::format("{}..{}", a.year, b.year);
  switch (fits) {
    case Period::year: return fmt::format("{:04}", a.year);
    case Period::quarter: return fmt::format("{:04}-Q{}", a.year, (a.month - 1) / 3 + 1);
    case Period::month: return fmt::format("{:04}-{:02}", a.year, a.month);
  }
  return {};
}

std::int32_t period_first_day(std::int32_t first_day, std::int32_t last_day, Period granularity) {
  const CivilDate a = civil_from_days(first_day), b = civil_from_days(last_day);
  if (a.year != b.year) return days_from_civil(a.year, 1, 1);
  const bool same_quarter = (a.month - 1) / 3 == (b.month - 1) / 3;
  if (granularity == Period::month && a.month == b.month) return days_from_civil(a.year, a.month, 1);
  if (granularity != Period::year && same_quarter) return days_from_civil(a.year, (a.month - 1) / 3 * 3 + 1, 1);
  return days_from_civil(a.year, 1, 1);
}

Result<PartialDate> PartialDate::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::bad_data, fmt::format("{} (found \"{}\")", why, text));
  };
  auto digits = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > text.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i)
      if (text[i] < '0' || text[i] > '9') return false;
    std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return true;
  };
  PartialDate d;
  int year = 0, month = 0, day = 0;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10)
    return bad("not an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD");
  if (!digits(0, 4, year)) return bad("not an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD");
  if (year < 1000) return bad("year out of range");
  d.year_ = static_cast<std::int16_t>(year);
  d.precision_ = DatePrecision::year;
  if (text.size() >= 7) {
    if (text[4] != '-' || !digits(5, 2, month)) return bad("not an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD");
    if (month < 1 || month > 12) return bad("month out of range");
    d.month_ = static_cast<std::uint8_t>(month);
    d.precision_ = DatePrecision::month;
  }
  if (text.size() == 10) {
    if (text[7] != '-' || !digits(8, 2, day)) return bad("not an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD");
    if (day < 1 || static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month)))
      return bad("day out of range");
    d.day_ = static_cast<std::uint8_t>(day);
    d.precision_ = DatePrecision::day;
  }
  return d;
}

PartialDate PartialDate::truncated(DatePrecision precision) const {
  if (precision >= precision_) return *this;
  PartialDate d = *this;
  d.precision_ = precision;
  if (precision < DatePrecision::day) d.day_ = 0;
  if (precision < DatePrecision::month) d.month_ = 0;
  if (precision == DatePrecision::none) d.year_ = 0;
  return d;
}

std::string PartialDate::str() const {
  switch (precision_) {
    case DatePrecision::none: return {};
    case DatePrecision::year: return fmt::format("{:04}", year_);
    case DatePrecision::month: return fmt::format("{:04}-{:02}", year_, month_);
    case DatePrecision::day: return fmt::format("{:04}-{:02}-{:02}", year_, month_, day_);
  }
  return {};
}

std::int32_t PartialDate::first_day() const {
  return days_from_civil(year_, month_ ? month_ : 1, day_ ? day_ : 1);
}

std::int32_t PartialDate::last_day() const {
  const unsigned m = month_ ? month_ : 12;
  const unsigned d = day_ ? day_ : days_in_month(year_, m);
  return days_from_civil(year_, m, d);
}

bool valid_country_code(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

std::optional<std::string> parse_country_code(std::string_view text) {
  std::string code(text);
  for (char& c : code)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (!valid_country_code(code)) return std::nullopt;
  return code;
}

bool DateWindow::overlaps(const PartialDate& date) const {
  if (!date.known()) return false;
  if (first && date.last_day() < *first) return false;
  if (last && date.first_day() > *last) return false;
  return true;
}

}  // namespace tg
