// The talent graph's vocabulary: node and relation kinds, which kinds a relation may link,
// and partial ISO 8601 dates that keep their precision and compare as intervals of days.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "graph/error.h"

namespace tg {

enum class NodeKind : std::uint8_t { person, company, lab, university, agency, place, regulation, product };
inline constexpr int kNodeKindCount = 8;

enum class RelationKind : std::uint8_t {
  worked_at, studied_at, founded, leads, moved, recruits_from, approached,
  part_of, office_in, headquartered_in, located_in, issued, restricts, made_by,
};
inline constexpr int kRelationKindCount = 14;

std::string_view to_string(NodeKind kind);
std::string_view to_string(RelationKind kind);
std::optional<NodeKind> parse_node_kind(std::string_view text);
std::optional<RelationKind> parse_relation_kind(std::string_view text);

// Organisations are companies, labs, universities and government agencies.
bool is_organisation(NodeKind kind);
// Relations that tie a person to an organisation as part of a career: employment, founding,
// leading, study, and a move (to its `to`, and to its `left`).
bool ties_person_to_organisation(RelationKind kind);
// Kinds that may be one node: all organisations form one group, every other kind its own.
bool kinds_compatible(NodeKind a, NodeKind b);
// Whether `kind` may link a `from` node to a `to` node; when not, `expected` names what it takes.
bool relation_allows(RelationKind kind, NodeKind from, NodeKind to);
std::string_view relation_signature(RelationKind kind);  // e.g. "person -> organisation"
// Allowed values of a relation's `status` (empty: the kind takes no status).
std::span<const std::string_view> relation_statuses(RelationKind kind);

// ISO 3166-1 alpha-2 as stored: two upper-case ASCII letters.
bool valid_country_code(std::string_view code);
// A country code as a user types it (any case): upper-cased, or nullopt when not two letters.
std::optional<std::string> parse_country_code(std::string_view text);

enum class DatePrecision : std::uint8_t { none = 0, year = 1, month = 2, day = 3 };

// Days since 1970-01-01 in the proleptic Gregorian calendar.
std::int32_t days_from_civil(int year, unsigned month, unsigned day);

struct CivilDate {
  int year = 1970;
  unsigned month = 1, day = 1;
};
// The inverse of days_from_civil.
CivilDate civil_from_days(std::int32_t days);

// The calendar periods flows are counted in.
enum class Period : std::uint8_t { year, quarter, month };
// The label of the period of `granularity` that holds every day of [first_day, last_day]:
// "2021", "2021-Q3", "2021-07"; a span that several such periods share is labelled at the finest
// granularity that holds it whole ("2021" for a move dated only to 2021 under months), and
// `coarse` says so. Both days must be known.
std::string period_label(std::int32_t first_day, std::int32_t last_day, Period granularity, bool* coarse = nullptr);
// The first day of the period period_label names for the same span.
std::int32_t period_first_day(std::int32_t first_day, std::int32_t last_day, Period granularity);

// An ISO 8601 date that may be partial ("2024", "2024-01", "2024-01-18") or unknown.
// A partial date covers an interval of days: "2024" is [2024-01-01, 2024-12-31].
class PartialDate {
 public:
  PartialDate() = default;
  static Result<PartialDate> parse(std::string_view text);
  // The same date cut to a coarser precision (never made finer).
  PartialDate truncated(DatePrecision precision) const;

  bool known() const { return precision_ != DatePrecision::none; }
  DatePrecision precision() const { return precision_; }
  std::string str() const;  // "" when unknown
  // First and last day covered; only meaningful when known().
  std::int32_t first_day() const;
  std::int32_t last_day() const;
  // Definitely before: this interval ends before the other begins.
  bool before(const PartialDate& other) const { return last_day() < other.first_day(); }

  friend bool operator==(const PartialDate&, const PartialDate&) = default;

 private:
  std::int16_t year_ = 0;
  std::uint8_t month_ = 0;
  std::uint8_t day_ = 0;
  DatePrecision precision_ = DatePrecision::none;
};

// A day number that stands for "unknown" where a date is kept as day bounds.
inline constexpr std::int32_t kNoDay = std::numeric_limits<std::int32_t>::min();

// A window of days [first, last]; either end may be open.
struct DateWindow {
  std::optional<std::int32_t> first;
  std::optional<std::int32_t> last;
  bool bounded() const { return first || last; }
  // A known date is in the window when its interval overlaps it.
  bool overlaps(const PartialDate& date) const;
};

}  // namespace tg
