// ingest/normalize: alias keys that make spellings of one name meet across scripts, widths,
// accents, spacing and legal-form suffixes; UTF-8 validation; terminal display width.
#include "graph/names.h"

#include <gtest/gtest.h>

#include <string>

namespace tg {
namespace {

std::string org(std::string_view name) { return alias_key(name, KeyStyle::organisation); }
std::string plain(std::string_view name) { return alias_key(name, KeyStyle::plain); }

TEST(KeyStyle, OrganisationsUseTheOrganisationStyle) {
  EXPECT_EQ(key_style(NodeKind::company), KeyStyle::organisation);
  EXPECT_EQ(key_style(NodeKind::lab), KeyStyle::organisation);
  EXPECT_EQ(key_style(NodeKind::university), KeyStyle::organisation);
  EXPECT_EQ(key_style(NodeKind::agency), KeyStyle::organisation);
  EXPECT_EQ(key_style(NodeKind::person), KeyStyle::plain);
  EXPECT_EQ(key_style(NodeKind::place), KeyStyle::plain);
  EXPECT_EQ(key_style(NodeKind::regulation), KeyStyle::plain);
  EXPECT_EQ(key_style(NodeKind::product), KeyStyle::plain);
}

TEST(AliasKey, LatinLegalSuffixesAreDropped) {
  EXPECT_EQ(org("Alibaba Group Holding Limited"), "alibaba");
  EXPECT_EQ(org("Alibaba Group Holding Ltd."), "alibaba");
  EXPECT_EQ(org("Alibaba"), "alibaba");
  EXPECT_EQ(org("ALIBABA"), "alibaba");
  EXPECT_EQ(org("Alibaba Group"), "alibaba");
  EXPECT_EQ(org("alibaba group holdings"), "alibaba");
  EXPECT_EQ(org("Meta Platforms, Inc."), "metaplatforms");
  EXPECT_EQ(org("Samsung Electronics Co., Ltd."), "samsungelectronics");
  EXPECT_EQ(org("Redpine Technology Co., Ltd."), "redpinetechnology");
  EXPECT_EQ(org("Bluefin Labs Inc."), "bluefinlabs");
  EXPECT_EQ(org("Siemens AG"), "siemens");
  EXPECT_EQ(org("Nvidia Corporation"), "nvidia");
  EXPECT_EQ(org("Acme GmbH"), "acme");
  EXPECT_EQ(org("Acme LLC"), "acme");
  EXPECT_EQ(org("Acme PLC"), "acme");
  // Only from the end: a legal word inside the name stays.
  EXPECT_EQ(org("Group Lotus"), "grouplotus");
  EXPECT_EQ(org("The Holding Company of Nowhere"), "theholdingcompanyofnowhere");
}

TEST(AliasKey, KoreanLegalFormsBeforeOrAfterTheName) {
  EXPECT_EQ(org("카카오"), "카카오");
  EXPECT_EQ(org("(주)카카오"), "카카오");
  EXPECT_EQ(org("주식회사 카카오"), "카카오");
  EXPECT_EQ(org("주식회사카카오"), "카카오");
  EXPECT_EQ(org("카카오 주식회사"), "카카오");
  EXPECT_EQ(org("카카오(주)"), "카카오");
  EXPECT_EQ(org("㈜카카오"), "카카오");
  EXPECT_EQ(org("（주）카카오"), "카카오");
  EXPECT_EQ(org("삼성그룹"), "삼성");
  EXPECT_EQ(org("SK홀딩스"), "sk");
}

TEST(AliasKey, ChineseAndJapaneseLegalEndings) {
  EXPECT_EQ(org("阿里巴巴集团控股有限公司"), "阿里巴巴");
  EXPECT_EQ(org("阿里巴巴"), "阿里巴巴");
  EXPECT_EQ(org("阿里巴巴集团"), "阿里巴巴");
  EXPECT_EQ(org("华为技术有限公司"), "华为技术");
  EXPECT_EQ(org("台灣積體電路製造股份有限公司"), "台灣積體電路製造");
  EXPECT_EQ(org("株式会社ソニー"), "ソニー");
  EXPECT_EQ(org("ソニー株式会社"), "ソニー");
}

TEST(AliasKey, SpacingPunctuationWidthAndCaseFold) {
  EXPECT_EQ(org("Open AI"), "openai");
  EXPECT_EQ(org("OpenAI"), "openai");
  EXPECT_EQ(org("ＯｐｅｎＡＩ"), "openai");  // full-width letters
  EXPECT_EQ(org("open-ai"), "openai");
  EXPECT_EQ(org("  OPEN.AI  "), "openai");
  EXPECT_EQ(plain("Park Eun-ji"), "parkeunji");
  EXPECT_EQ(plain("O'Brien"), "obrien");
  EXPECT_EQ(plain("Straße"), "strasse");
  EXPECT_EQ(plain("Ｔｅｎｓｏｒ－Ｘ"), "tensorx");
  EXPECT_EQ(plain("Rule 7"), "rule7");
  EXPECT_EQ(plain("Rule ７"), "rule7");  // full-width digit
}

TEST(AliasKey, AccentsAreDropped) {
  EXPECT_EQ(plain("Zürich"), plain("Zurich"));
  EXPECT_EQ(plain("Zürich"), "zurich");
  EXPECT_EQ(plain("Zu\u0308rich"), "zurich");  // decomposed ü
  EXPECT_EQ(org("Zürich Versicherung"), "zurichversicherung");
  EXPECT_EQ(plain("José Núñez"), "josenunez");
  EXPECT_EQ(plain("Ångström"), "angstrom");
}

TEST(AliasKey, HangulIsNotTakenApartByAccentFolding) {
  // Hangul syllables decompose into jamo under NFD; the key must still hold whole syllables.
  EXPECT_EQ(plain("박은지"), "박은지");
  EXPECT_EQ(plain("박 은지"), "박은지");
  EXPECT_EQ(org("한빛반도체"), "한빛반도체");
  EXPECT_EQ(plain("우유신"), "우유신");
}

TEST(AliasKey, PlainStyleKeepsLegalWords) {
  EXPECT_EQ(plain("Alibaba Group"), "alibabagroup");
  EXPECT_EQ(plain("Acme Inc."), "acmeinc");
  EXPECT_EQ(plain("주식회사 카카오"), "주식회사카카오");
  EXPECT_EQ(plain("阿里巴巴集团"), "阿里巴巴集团");
}

TEST(AliasKey, ANameMadeOnlyOfLegalWordsKeepsThem) {
  EXPECT_EQ(org("Group"), "group");
  EXPECT_EQ(org("Group Holding"), "group");
  EXPECT_EQ(org("Inc."), "inc");
  EXPECT_EQ(org("Holding Company Limited"), "holding");
  EXPECT_EQ(org("주식회사"), "주식회사");
  EXPECT_EQ(org("(주)"), "주식회사");
  EXPECT_EQ(org("公司"), "公司");
}

TEST(AliasKey, EmptyWhenThereIsNoLetterOrDigit) {
  EXPECT_EQ(plain(""), "");
  EXPECT_EQ(plain("   "), "");
  EXPECT_EQ(plain("---"), "");
  EXPECT_EQ(org("!!! ..."), "");
  EXPECT_EQ(org("·"), "");
}

TEST(Utf8, Validity) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("abc"));
  EXPECT_TRUE(valid_utf8("카카오 阿里巴巴 Zürich 😀"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("ab\x80"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_TRUE(valid_utf8(std::string_view("a\0b", 3)));
}

TEST(DisplayWidth, WideCharactersCountTwo) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("카카오"), 6u);
  EXPECT_EQ(display_width("阿里巴巴"), 8u);
  EXPECT_EQ(display_width("ＯｐｅｎＡＩ"), 12u);
  EXPECT_EQ(display_width("Zürich"), 6u);
  EXPECT_EQ(display_width("Zu\u0308rich"), 6u);  // the combining mark takes no column
  EXPECT_EQ(display_width("Alibaba 阿里巴巴"), 16u);
  EXPECT_EQ(display_width("ソニー"), 6u);
}

TEST(NameTokens, WordsInOrderAndAsASet) {
  EXPECT_EQ(name_tokens("Zhao Shengjia", KeyStyle::plain), (std::vector<std::string>{"zhao", "shengjia"}));
  EXPECT_EQ(name_tokens("Alibaba Group Holding Ltd.", KeyStyle::organisation), (std::vector<std::string>{"alibaba"}));
  EXPECT_EQ(token_set_key("Zhao Shengjia", KeyStyle::plain), token_set_key("Shengjia Zhao", KeyStyle::plain));
  EXPECT_EQ(token_set_key("Zhao Shengjia", KeyStyle::plain), "shengjia zhao");
  EXPECT_NE(token_set_key("Zhao Shengjia", KeyStyle::plain), token_set_key("Zhao Sheng", KeyStyle::plain));
  EXPECT_EQ(token_set_key("José Núñez", KeyStyle::plain), token_set_key("Nunez, Jose", KeyStyle::plain));
  // The alias key is the tokens joined.
  EXPECT_EQ(alias_key("Shengjia Zhao", KeyStyle::plain), "shengjiazhao");
  EXPECT_TRUE(name_tokens("...", KeyStyle::plain).empty());
}

TEST(CodePoints, DecodeUtf8) {
  EXPECT_EQ(code_points("a알阿😀"), (std::u32string{U'a', U'알', U'阿', U'😀'}));
  EXPECT_EQ(code_points("a\xff"), (std::u32string{U'a', U'\uFFFD'}));
  EXPECT_TRUE(code_points("").empty());
}

}  // namespace
}  // namespace tg
