#include "auth/password.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace pillarbox::auth {
namespace {

TEST(Password, HashThenVerify) {
  auto h = hash_password("correct horse battery staple");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=32768,t=3,p=1$")) << *h;
  EXPECT_TRUE(verify_password(*h, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(*h, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(*h, "Correct horse battery staple"));
  EXPECT_FALSE(verify_password(*h, ""));
  EXPECT_FALSE(needs_rehash(*h));
}

TEST(Password, SaltMakesHashesDiffer) {
  auto a = hash_password("same");
  auto b = hash_password("same");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verify_password(*a, "same"));
  EXPECT_TRUE(verify_password(*b, "same"));
}

TEST(Password, BinaryAndEmptyPasswords) {
  const std::string with_nul("a\0b", 3);
  auto h = hash_password(with_nul);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(verify_password(*h, with_nul));
  EXPECT_FALSE(verify_password(*h, "a"));
  auto e = hash_password("");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(verify_password(*e, ""));
  EXPECT_FALSE(verify_password(*e, "x"));
}

TEST(Password, MalformedHashIsFalseNotCrash) {
  const std::vector<std::string> bad = {
      "",
      "$",
      "plain",
      "{PLAIN}secret",
      "$argon2id$",
      "$argon2id$v=19$",
      "$argon2id$v=19$m=32768,t=3,p=1$",
      "$argon2id$v=19$m=32768,t=3,p=1$c2FsdA$",
      "$argon2id$v=19$m=99999999999999999999,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
      "$argon2id$v=19$m=32768,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
      "$2y$10$abcdefghijklmnopqrstuv",
      std::string("$argon2id$v=19\0$m=1", 19),
      std::string(1000, 'x'),
  };
  for (const auto& h : bad) {
    EXPECT_FALSE(verify_password(h, "secret")) << h;
    EXPECT_TRUE(needs_rehash(h)) << h;
  }
}

TEST(Password, OtherParametersNeedRehash) {
  // Same algorithm, cheaper parameters (t=2, m=8 MiB): verifies, but should be upgraded.
  auto h = hash_password("pw");
  ASSERT_TRUE(h.ok());
  std::string cheaper = *h;
  auto pos = cheaper.find("m=32768,t=3");
  ASSERT_NE(pos, std::string::npos);
  cheaper.replace(pos, 11, "m=8192,t=2");
  EXPECT_FALSE(verify_password(cheaper, "pw"));  // the digest belongs to the other parameters
  EXPECT_TRUE(needs_rehash(cheaper));
}

TEST(Password, DummyVerifyCostsAboutTheSame) {
  auto h = hash_password("pw");
  ASSERT_TRUE(h.ok());
  dummy_verify("warm-up");  // the dummy hash is made on first use
  auto time = [](auto&& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const double real = time([&] { (void)verify_password(*h, "wrong"); });
  const double dummy = time([&] { dummy_verify("wrong"); });
  // Generous bounds: the point is that dummy_verify does real Argon2 work, not a fast path.
  EXPECT_GT(dummy, real / 4) << "real " << real << " dummy " << dummy;
  EXPECT_LT(dummy, real * 4 + 0.05) << "real " << real << " dummy " << dummy;
}

TEST(Password, ConcurrentUse) {
  auto h = hash_password("pw");
  ASSERT_TRUE(h.ok());
  std::vector<std::thread> threads;
  std::vector<int> ok(12, 0);
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&, i] { ok[i] = verify_password(*h, i % 2 ? "pw" : "no") ? 1 : 0; });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 12; ++i) EXPECT_EQ(ok[i], i % 2) << i;
}

}  // namespace
}  // namespace pillarbox::auth
