// Errors as values: every expected failure carries a code (which maps to the CLI's exit status)
// and a message that names where in the input it happened: `file:line: field: what (found)`.
#pragma once

#include <expected>
#include <string>

namespace tg {

enum class ErrorCode {
  usage = 2,        // the command line is wrong
  bad_data = 3,     // an input file is malformed or inconsistent
  missing_db = 4,   // the database does not exist (and the command does not create it)
  not_found = 5,    // a named entity does not exist
  io = 6,           // a file cannot be read or written, or SQLite failed
  no_path = 7,      // entities exist but nothing connects them
  ambiguous = 8,    // a name fits more than one entity
};

struct Error {
  ErrorCode code = ErrorCode::bad_data;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace tg
