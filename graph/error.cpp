#include "graph/error.h"

#include <fmt/format.h>

namespace tg {

std::string Location::str() const {
  std::string out = file;
  if (line) out += fmt::format(":{}", line);
  if (line && column) out += fmt::format(":{}", column);
  if (!record.empty() || !field.empty()) {
    if (!out.empty()) out += ": ";
    out += record;
    if (!record.empty() && !field.empty()) out += '.';
    out += field;
  }
  return out;
}

std::string Error::str() const { return location.empty() ? message : location.str() + ": " + message; }

bool Errors::add(Error e) {
  if (full()) {
    truncated_ = true;
    return false;
  }
  errors_.push_back(std::move(e));
  return !full();
}

void Errors::append(const Errors& other) {
  for (const Error& e : other.list()) add(e);
  if (other.truncated()) truncated_ = true;
}

std::string Errors::str() const {
  std::string out;
  for (const Error& e : errors_) {
    if (!out.empty()) out += '\n';
    out += e.str();
  }
  if (full()) out += fmt::format("\n(stopped after {} errors)", limit_);
  return out;
}

}  // namespace tg
