// Extraction documents built in code, for tests that ingest small made-up sources.
#pragma once

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace tg::test_support {

inline nlohmann::json source(const std::string& id, const std::string& title = "A title") {
  return {{"id", id}, {"title", title}, {"publisher", "Example News"}, {"published", "2024-11-19"}, {"language", "en"}};
}

inline nlohmann::json document(const std::string& source_id, nlohmann::json entities, nlohmann::json relations) {
  return {{"source", source(source_id)}, {"entities", std::move(entities)}, {"relations", std::move(relations)}};
}

inline nlohmann::json entity(const std::string& ref, const std::string& kind, const std::string& name,
                             nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json e = {{"ref", ref}, {"kind", kind}, {"name", name}};
  e.update(extra);
  return e;
}

inline nlohmann::json rel(const std::string& kind, const std::string& from, const std::string& to,
                          nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json r = {{"kind", kind}, {"from", from}, {"to", to}};
  r.update(extra);
  return r;
}

}  // namespace tg::test_support
