// Name normalisation for entity resolution: the alias key under which spellings of one name meet.
// NFKC with case folding (ICU), accents dropped, punctuation and spacing folded away, and for
// organisations the legal-form suffixes (Inc., Ltd., Group Holding Limited, 주식회사, 有限公司 …).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/model.h"

namespace tg {

enum class KeyStyle { plain, organisation };

inline KeyStyle key_style(NodeKind kind) { return is_organisation(kind) ? KeyStyle::organisation : KeyStyle::plain; }

// The alias key of `name`; empty when the name holds no letter or digit.
// "Alibaba Group Holding Ltd." -> "alibaba"; "(주)카카오" -> "카카오"; "Open AI" -> "openai".
std::string alias_key(std::string_view name, KeyStyle style);

// The folded words of a name, in order, that its alias key joins (legal forms dropped for
// organisations): "Zhao Shengjia" -> {"zhao", "shengjia"}.
std::vector<std::string> name_tokens(std::string_view name, KeyStyle style);
// The words in sorted order, space-joined: the same for names whose words differ only in order
// ("Zhao Shengjia" and "Shengjia Zhao" -> "shengjia zhao").
std::string token_set_key(std::string_view name, KeyStyle style);

// The code points of UTF-8 text (an invalid sequence counts as U+FFFD).
std::u32string code_points(std::string_view text);

// Whether `text` is valid UTF-8 (input is rejected otherwise, with its position).
bool valid_utf8(std::string_view text);

// Display width in terminal columns (East Asian wide characters count two).
std::size_t display_width(std::string_view text);

}  // namespace tg
