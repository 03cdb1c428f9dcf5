#include "ingest/curation.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ingest/json_errors.h"

namespace tg::ingest {

std::optional<Curation> read_curation_file(const std::string& path, std::vector<Error>& errors) {
  using nlohmann::json;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back({ErrorCode::io, fmt::format("{}: cannot read file", path)});
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    errors.push_back({ErrorCode::bad_data, fmt::format("{}:{}", path, json_syntax_error(e, text))});
    return std::nullopt;
  }
  const std::size_t before = errors.size();
  auto bad = [&](const std::string& where, const std::string& what) {
    errors.push_back({ErrorCode::bad_data, fmt::format("{}: {}: {}", path, where, what)});
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
        } else if (group.size() != 2) {
          if (group.size() > 2) bad(fmt::format("{}[{}]", key, i), "expected exactly two names");
        } else {
          c.not_same_as.emplace_back(group[0], group[1]);
        }
      }
    } else if (key == "forget") {
      c.forget = names(value, "forget", 0);
    } else if (key != "$schema" && key != "comment") {
      bad(key, "unknown field (expected same_as, not_same_as or forget)");
    }
  }
  if (errors.size() != before) return std::nullopt;
  return c;
}

}  // namespace tg::ingest
