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

// Imported hashes. The vectors below were made at development time with libxcrypt (Python's
// crypt module and crypt_gensalt) for the password kPw, except where a published source is
// named; the tests only need the hash strings.
constexpr const char* kPw = "correct horse battery staple";

struct Vector {
  const char* hash;
  Scheme scheme;
  const char* password;
};

const Vector kVectors[] = {
    {"$6$c7ElVymBNdrK.qiK$N/jYWrI9O1/clikIkEVnHRMulLD8USk..V2X/iAYb5qOuWwq/H6yLU5Qr1PxYNB9ELqW6SAnjNHybAkk/LVcU0",
     Scheme::sha512_crypt, kPw},
    {"{SHA512-CRYPT}$6$rounds=10000$YWbKZG/7ILIfeLjb$XvFgdhWOxsu.w690VCg93/NoqHuyhRtk8GTT4eH.3y0YDX/"
     "3Npgc8tVFiBACHVn0JY5mOv1B4ZndNTXH8zPbv/",
     Scheme::sha512_crypt, kPw},
    // Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512", test vector 1.
    {"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
     Scheme::sha512_crypt, "Hello world!"},
    {"{SHA256-CRYPT}$5$X.Cb9fH5eENEBo19$rv9kqDuoLTjfEtrnC2NoI1dF/qwnAUflsRsHOjFXViC", Scheme::sha256_crypt, kPw},
    {"{BLF-CRYPT}$2y$05$KqhzF2ObjsRMPZLxUsxXGu/5G6h9SaikG8d7BjPoc4mUYqcedaxYq", Scheme::bcrypt, kPw},
    {"$2b$05$eZbeF4AlCg7GdojOvNQ9a.4ZG/RrEXzUAxTtd9HVDmRlkzitcFV4i", Scheme::bcrypt, kPw},
    {"{blf-crypt}$2a$05$PTkOYYsDVRfoMCrG5qUzNOw1amDIvUbm1aKy1WABKZSGHQskLyTUC", Scheme::bcrypt, kPw},
    // Openwall crypt_blowfish's test vectors.
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", Scheme::bcrypt, "U*U"},
    {"{CRYPT}$y$j9T$IoBu1rTrGyg4/hFGNVgSC0$0FXGAhLNtDvVT6pRKLTeXDGa3J4nynbD2On9jrbPCW8", Scheme::yescrypt, kPw},
    {"{YESCRYPT}$y$j9T$WY027lrTtvCY35bLORwhw0$zOz5rtiLtzl84.OcU7GAmDmw7m83MtyT52YM2b9PVO4", Scheme::yescrypt,
     "p\xc3\xa4ssw\xc3\xb6rd \xe2\x9c\x93"},
};

TEST(Password, ImportedCryptHashesVerify) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(v.hash);
    auto parsed = check_password_hash(v.hash);
    ASSERT_TRUE(parsed.ok()) << parsed.error().text;
    EXPECT_EQ(parsed->scheme, v.scheme);
    EXPECT_FALSE(parsed->text.starts_with("{"));  // stored without the Dovecot prefix
    EXPECT_TRUE(verify_password(v.hash, v.password));
    EXPECT_TRUE(verify_password(parsed->text, v.password));
    EXPECT_FALSE(verify_password(v.hash, "wrong password"));
    EXPECT_FALSE(verify_password(v.hash, std::string(v.password) + "x"));
    EXPECT_FALSE(verify_password(v.hash, ""));
    EXPECT_FALSE(verify_password(v.hash, std::string(v.password) + std::string(1, '\0')));
    EXPECT_TRUE(needs_rehash(v.hash));
  }
}

TEST(Password, Argon2WithPrefix) {
  auto h = hash_password("pw");
  ASSERT_TRUE(h.ok());
  for (const std::string& form : {"{ARGON2ID}" + *h, "{argon2}" + *h, *h}) {
    auto parsed = check_password_hash(form);
    ASSERT_TRUE(parsed.ok()) << form << ": " << parsed.error().text;
    EXPECT_EQ(parsed->scheme, Scheme::argon2id);
    EXPECT_EQ(parsed->text, *h);
    EXPECT_TRUE(verify_password(form, "pw"));
    EXPECT_FALSE(verify_password(form, "pW"));
    EXPECT_FALSE(needs_rehash(form));
  }
  // Argon2i verifies, and is upgraded to Argon2id.
  std::string i = *h;
  i.replace(0, 10, "$argon2i$");
  auto parsed = check_password_hash("{ARGON2I}" + i);
  ASSERT_TRUE(parsed.ok()) << parsed.error().text;
  EXPECT_EQ(parsed->scheme, Scheme::argon2i);
  EXPECT_TRUE(needs_rehash(i));
  EXPECT_FALSE(check_password_hash("{ARGON2ID}" + i).ok());  // name and text disagree
}

// The message must name what was refused, and never repeat the hash.
void expect_refused(const std::string& hash, const std::string& says) {
  SCOPED_TRACE(hash);
  auto parsed = check_password_hash(hash);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, Errc::invalid);
  EXPECT_NE(parsed.error().text.find(says), std::string::npos) << parsed.error().text;
  if (hash.size() > 20) {
    EXPECT_EQ(parsed.error().text.find(hash.substr(hash.size() - 12)), std::string::npos);
  }
  EXPECT_FALSE(verify_password(hash, kPw));
  EXPECT_FALSE(verify_password(hash, "secret"));
  EXPECT_TRUE(needs_rehash(hash));
}

TEST(Password, WeakAndUnknownSchemesAreRefused) {
  expect_refused("{PLAIN}secret", "{PLAIN} is refused: the password is stored in cleartext");
  expect_refused("{plain.b64}c2VjcmV0", "{PLAIN.B64} is refused");
  expect_refused("{CLEARTEXT}secret", "{CLEARTEXT} is refused");
  expect_refused("{SSHA512}SoR/78T5q0UPFng8UCXWQxOUKhzrJZlwfNtllAupAeUT+kQv", "{SSHA512} is refused: a fast digest");
  expect_refused("{PLAIN-MD5}5ebe2294ecd0e0f08eab7690d2a6ee69", "{PLAIN-MD5} is refused");
  expect_refused("{MD5-CRYPT}$1$mlKQoZjb$FH8L2bgy5PHtaSled/F8c.", "{MD5-CRYPT} is refused");
  expect_refused("$1$mlKQoZjb$FH8L2bgy5PHtaSled/F8c.", "MD5-CRYPT ($1$) is refused");
  expect_refused("{CRYPT}$1$mlKQoZjb$FH8L2bgy5PHtaSled/F8c.", "MD5-CRYPT ($1$) is refused");
  expect_refused("{CRYPT}abhfCpXqd4GrI", "DES-CRYPT is refused");
  expect_refused("{DES-CRYPT}abhfCpXqd4GrI", "{DES-CRYPT} is refused");
  expect_refused("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "$2x$");
  expect_refused("{FANCY-HASH}abc", "unknown password scheme {FANCY-HASH}; accepted: {ARGON2ID}");
  expect_refused("{SCRAM-SHA-256}4096,c2FsdA==,a2V5", "unknown password scheme {SCRAM-SHA-256}");
  expect_refused("$7$CU..../....koSJMuVRqA5x2DnN5DKxr.$z1UTsqT8vIQU5plaojE6B/qihvBioTNFy9zFHXsEZb3",
                 "unsupported crypt method \"$7$\"");
  expect_refused("hunter2", "not a password hash");
  expect_refused("{SHA512-CRYPT}$2y$05$KqhzF2ObjsRMPZLxUsxXGu/5G6h9SaikG8d7BjPoc4mUYqcedaxYq",
                 "{SHA512-CRYPT} needs a hash starting with $6$");
  expect_refused("{BLF-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
                 "{BLF-CRYPT} needs a hash starting with $2y$");
  expect_refused("{SHA512-CRYPT", "not a password hash");
  expect_refused("{}$6$x", "not a password hash");
}

// A crypt string with a NUL byte in its salt; the array keeps the bytes after the NUL.
constexpr char kEmbeddedNul[] = "$6$saltstring\0$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCo";

TEST(Password, MalformedCryptHashesAreRefusedNotCrash) {
  const std::vector<std::string> bad = {
      "$6$",
      "$6$$",
      "$6$saltstring",
      "$6$saltstring$",
      "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl",          // digest cut short
      "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1x",
      "$6$rounds=10$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
      "$6$rounds=abc$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz",
      "$6$saltstringsaltstringsalt$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35",
      "$6$salt string$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
      "$5$X.Cb9fH5eENEBo19$rv9kqDuoLTjfEtrnC2NoI1dF/qwnAUflsRsHOjFXVi!",
      "$2y$",
      "$2y$05$",
      "$2y$03$KqhzF2ObjsRMPZLxUsxXGu/5G6h9SaikG8d7BjPoc4mUYqcedaxYq",  // cost below 4
      "$2y$32$KqhzF2ObjsRMPZLxUsxXGu/5G6h9SaikG8d7BjPoc4mUYqcedaxYq",  // cost above 31
      "$2y$5$KqhzF2ObjsRMPZLxUsxXGu/5G6h9SaikG8d7BjPoc4mUYqcedaxYq",
      "$2y$05$KqhzF2ObjsRMPZLxUsxXGu/5G6h9SaikG8d7BjPoc4mUYqced",
      "$2y$05$KqhzF2ObjsRMPZLxUsxXGu",
      "$y$",
      "$y$j9T$",
      "$y$j9T$IoBu1rTrGyg4/hFGNVgSC0$",
      "$y$j9T$IoBu1rTrGyg4/hFGNVgSC0$0FXGAhLNtDvVT6pRKLTeXDGa3J4nynbD2On9jrbPCW",
      "$y$!!!$IoBu1rTrGyg4/hFGNVgSC0$0FXGAhLNtDvVT6pRKLTeXDGa3J4nynbD2On9jrbPCW8",
      "$y$$IoBu1rTrGyg4/hFGNVgSC0$0FXGAhLNtDvVT6pRKLTeXDGa3J4nynbD2On9jrbPCW8",
      "{ARGON2ID}$argon2id$v=19$m=32768,t=3,p=1$",
      "{ARGON2ID}$argon2id$v=19$m=32768,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",  // digest too short
      std::string(kEmbeddedNul, sizeof kEmbeddedNul - 1),  // a NUL inside the salt
      "$6$" + std::string(5000, 'a'),
      "$y$" + std::string(5000, '$'),
  };
  for (const auto& h : bad) {
    SCOPED_TRACE(h.substr(0, 120));
    EXPECT_FALSE(check_password_hash(h).ok());
    EXPECT_FALSE(verify_password(h, kPw));
    EXPECT_FALSE(verify_password(h, ""));
    EXPECT_TRUE(needs_rehash(h));
  }
}

TEST(Password, OverlongPasswordAgainstCryptIsFalse) {
  // libxcrypt refuses phrases above CRYPT_MAX_PASSPHRASE_SIZE (512) instead of hashing them.
  EXPECT_FALSE(verify_password(kVectors[0].hash, std::string(100000, 'a')));
  EXPECT_FALSE(verify_password(kVectors[8].hash, std::string(100000, 'a')));
}

TEST(Password, ConcurrentCryptUse) {
  std::vector<std::thread> threads;
  std::vector<int> ok(12, 0);
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&, i] {
      const Vector& v = kVectors[static_cast<std::size_t>(i) % std::size(kVectors)];
      ok[static_cast<std::size_t>(i)] = verify_password(v.hash, i % 2 ? v.password : "no") ? 1 : 0;
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 12; ++i) EXPECT_EQ(ok[static_cast<std::size_t>(i)], i % 2) << i;
}

}  // namespace
}  // namespace pillarbox::auth
