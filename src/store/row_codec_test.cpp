#include "store/row_codec.h"

#include <gtest/gtest.h>

namespace pillarbox::store {
namespace {

TEST(RowCodec, KeywordsRoundTripAndEmptyWordsVanish) {
  const std::vector<std::string> k{"$Forwarded", "Junk", "work"};
  EXPECT_EQ(encode_keywords(k), "$Forwarded Junk work");
  EXPECT_EQ(decode_keywords(encode_keywords(k)), k);
  EXPECT_EQ(decode_keywords("  a  b "), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(decode_keywords("").empty());
  EXPECT_EQ(encode_keywords({}), "");
}

TEST(RowCodec, NormalizedKeepsSystemFlagsAndValidKeywordsOnce) {
  Flags in;
  in.system = kSeen | kDraft | (1u << 12);
  in.keywords = {"a", "", "b c", "A", "d"};
  const Flags out = normalized(in);
  EXPECT_EQ(out.system, kSeen | kDraft);
  EXPECT_EQ(out.keywords, (std::vector<std::string>{"a", "d"}));  // "A" is "a" (no case)
}

}  // namespace
}  // namespace pillarbox::store
