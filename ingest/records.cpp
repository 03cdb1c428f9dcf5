#include "ingest/records.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

namespace tg::ingest {

void write_document(RunWriter& writer, Resolver& resolver, const Document& doc) {
  TextArena& text = writer.text();
  const std::string_view file = writer.intern(doc.file);
  const SourceRow& s = doc.source;
  const Store::SourceInsert source_row{SourceId{}, text.keep(s.ext_id), text.keep(s.url), text.keep(s.title),
                                       writer.intern(s.publisher), text.keep(s.published), writer.intern(s.language),
                                       text.keep(s.based_on), text.keep(s.content_hash)};
  // A source the store holds already is revised: its old claims and mentions are retracted
  // before anything of this version is written.
  writer.revise_source(source_row);
  // The source is stored with its first claim: a document whose every claim was about a
  // forgotten person leaves nothing behind.
  std::optional<SourceId> source;
  std::vector<std::optional<EntityId>> ids;
  std::vector<EntitySpec> anonymous;  // the specs as resolved, with their source-ref ids
  ids.reserve(doc.entities.size());
  for (const auto& e : doc.entities) {
    if (e.anonymous && e.ids.empty()) {
      // An unnamed entity never merges by name; its source and ref identify it, so that
      // ingesting the same source again finds it instead of adding a twin.
      EntitySpec spec = e;
      spec.ids.push_back({"source-ref", fmt::format("{}#{}", doc.source.ext_id, e.ref)});
      ids.push_back(resolver.resolve(spec, Where{doc.file, doc.line.value_or(0), e.record}));
      anonymous.push_back(std::move(spec));
      continue;
    }
    ids.push_back(resolver.resolve(e, Where{doc.file, doc.line.value_or(0), e.record}));
  }
  // An entity's country claim weighs as much as the source's best claim about it.
  std::vector<double> confidence(doc.entities.size(), 0.0);
  for (const auto& r : doc.relations) {
    if (!ids[r.from] || !ids[r.to] || (r.left && !ids[*r.left])) continue;  // about a forgotten person
    for (std::size_t end : {r.from, r.to}) confidence[end] = std::max(confidence[end], r.confidence);
    Store::RelationInsert row;
    row.kind = r.kind;
    row.from = *ids[r.from];
    row.to = *ids[r.to];
    row.start = r.start;
    row.end = r.end;
    row.role = writer.intern(r.role);
    row.former = r.former;
    if (r.left) row.left = *ids[*r.left];
    row.status = writer.intern(r.status);
    if (!source) source = writer.source(source_row);
    Store::ClaimInsert claim;
    claim.source = *source;
    claim.quote = text.keep(r.quote);
    claim.confidence = r.confidence;
    claim.file = file;
    claim.record = text.keep(doc.line ? fmt::format("line {}: {}", *doc.line, r.record) : r.record);
    if (r.location && ids[*r.location]) claim.location = row.location = *ids[*r.location];
    writer.relation(row, claim);
  }
  if (!source) return;
  // What the source says of each entity, so that a revision can tell what only it said.
  const Origin origin{*source, 0};
  std::size_t next_anonymous = 0;
  for (std::size_t i = 0; i < doc.entities.size(); ++i) {
    const EntitySpec& e = doc.entities[i].anonymous && doc.entities[i].ids.empty() ? anonymous[next_anonymous++]
                                                                                  : doc.entities[i];
    if (!ids[i]) continue;
    writer.mention(origin, *ids[i], MentionKind::alias, e.name);
    for (const auto& a : e.aliases) writer.mention(origin, *ids[i], MentionKind::alias, a);
    for (const auto& x : e.ids)
      writer.mention(origin, *ids[i], MentionKind::external_id, fmt::format("{}{}{}", x.scheme, kSep, x.value));
    if (!e.country.empty())
      writer.mention(origin, *ids[i], MentionKind::country, e.country,
                     confidence[i] > 0.0 ? confidence[i] : 1.0);
  }
}

CareerRows::CareerRows(RunWriter& writer, Resolver& resolver, const std::string& path)
    : writer_(writer), resolver_(resolver), path_(writer.text().keep(path)),
      file_name_(writer.text().keep(std::filesystem::path(path).filename().string())),
      file_source_(writer.text().keep(fmt::format("file:{}", file_name_))) {
  person_.kind = NodeKind::person;
  place_.kind = NodeKind::place;
  row_.kind = RelationKind::worked_at;
  claim_.file = path_;
  // A CSV file is identified by its name (see csv_file): ingesting a file of that name again
  // retracts what this one wrote before.
  claim_.csv_file = writer.csv_file(file_name_);
}

std::optional<Error> CareerRows::add(const CareerRow& r) {
  const Where where{path_, r.line, {}};
  std::optional<EntityId> person_id;
  if (last_person_ && r.person == last_person_name_ && r.person_id == last_person_id_) person_id = last_person_;
  if (!person_id) {
    person_.name.assign(r.person);
    person_.ids.clear();
    if (!r.person_id.empty()) {
      // "scheme:value" names the scheme (wikidata:Q42, linkedin:…); a bare id is the dataset's own.
      const auto colon = r.person_id.find(':');
      if (colon != std::string_view::npos && colon > 0)
        person_.ids.push_back({std::string(r.person_id.substr(0, colon)), std::string(r.person_id.substr(colon + 1))});
      else
        person_.ids.push_back({"person_id", std::string(r.person_id)});
    }
  }
  org_.kind = r.organization_kind;
  org_.name.assign(r.organization);
  org_.country.assign(r.organization_country);
  auto p = person_id ? person_id : resolver_.resolve(person_, where);
  last_person_ = p;
  last_person_name_.assign(r.person);
  last_person_id_.assign(r.person_id);
  if (!p) return std::nullopt;  // a forgotten person's row: nothing of it is written, not even its organisation
  if (!r.organization_kind_given && !organisations_checked_.contains(org_.name)) {
    // A name of a person or a place in the organization column is a mistake (columns swapped, a
    // person's name pasted), not a new company of that name.
    const std::string org_key = alias_key(r.organization, KeyStyle::organisation);
    const auto is_org = [&](EntityId id) {
      auto e = writer_.entity(id);
      return e && is_organisation(e->kind);
    };
    if (std::ranges::none_of(writer_.entities_with_alias_key(org_key), is_org)) {
      for (EntityId id : writer_.entities_with_alias_key(alias_key(r.organization, KeyStyle::plain))) {
        auto e = writer_.entity(id);
        if (!e || is_organisation(e->kind)) continue;
        return Error{ErrorCode::bad_data,
                     fmt::format("\"{}\" is a {} (#{}), not an organisation (give organization_kind to create an "
                                 "organisation of that name)",
                                 r.organization, to_string(e->kind), raw(id)),
                     Location{.file = std::string(path_), .line = r.line, .column = r.organization_column,
                              .field = "organization"}};
      }
    }
    organisations_checked_.insert(org_.name);
  }
  auto o = resolver_.resolve(org_, where);
  if (!o) return std::nullopt;
  std::optional<EntityId> location;
  if (!r.location.empty()) {
    place_.name.assign(r.location);
    location = resolver_.resolve(place_, where);
  }
  const std::string_view source_id = r.source_url.empty() ? file_source_ : r.source_url;
  std::optional<SourceId> source = writer_.known_source(source_id);
  if (!source) {
    Store::SourceInsert src;
    if (r.source_url.empty()) {
      src.ext_id = file_source_;
      src.title = file_name_;
    } else {
      src.ext_id = src.url = writer_.text().keep(r.source_url);
    }
    source = writer_.source(src);
  }
  row_.from = *p;
  row_.to = *o;
  row_.start = r.start;
  row_.end = r.end;
  row_.role = writer_.intern(r.role);
  row_.location = claim_.location = location;
  claim_.source = *source;
  char buffer[32];
  const auto end = fmt::format_to_n(buffer, sizeof buffer, "line {}", r.line).out;
  claim_.record = writer_.text().keep(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
  writer_.relation(row_, claim_);
  // What the row's source says of the person, the organisation and the place (each once per
  // source and file): one source is one vote for a country, whichever file or row cites it; a
  // revision of the file retracts the mentions of all its sources (Store::retract).
  const Origin origin{*source, claim_.csv_file};
  if (!person_id) {  // else the previous row's person, mentioned already
    writer_.mention(origin, *p, MentionKind::alias, r.person);
    if (!person_.ids.empty())
      writer_.mention(origin, *p, MentionKind::external_id,
                      fmt::format("{}{}{}", person_.ids[0].scheme, kSep, person_.ids[0].value));
  }
  writer_.mention(origin, *o, MentionKind::alias, r.organization);
  if (!r.organization_country.empty()) writer_.mention(origin, *o, MentionKind::country, r.organization_country);
  if (location) writer_.mention(origin, *location, MentionKind::alias, r.location);
  return std::nullopt;
}

}  // namespace tg::ingest
