// Argument grammars of ID, ENABLE, SELECT, FETCH/STORE modifiers, SEARCH RETURN, STATUS and
// SETQUOTA (imap/command_args.h).
#include "imap/command_args.h"

#include <gtest/gtest.h>

#include <string>

namespace pillarbox::imap {
namespace {

// Runs `parse` over `text` and requires the whole text to be read; returns the parser's error
// ("" when it succeeded).
template <class F>
std::string run(std::string_view text, F parse) {
  Parser p(text);
  parse(p);
  p.end();
  return p.ok() ? "" : p.error();
}

TEST(IdParams, NilAndPairs) {
  std::optional<std::vector<IdParam>> got;
  EXPECT_EQ(run("NIL", [&](Parser& p) { got = parse_id_params(p); }), "");
  EXPECT_FALSE(got.has_value());
  EXPECT_EQ(run("(\"name\" \"Thunderbird\" \"version\" NIL)", [&](Parser& p) { got = parse_id_params(p); }), "");
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].field, "name");
  EXPECT_EQ((*got)[0].value, "Thunderbird");
  EXPECT_FALSE((*got)[1].value.has_value());
  EXPECT_EQ(run("()", [&](Parser& p) { got = parse_id_params(p); }), "");
  EXPECT_TRUE(got->empty());
}

TEST(IdParams, LimitsOfRfc2971) {
  auto error = [](const std::string& text) { return run(text, [](Parser& p) { (void)parse_id_params(p); }); };
  std::string thirty = "(";
  for (int i = 0; i < 30; ++i) thirty += (i ? " " : "") + std::string("\"f") + std::to_string(i) + "\" \"v\"";
  EXPECT_EQ(error(thirty + ")"), "");
  EXPECT_NE(error(thirty + " \"f30\" \"v\")"), "");
  EXPECT_EQ(error("(\"" + std::string(30, 'a') + "\" NIL)"), "");
  EXPECT_NE(error("(\"" + std::string(31, 'a') + "\" NIL)"), "");
  EXPECT_EQ(error("(\"a\" \"" + std::string(1024, 'v') + "\")"), "");
  EXPECT_NE(error("(\"a\" \"" + std::string(1025, 'v') + "\")"), "");
  EXPECT_NE(error("(\"Name\" \"x\" \"name\" \"y\")"), "");  // a field once, in any case
  EXPECT_NE(error("(\"name\")"), "");
  EXPECT_NE(error("(name \"x\")"), "");                     // a field is a string, not an atom
  EXPECT_NE(error("(\"a\" \"b\""), "");
}

TEST(EnableArgs, UpperCasedInOrder) {
  std::vector<std::string> names;
  EXPECT_EQ(run("condstore X-Unknown QRESYNC", [&](Parser& p) { names = parse_enable_args(p); }), "");
  EXPECT_EQ(names, (std::vector<std::string>{"CONDSTORE", "X-UNKNOWN", "QRESYNC"}));
  EXPECT_NE(run("", [&](Parser& p) { names = parse_enable_args(p); }), "");
  EXPECT_NE(run("CONDSTORE  QRESYNC", [&](Parser& p) { names = parse_enable_args(p); }), "");
  EXPECT_NE(run("(CONDSTORE)", [&](Parser& p) { names = parse_enable_args(p); }), "");
}

TEST(SelectParams, CondstoreAndQresync) {
  SelectParams got;
  EXPECT_EQ(run("", [&](Parser& p) { got = parse_select_params(p); }), "");
  EXPECT_FALSE(got.condstore);
  EXPECT_FALSE(got.qresync);
  EXPECT_EQ(run(" (condstore)", [&](Parser& p) { got = parse_select_params(p); }), "");
  EXPECT_TRUE(got.condstore);
  // RFC 7162 §3.2.5.2's example.
  EXPECT_EQ(run(" (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
                [&](Parser& p) { got = parse_select_params(p); }),
            "");
  ASSERT_TRUE(got.qresync);
  EXPECT_EQ(got.qresync->uid_validity, 67890007u);
  EXPECT_EQ(got.qresync->modseq, 20050715194045000u);
  ASSERT_TRUE(got.qresync->known_uids);
  EXPECT_EQ(got.qresync->known_uids->ranges.size(), 3u);
  EXPECT_EQ(run(" (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 "
                "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))",
                [&](Parser& p) { got = parse_select_params(p); }),
            "");
  EXPECT_EQ(run(" (QRESYNC (1 1) CONDSTORE)", [&](Parser& p) { got = parse_select_params(p); }), "");
  EXPECT_TRUE(got.condstore);
  EXPECT_EQ(got.qresync->modseq, 1u);
}

TEST(SelectParams, BadForms) {
  auto error = [](std::string_view text) { return run(text, [](Parser& p) { (void)parse_select_params(p); }); };
  EXPECT_NE(error(" ()"), "");
  EXPECT_NE(error(" (FOO)"), "");
  EXPECT_NE(error(" (QRESYNC)"), "");
  EXPECT_NE(error(" (QRESYNC (0 1))"), "");                     // uidvalidity is nz-number
  EXPECT_NE(error(" (QRESYNC (1 0))"), "");                     // mod-sequence-value is > 0
  EXPECT_NE(error(" (QRESYNC (1 9223372036854775808))"), "");   // and below 2^63
  EXPECT_NE(error(" (QRESYNC (1 2 $))"), "");
  EXPECT_NE(error(" (QRESYNC (1 2 (1 2)))"), "");               // seq-match-data needs known-uids
  EXPECT_NE(error(" (QRESYNC (1 2 1:5 (1,2 3)))"), "");         // 2 numbers against 1 UID
  EXPECT_NE(error(" (QRESYNC (1 2 1:5 (1 3))"), "");
  EXPECT_NE(error(" (CONDSTORE"), "");
  EXPECT_NE(error(" (CONDSTORE) "), "");
}

TEST(FetchModifiers, ChangedSinceAndVanished) {
  FetchModifiers got;
  EXPECT_EQ(run("", [&](Parser& p) { got = parse_fetch_modifiers(p); }), "");
  EXPECT_FALSE(got.changed_since);
  EXPECT_EQ(run(" (CHANGEDSINCE 12345 vanished)", [&](Parser& p) { got = parse_fetch_modifiers(p); }), "");
  EXPECT_EQ(got.changed_since, 12345u);
  EXPECT_TRUE(got.vanished);
  EXPECT_NE(run(" (CHANGEDSINCE 0)", [&](Parser& p) { got = parse_fetch_modifiers(p); }), "");
  EXPECT_NE(run(" (CHANGEDSINCE)", [&](Parser& p) { got = parse_fetch_modifiers(p); }), "");
  EXPECT_NE(run(" (FOO)", [&](Parser& p) { got = parse_fetch_modifiers(p); }), "");
  EXPECT_NE(run(" ()", [&](Parser& p) { got = parse_fetch_modifiers(p); }), "");
  EXPECT_NE(run(" (CHANGEDSINCE -1)", [&](Parser& p) { got = parse_fetch_modifiers(p); }), "");
}

TEST(StoreModifiers, UnchangedSince) {
  std::optional<store::ModSeq> got;
  EXPECT_EQ(run("FLAGS", [&](Parser& p) { got = parse_store_modifiers(p); (void)p.keyword(); }), "");
  EXPECT_FALSE(got);
  EXPECT_EQ(run("(UNCHANGEDSINCE 0) +FLAGS", [&](Parser& p) { got = parse_store_modifiers(p); (void)p.keyword(); }), "");
  EXPECT_EQ(got, 0u);  // mod-sequence-valzer
  EXPECT_EQ(run("(unchangedsince 320162338) FLAGS",
                [&](Parser& p) { got = parse_store_modifiers(p); (void)p.keyword(); }),
            "");
  EXPECT_EQ(got, 320162338u);
  EXPECT_NE(run("(CHANGEDSINCE 1) FLAGS", [&](Parser& p) { got = parse_store_modifiers(p); (void)p.keyword(); }), "");
  EXPECT_NE(run("(UNCHANGEDSINCE) FLAGS", [&](Parser& p) { got = parse_store_modifiers(p); (void)p.keyword(); }), "");
  EXPECT_NE(run("(UNCHANGEDSINCE 1)FLAGS", [&](Parser& p) { got = parse_store_modifiers(p); (void)p.keyword(); }), "");
}

TEST(SearchReturn, Options) {
  SearchReturn got;
  EXPECT_EQ(run("ALL", [&](Parser& p) { got = parse_search_return(p); (void)p.keyword(); }), "");
  EXPECT_FALSE(got.esearch());
  EXPECT_FALSE(got.save);
  EXPECT_EQ(run("RETURN () ALL", [&](Parser& p) { got = parse_search_return(p); (void)p.keyword(); }), "");
  EXPECT_TRUE(got.all);  // RFC 4731 §3.1
  EXPECT_EQ(run("return (min MAX count) ALL", [&](Parser& p) { got = parse_search_return(p); (void)p.keyword(); }), "");
  EXPECT_TRUE(got.min && got.max && got.count && !got.all && !got.save);
  EXPECT_EQ(run("RETURN (SAVE) ALL", [&](Parser& p) { got = parse_search_return(p); (void)p.keyword(); }), "");
  EXPECT_TRUE(got.save);
  EXPECT_FALSE(got.esearch());  // SAVE alone answers nothing (RFC 5182 §2.4)
  EXPECT_NE(run("RETURN (PARTIAL) ALL", [&](Parser& p) { got = parse_search_return(p); (void)p.keyword(); }), "");
  EXPECT_NE(run("RETURN (MIN ALL", [&](Parser& p) { got = parse_search_return(p); (void)p.keyword(); }), "");
  EXPECT_NE(run("RETURN MIN ALL", [&](Parser& p) { got = parse_search_return(p); (void)p.keyword(); }), "");
}

TEST(StatusItems, KnownItemsOnly) {
  std::vector<std::string> got;
  EXPECT_EQ(run("(messages UIDNEXT size HIGHESTMODSEQ DELETED DELETED-STORAGE APPENDLIMIT)",
                [&](Parser& p) { got = parse_status_items(p); }),
            "");
  EXPECT_EQ(got, (std::vector<std::string>{"MESSAGES", "UIDNEXT", "SIZE", "HIGHESTMODSEQ", "DELETED",
                                           "DELETED-STORAGE", "APPENDLIMIT"}));
  EXPECT_NE(run("(MESSAGES FOO)", [&](Parser& p) { got = parse_status_items(p); }), "");
  EXPECT_NE(run("()", [&](Parser& p) { got = parse_status_items(p); }), "");
  EXPECT_NE(run("MESSAGES", [&](Parser& p) { got = parse_status_items(p); }), "");
}

TEST(SetquotaArgs, RootAndLimits) {
  std::string root;
  std::vector<QuotaLimit> got;
  EXPECT_EQ(run("\"\" (storage 512 MESSAGE 10)", [&](Parser& p) { got = parse_setquota_args(p, root); }), "");
  EXPECT_EQ(root, "");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].resource, "STORAGE");
  EXPECT_EQ(got[0].limit, 512u);
  EXPECT_EQ(got[1].resource, "MESSAGE");
  EXPECT_EQ(run("User ()", [&](Parser& p) { got = parse_setquota_args(p, root); }), "");
  EXPECT_EQ(root, "User");
  EXPECT_TRUE(got.empty());
  EXPECT_NE(run("\"\" (STORAGE)", [&](Parser& p) { got = parse_setquota_args(p, root); }), "");
  EXPECT_NE(run("\"\" (STORAGE 9223372036854775808)", [&](Parser& p) { got = parse_setquota_args(p, root); }), "");
  EXPECT_NE(run("\"\" STORAGE 1", [&](Parser& p) { got = parse_setquota_args(p, root); }), "");
}

}  // namespace
}  // namespace pillarbox::imap
