#include "graph/names.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <vector>

namespace tg {
namespace {

// Legal-form words dropped from the end of an organisation's name, as folded tokens.
// Each entry is a token sequence; longer ones are tried first by the loop below.
constexpr std::array<std::string_view, 33> kSuffixTokens = {
    "inc", "incorporated", "ltd", "limited", "co", "company", "corp", "corporation", "llc", "llp", "lp",
    "gmbh", "ag", "sa", "sas", "srl", "spa", "plc", "pte", "pty", "bv", "nv", "kk", "oy", "ab", "as",
    "group", "holding", "holdings", "주식회사", "유한회사", "주", "홀딩스"};

// Legal-form endings written without a space in Chinese, Japanese and Korean names.
constexpr std::array<std::string_view, 14> kCjkSuffixes = {
    "股份有限公司", "有限责任公司", "有限公司", "控股", "集团", "集團", "公司",
    "株式会社", "有限会社", "주식회사", "유한회사", "그룹", "홀딩스", "(주)"};

// Legal-form words that may also open a name ("주식회사 카카오", "株式会社ソニー").
constexpr std::array<std::string_view, 3> kPrefixTokens = {"주식회사", "주", "株式会社"};

const icu::Normalizer2& nfkc_casefold() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
  return *n;
}
const icu::Normalizer2& nfd() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
  return *n;
}
const icu::Normalizer2& nfc() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  return *n;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// Folds case and compatibility forms, drops accents, and splits into tokens of letters and digits.
std::vector<std::string> fold_tokens(std::string_view name) {
  // Plain ASCII (most Latin-script names) folds the same without ICU: NFKC leaves it alone,
  // case folding lowers A-Z, and only [a-z0-9] are letters or digits.
  if (std::ranges::all_of(name, [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::vector<std::string> tokens;
    std::string current;
    for (char c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        current.push_back(c);
      } else if (!current.empty()) {
        tokens.push_back(std::move(current));
        current.clear();
      }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  icu::UnicodeString folded = nfkc_casefold().normalize(text, status);
  icu::UnicodeString decomposed = nfd().normalize(folded, status);
  if (U_FAILURE(status)) return {};
  icu::UnicodeString kept;
  std::vector<std::string> tokens;
  auto flush = [&] {
    if (kept.isEmpty()) return;
    UErrorCode st = U_ZERO_ERROR;
    icu::UnicodeString composed = nfc().normalize(kept, st);
    std::string out;
    composed.toUTF8String(out);
    tokens.push_back(std::move(out));
    kept.remove();
  };
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) continue;  // accents
    if (u_isalnum(c) || type == U_COMBINING_SPACING_MARK || type == U_MODIFIER_LETTER)
      kept.append(c);
    else
      flush();
  }
  flush();
  return tokens;
}

}  // namespace

std::vector<std::string> name_tokens(std::string_view name, KeyStyle style) {
  std::string source(name);
  if (style == KeyStyle::organisation) {
    // "(주)" and "㈜" are punctuation around a legal form: turn them into a token before folding.
    for (std::string_view mark : {std::string_view("(주)"), std::string_view("㈜"), std::string_view("（주）")}) {
      for (std::size_t p; (p = source.find(mark)) != std::string::npos;) source.replace(p, mark.size(), " 주식회사 ");
    }
  }
  std::vector<std::string> tokens = fold_tokens(source);
  if (style == KeyStyle::organisation) {
    // Drop legal forms from the end (and the Korean/Japanese ones from the front) while a name remains.
    for (bool changed = true; changed && tokens.size() > 1;) {
      changed = false;
      for (std::string_view suffix : kSuffixTokens) {
        if (tokens.size() > 1 && tokens.back() == suffix) {
          tokens.pop_back();
          changed = true;
        }
      }
      for (std::string_view prefix : kPrefixTokens) {
        if (tokens.size() > 1 && tokens.front() == prefix) {
          tokens.erase(tokens.begin());
          changed = true;
        }
      }
    }
    if (!tokens.empty()) {
      for (bool changed = true; changed;) {
        changed = false;
        std::string& last = tokens.back();
        for (std::string_view suffix : kCjkSuffixes) {
          if (last.size() > suffix.size() && ends_with(last, suffix)) {
            last.resize(last.size() - suffix.size());
            changed = true;
          }
        }
        std::string& first = tokens.front();
        for (std::string_view prefix : {std::string_view("주식회사"), std::string_view("株式会社")}) {
          if (first.size() > prefix.size() && starts_with(first, prefix)) {
            first.erase(0, prefix.size());
            changed = true;
          }
        }
      }
    }
  }
  std::erase_if(tokens, [](const std::string& t) { return t.empty(); });
  return tokens;
}

std::string alias_key(std::string_view name, KeyStyle style) {
  std::string key;
  for (const std::string& t : name_tokens(name, style)) key += t;
  return key;
}

std::string token_set_key(std::string_view name, KeyStyle style) {
  std::vector<std::string> tokens = name_tokens(name, style);
  std::ranges::sort(tokens);
  std::string key;
  for (const std::string& t : tokens) {
    if (!key.empty()) key += ' ';
    key += t;
  }
  return key;
}

namespace {

// Calls fn(c) for each code point of UTF-8 text, with c < 0 for an invalid sequence; stops when
// fn returns false.
template <typename Fn>
void for_each_code_point(std::string_view text, Fn&& fn) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (!fn(c)) return;
  }
}

}  // namespace

std::u32string code_points(std::string_view text) {
  std::u32string out;
  for_each_code_point(text, [&](UChar32 c) {
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
    return true;
  });
  return out;
}

bool valid_utf8(std::string_view text) {
  bool valid = true;
  for_each_code_point(text, [&](UChar32 c) { return valid = c >= 0; });
  return valid;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for_each_code_point(text, [&](UChar32 c) {
    if (c < 0) {
      ++width;
      return true;
    }
    const int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) return true;
    const int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    width += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
    return true;
  });
  return width;
}

}  // namespace tg
