// Every row of the named tables of a SQLite file as sorted "table|col|col…" lines, read through a
// connection of its own: two dumps are equal when the tables hold the same rows (ids included).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

namespace tg::test_support {

inline std::vector<std::string> table_dump(const std::string& path, std::initializer_list<const char*> tables) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  for (const char* table : tables) {
    sqlite3_stmt* st = nullptr;
    const std::string sql = std::string("SELECT * FROM ") + table;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row = table;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        row += std::string("|") + (p ? p : "NULL");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  std::ranges::sort(out);
  return out;
}

}  // namespace tg::test_support
