#include "ingest/curation.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/files.h"
#include "graph/model.h"
#include "ingest/json_errors.h"
#include "ingest/limits.h"

namespace tg::ingest {

std::optional<Curation> read_curation_file(const std::string& path, Errors& errors) {
  using nlohmann::json;
  auto text = read_document(path);  // refused unread when over the document limit
  if (!text) {
    errors.add(text.error());
    return std::nullopt;
  }
  auto parsed = parse_json_strict(*text, Location{.file = path}, {"comment"});
  if (!parsed) {
    errors.add(std::move(parsed.error()));
    return std::nullopt;
  }
  const json root = std::move(*parsed);
  bool failed = false;
  auto bad = [&](const std::string& where, const std::string& what) {
    failed = true;
    errors.add({ErrorCode::bad_data, what, Location{.file = path, .record = where}});
  };
  if (!root.is_object()) {
    bad("document", "expected an object with same_as, not_same_as and forget");
    return std::nullopt;
  }
  Curation c;
  auto names = [&](const json& list, const std::string& where, std::size_t min_size) -> std::vector<std::string> {
    std::vector<std::string> out;
    if (!list.is_array() || list.size() < min_size) {
      bad(where, min_size ? fmt::format("expected an array of at least {} names", min_size) : "expected an array of names");
      return out;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string() || list[i].get<std::string>().empty())
        bad(fmt::format("{}[{}]", where, i), "expected a non-empty name");
      else
        out.push_back(list[i].get<std::string>());
    }
    return out;
  };
  for (const auto& [key, value] : root.items()) {
    if (key == "same_as" || key == "not_same_as") {
      if (!value.is_array()) {
        bad(key, "expected an array of name groups");
        continue;
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        auto group = names(value[i], fmt::format("{}[{}]", key, i), 2);
        if (key == "same_as") {
          c.same_as.push_back(std::move(group));
          c.same_as_at.emplace_back(path, fmt::format("{}[{}]", key, i));
        } else if (group.size() != 2) {
          if (group.size() > 2) bad(fmt::format("{}[{}]", key, i), "expected exactly two names");
        } else {
          c.not_same_as.emplace_back(group[0], group[1]);
          c.not_same_as_at.emplace_back(path, fmt::format("{}[{}]", key, i));
        }
      }
    } else if (key == "forget") {
      c.forget = names(value, "forget", 0);
    } else if (key == "country") {
      if (!value.is_array()) {
        bad(key, "expected an array of [name, country code] pairs");
        continue;
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string where = fmt::format("country[{}]", i);
        const json& pin = value[i];
        if (!pin.is_array() || pin.size() != 2 || !pin[0].is_string() || !pin[1].is_string() ||
            pin[0].get<std::string>().empty()) {
          bad(where, "expected [name, country code]");
        } else if (!valid_country_code(pin[1].get<std::string>())) {
          bad(where, fmt::format("expected an ISO 3166-1 alpha-2 code such as \"US\" (found \"{}\")",
                                 pin[1].get<std::string>()));
        } else {
          c.country.emplace_back(pin[0].get<std::string>(), pin[1].get<std::string>());
        }
      }
    } else if (key != "$schema" && key != "comment") {
      bad(key, "unknown field (expected same_as, not_same_as, forget or country)");
    }
  }
  if (failed) return std::nullopt;
  return c;
}

}  // namespace tg::ingest
