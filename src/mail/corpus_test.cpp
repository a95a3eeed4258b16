// Parses every message of the shared real-mail corpus and checks that nothing crashes, that
// ENVELOPE and BODYSTRUCTURE are well-formed IMAP, and that every part's BODY[n] is the part's
// bytes inside the message.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mail/imap_syntax_test_util.h"
#include "mail/message.h"
#include "mail/part.h"

namespace pillarbox::mail {
namespace {

using testing::ImapSyntax;

struct Leaf {
  std::vector<std::uint32_t> path;
  std::string_view body;
};

void walk_part(const Part& p, std::vector<std::uint32_t>& path, std::vector<Leaf>& out);

/// The numbered parts of a message-level entity (RFC 3501 §6.4.5).
void walk_message(const Part& msg, std::vector<std::uint32_t>& path, std::vector<Leaf>& out) {
  if (msg.kind == Part::Kind::multipart) {
    for (std::uint32_t k = 0; k < msg.children.size(); ++k) {
      path.push_back(k + 1);
      walk_part(msg.children[k], path, out);
      path.pop_back();
    }
  } else {
    path.push_back(1);
    walk_part(msg, path, out);
    path.pop_back();
  }
}

void walk_part(const Part& p, std::vector<std::uint32_t>& path, std::vector<Leaf>& out) {
  if (p.kind == Part::Kind::multipart) {
    for (std::uint32_t k = 0; k < p.children.size(); ++k) {
      path.push_back(k + 1);
      walk_part(p.children[k], path, out);
      path.pop_back();
    }
    return;
  }
  out.push_back({path, p.body});
  if (p.kind == Part::Kind::message) walk_message(*p.message, path, out);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Corpus, EveryRealMessageParses) {
  const std::filesystem::path dir = std::filesystem::path(PB_SHARED_DIR) / "corpus" / "real";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "no corpus at " << dir << " (../shared beside the project)";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".eml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 1000u);
  const auto start = std::chrono::steady_clock::now();
  std::size_t parts = 0;
  std::size_t with_date = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    const std::string raw = read_file(file);
    auto bytes = std::make_shared<const std::string>(to_crlf(raw));
    const Message m(bytes);
    std::string error;
    ASSERT_TRUE(ImapSyntax::valid(m.envelope(), &error)) << error << "\n" << m.envelope();
    ASSERT_TRUE(ImapSyntax::valid(m.body_structure(true), &error)) << error;
    ASSERT_TRUE(ImapSyntax::valid(m.body_structure(false), &error)) << error;
    ASSERT_TRUE(m.section(Section{}).has_value());

    const std::unique_ptr<Part> root = parse_message(*bytes);  // the same tree, to walk
    std::vector<Leaf> leaves;
    std::vector<std::uint32_t> path;
    walk_message(*root, path, leaves);
    ASSERT_FALSE(leaves.empty());
    for (const Leaf& leaf : leaves) {
      Section s;
      s.part = leaf.path;
      const std::optional<std::string> body = m.section(s);
      ASSERT_TRUE(body.has_value());
      ASSERT_EQ(*body, leaf.body);
      ASSERT_GE(leaf.body.data(), bytes->data());
      ASSERT_LE(leaf.body.data() + leaf.body.size(), bytes->data() + bytes->size());
      if (bytes->size() < 100'000) {
        ASSERT_NE(bytes->find(*body), std::string::npos);
      }
      s.text = Section::Text::mime;
      ASSERT_TRUE(m.section(s).has_value());
      ++parts;
    }
    // Header-only searches parse just the header block: it must give the same header.
    const Message head(std::make_shared<const std::string>(to_crlf(header_of(raw))));
    Section header_section;
    header_section.text = Section::Text::header;
    ASSERT_EQ(head.section(header_section), m.section(header_section));
    ASSERT_EQ(head.envelope(), m.envelope());
    ASSERT_EQ(head.sent_date_days(), m.sent_date_days());
    Section fields;
    fields.text = Section::Text::header_fields;
    fields.fields = {"From", "Subject", "Content-Type", "Received"};
    ASSERT_EQ(head.section(fields), m.section(fields));
    fields.text = Section::Text::header_fields_not;
    ASSERT_EQ(head.section(fields), m.section(fields));
    // Search must run over everything without trouble.
    EXPECT_FALSE(m.text_contains("\xe2\x80\xbd-no-such-text-\xe2\x80\xbd"));
    if (m.sent_date_days()) ++with_date;
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << files.size() << " messages, " << parts << " parts, " << with_date
            << " with a parsable Date, in " << seconds << " s\n";
}

}  // namespace
}  // namespace pillarbox::mail
