#include "ingest/csv.h"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "graph/names.h"
#include "ingest/json_errors.h"
#include "ingest/limits.h"

namespace tg::ingest {
namespace {

// Column of byte offset `pos` within a line starting at `line_start`, counted in characters.
std::size_t char_column(std::string_view text, std::size_t line_start, std::size_t pos) {
  std::size_t col = 1;
  for (std::size_t i = line_start; i < pos; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
  return col;
}

enum Column : std::size_t {
  kPerson, kOrganization, kRole, kStart, kEnd, kSourceUrl,
  kPersonId, kOrganizationKind, kOrganizationCountry, kStartPrecision, kEndPrecision, kLocation, kColumnCount
};
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "person", "organization", "role", "start", "end", "source_url",
    "person_id", "organization_kind", "organization_country", "start_precision", "end_precision", "location"};
constexpr std::size_t kRequiredColumns = 6;

// The name of the column at position `i` of the file (its header's `index`), or "".
std::string_view index_name(const std::array<std::optional<std::size_t>, kColumnCount>& index, std::size_t i) {
  for (std::size_t c = 0; c < kColumnCount; ++c)
    if (index[c] == i) return kColumnNames[c];
  return "";
}

}  // namespace

Result<void> read_csv(std::string_view text, const std::string& file,
                      const std::function<bool(const CsvRecord&)>& fn) {
  auto bad = [&](std::size_t line, std::size_t column, const char* what) {
    return fail(ErrorCode::bad_data, what, Location{.file = file, .line = line, .column = column});
  };
  std::size_t pos = 0;
  if (text.starts_with("\xEF\xBB\xBF")) pos = 3;  // BOM
  if (const std::size_t bad_byte = first_invalid_utf8(text); bad_byte != std::string_view::npos)
    return fail(invalid_utf8_error(text, bad_byte, Location{.file = file}));
  CsvRecord rec;
  std::vector<std::string> unescaped;  // storage for fields with doubled quotes
  std::size_t line = 1, line_start = pos;
  while (pos < text.size()) {
    rec.fields.clear();
    rec.columns.clear();
    unescaped.clear();
    rec.line = line;
    std::size_t pending_unescaped = 0;
    // Fields of one record.
    while (true) {
      rec.columns.push_back(char_column(text, line_start, pos));
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        std::size_t begin = pos;
        bool escaped = false;
        while (true) {
          const std::size_t q = text.find('"', pos);
          if (q == std::string_view::npos)
            return bad(rec.line, rec.columns.back(), "unterminated quoted field");
          // Count newlines inside the quoted field for later line numbers.
          for (std::size_t i = pos; i < q; ++i)
            if (text[i] == '\n') {
              ++line;
              line_start = i + 1;
            }
          if (q + 1 < text.size() && text[q + 1] == '"') {
            escaped = true;
            pos = q + 2;
            continue;
          }
          pos = q + 1;
          std::string_view raw = text.substr(begin, q - begin);
          if (escaped) {
            std::string s;
            s.reserve(raw.size());
            for (std::size_t i = 0; i < raw.size(); ++i) {
              s.push_back(raw[i]);
              if (raw[i] == '"') ++i;
            }
            unescaped.push_back(std::move(s));
            ++pending_unescaped;
            rec.fields.push_back({});  // patched below, once `unescaped` stops growing
          } else {
            rec.fields.push_back(raw);
          }
          break;
        }
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
          return bad(line, char_column(text, line_start, pos), "unexpected character after a closing quote");
      } else {
        std::size_t end = pos;
        while (end < text.size() && text[end] != ',' && text[end] != '\n' && text[end] != '\r') {
          if (text[end] == '"')
            return bad(line, char_column(text, line_start, end), "quote inside an unquoted field");
          ++end;
        }
        rec.fields.push_back(text.substr(pos, end - pos));
        pos = end;
      }
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      break;
    }
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
    ++line;
    line_start = pos;
    if (pending_unescaped) {
      std::size_t next = 0;
      for (std::size_t i = 0; i < rec.fields.size(); ++i)
        if (rec.fields[i].data() == nullptr) rec.fields[i] = unescaped[next++];
    }
    const bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank && !fn(rec)) break;
  }
  return {};
}

void read_careers(std::string_view text, const std::string& file, Errors& errors,
                  const std::function<void(const CareerRow&)>& fn) {
  std::array<std::optional<std::size_t>, kColumnCount> index{};
  std::size_t width = 0;
  bool header_ok = false;
  auto add_error = [&](std::size_t line, std::size_t col, std::string_view field, std::string what) {
    errors.add({ErrorCode::bad_data, std::move(what),
                Location{.file = file, .line = line, .column = col, .field = std::string(field)}});
  };
  bool first = true;
  auto result = read_csv(text, file, [&](const CsvRecord& rec) {
    if (errors.full()) return false;
    if (first) {
      first = false;
      width = rec.fields.size();
      for (std::size_t i = 0; i < rec.fields.size(); ++i) {
        std::string_view name = rec.fields[i];
        auto it = std::ranges::find(kColumnNames, name);
        if (it == kColumnNames.end()) {
          add_error(rec.line, rec.columns[i], "", fmt::format("unknown column \"{}\" (expected {})", name,
                                                              "person, organization, role, start, end, source_url "
                                                              "and optionally person_id, organization_kind, "
                                                              "organization_country, start_precision, end_precision, "
                                                              "location"));
          continue;
        }
        auto& slot = index[static_cast<std::size_t>(it - kColumnNames.begin())];
        if (slot) add_error(rec.line, rec.columns[i], "", fmt::format("duplicate column \"{}\"", name));
        slot = i;
      }
      for (std::size_t c = 0; c < kRequiredColumns; ++c)
        if (!index[c]) add_error(rec.line, 1, "", fmt::format("missing column \"{}\"", kColumnNames[c]));
      header_ok = errors.empty();
      return header_ok;
    }
    if (rec.fields.size() != width) {
      add_error(rec.line, rec.columns.back(), "",
                fmt::format("expected {} fields (found {})", width, rec.fields.size()));
      return true;
    }
    // No control character anywhere (a NUL, an escape sequence, a line break inside a quoted
    // name; a role, as free text, may hold tabs and line breaks), and no field longer than a
    // name can be.
    bool clean = true;
    for (std::size_t i = 0; i < rec.fields.size(); ++i) {
      const std::string_view name = index_name(index, i);
      if (auto c = control_character(rec.fields[i], name == kColumnNames[kRole])) {  // a role may break lines
        add_error(rec.line, rec.columns[i], name, fmt::format("holds a control character ({})", *c));
        clean = false;
      } else if (const std::size_t n = character_count(rec.fields[i]); n > input_limits().string_length) {
        add_error(rec.line, rec.columns[i], name,
                  too_long(n));
        clean = false;
      }
    }
    if (!clean) return true;
    CareerRow row;
    row.line = rec.line;
    auto field = [&](Column c) -> std::string_view { return index[c] ? rec.fields[*index[c]] : std::string_view(); };
    auto column = [&](Column c) { return index[c] ? rec.columns[*index[c]] : 1; };
    bool ok = true;
    auto bad = [&](Column c, const std::string& what) {
      add_error(rec.line, column(c), kColumnNames[c], what);
      ok = false;
    };
    row.person = field(kPerson);
    row.organization = field(kOrganization);
    row.organization_column = column(kOrganization);
    row.role = field(kRole);
    row.source_url = field(kSourceUrl);
    row.person_id = field(kPersonId);
    row.organization_country = field(kOrganizationCountry);
    row.location = field(kLocation);
    if (!row.source_url.empty() && !valid_uri(row.source_url))
      bad(kSourceUrl,
          fmt::format("expected an absolute URL such as \"https://example.com/a\" (found \"{}\")", row.source_url));
    if (!row.location.empty() && alias_key(row.location, KeyStyle::plain).empty())
      bad(kLocation, fmt::format("must name a place (found \"{}\")", row.location));
    if (alias_key(row.person, KeyStyle::plain).empty()) bad(kPerson, "must name a person");
    if (alias_key(row.organization, KeyStyle::organisation).empty()) bad(kOrganization, "must name an organisation");
    if (auto kind = field(kOrganizationKind); !kind.empty()) {
      auto k = parse_node_kind(kind);
      if (!k || !is_organisation(*k))
        bad(kOrganizationKind, fmt::format("expected company, lab, university or agency (found \"{}\")", kind));
      else
        row.organization_kind = *k, row.organization_kind_given = true;
    }
    if (auto cc = row.organization_country; !cc.empty()) {
      if (!valid_country_code(cc))
        bad(kOrganizationCountry, fmt::format("expected an ISO 3166-1 alpha-2 code such as \"US\" (found \"{}\")", cc));
    }
    auto parse_date = [&](Column c, Column precision_column, PartialDate& out) {
      std::string_view text = field(c);
      if (text.empty()) {
        if (!field(precision_column).empty()) bad(precision_column, "given for an empty date");
        return;
      }
      auto d = PartialDate::parse(text);
      if (!d) return bad(c, d.error().message);
      out = *d;
      if (std::string_view p = field(precision_column); !p.empty()) {
        DatePrecision precision;
        if (p == "year") precision = DatePrecision::year;
        else if (p == "month") precision = DatePrecision::month;
        else if (p == "day") precision = DatePrecision::day;
        else return bad(precision_column, fmt::format("expected year, month or day (found \"{}\")", p));
        if (precision > out.precision())
          return bad(precision_column, fmt::format("finer than the date itself (found \"{}\" for \"{}\")", p, text));
        out = out.truncated(precision);
      }
    };
    parse_date(kStart, kStartPrecision, row.start);
    parse_date(kEnd, kEndPrecision, row.end);
    if (ok && row.start.known() && row.end.known() && row.end.last_day() < row.start.first_day())
      bad(kEnd, fmt::format("ends before it starts ({} < {})", row.end.str(), row.start.str()));
    if (ok) fn(row);
    return true;
  });
  if (!result) {
    errors.add(result.error());
  } else if (first) {
    add_error(1, 1, "", "empty file (expected a header: person,organization,role,start,end,source_url)");
  }
}

}  // namespace tg::ingest
