// Curation: a person's decisions that resolution must honour. `same_as` groups names of one entity,
// `not_same_as` pairs names that must never merge, `forget` removes people for good.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/error.h"

namespace tg::ingest {

struct Curation {
  std::vector<std::vector<std::string>> same_as;
  std::vector<std::pair<std::string, std::string>> not_same_as;
  std::vector<std::string> forget;
  // Country pins: [name, ISO code]. Curation is the human decision: a pin wins over every source.
  std::vector<std::pair<std::string, std::string>> country;
  // Where each same_as group stands: "same_as[2]" of `file` (for errors that name the rule).
  std::vector<std::pair<std::string, std::string>> same_as_at;  // (file, record)
  std::vector<std::pair<std::string, std::string>> not_same_as_at;  // the same for not_same_as
};

// Reads {"same_as": [[name, …], …], "not_same_as": [[a, b], …], "forget": [name, …],
// "country": [[name, code], …]}; every
// error is added to `errors` (up to its limit), with the file and the rule ("same_as[0][1]").
std::optional<Curation> read_curation_file(const std::string& path, Errors& errors);

}  // namespace tg::ingest
