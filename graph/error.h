// Errors as values: every expected failure carries a code (which maps to the CLI's exit status),
// a message, and where in the input it happened as data (file, line, column, record, field), so
// callers add or move the place without editing text. `Result<T>` is std::expected that the
// compiler will not let a caller drop.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace tg {

enum class ErrorCode {
  usage = 2,        // the command line is wrong
  bad_data = 3,     // an input file is malformed or inconsistent
  missing_db = 4,   // the database does not exist (and the command does not create it)
  not_found = 5,    // a named entity does not exist
  io = 6,           // a file cannot be read or written, or SQLite failed
  no_path = 7,      // entities exist but nothing connects them
  ambiguous = 8,    // a name fits more than one entity
  busy = 75,        // another process is writing the store (sysexits EX_TEMPFAIL: try again later)
};

// Where in the input an error is: any part may be unknown (empty or 0).
struct Location {
  std::string file{};       // as given on the command line
  std::size_t line = 0;     // 1-based
  std::size_t column = 0;   // 1-based, in characters
  std::string record{};     // "relations[3]" (JSON), empty for a CSV row
  std::string field{};      // "to", "start"; for JSON appended to the record path

  bool empty() const { return file.empty() && line == 0 && record.empty() && field.empty(); }
  // "file:line:column: record.field" with the parts that are known.
  std::string str() const;
};

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m, Location l = {}) : code(c), message(std::move(m)), location(std::move(l)) {}

  ErrorCode code = ErrorCode::bad_data;
  std::string message;  // what is wrong (what was found); without the place
  Location location;

  // "place: message", or the message alone when the place is unknown.
  std::string str() const;
};

// Several errors of one run, in the order found, up to a limit (then `truncated`).
class Errors {
 public:
  explicit Errors(std::size_t limit = 20) : limit_(limit) {}

  // Returns false once the limit is reached (the error is then not kept).
  bool add(Error e);
  bool empty() const { return errors_.empty(); }
  bool full() const { return errors_.size() >= limit_; }
  std::size_t size() const { return errors_.size(); }
  std::size_t limit() const { return limit_; }
  bool truncated() const { return truncated_; }
  const std::vector<Error>& list() const { return errors_; }
  void append(const Errors& other);
  // One line per error, and a last line when more were left out.
  std::string str() const;
  // The first error's code (bad_data when empty), for the exit status.
  ErrorCode code() const { return errors_.empty() ? ErrorCode::bad_data : errors_.front().code; }

 private:
  std::vector<Error> errors_;
  std::size_t limit_;
  bool truncated_ = false;
};

// std::expected that must be looked at: libstdc++ 12's is not [[nodiscard]].
template <typename T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result(std::expected<T, Error> e) : std::expected<T, Error>(std::move(e)) {}  // NOLINT: implicit on purpose
};

inline std::unexpected<Error> fail(ErrorCode code, std::string message, Location location = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(location)});
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

}  // namespace tg
