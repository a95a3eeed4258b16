#include "protolog/writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace pillarbox::protolog {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

const system_clock::time_point kT = sys_days(year(2026) / 12 / 2) + hours(8) + milliseconds(5);

class ProtologWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pb_protolog_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ / "protocol";
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static unsigned mode(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return st.st_mode & 0777;
  }
  void make_file(const std::string& rel, std::size_t size, int age_seconds) {
    const fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << std::string(size, 'x');
    fs::last_write_time(p, fs::file_time_type::clock::now() - seconds(age_seconds));
  }

  fs::path root_;
  fs::path dir_;
};

SessionInfo info(std::string id) {
  return SessionInfo{std::move(id), Protocol::imap, "203.0.113.7:51234", "192.0.2.1:993",
                     "TLSv1.3 TLS_AES_256_GCM_SHA384"};
}

TEST_F(ProtologWriter, HeaderThenLinesInPrivateFiles) {
  auto file = TranscriptFile::open(dir_, info("s-1"), kT);
  ASSERT_TRUE(file.ok()) << file.error().detail;
  const fs::path path = dir_ / "2026-12-02" / "s-1.log";
  EXPECT_EQ(file->path(), path);
  file->line(kT, 'S', "* OK ready\r\n");
  ASSERT_TRUE(file->flush().ok());
  EXPECT_EQ(read(path),
            "# pillarbox protocol log\n"
            "# session: s-1\n"
            "# protocol: imap\n"
            "# remote: 203.0.113.7:51234\n"
            "# local: 192.0.2.1:993\n"
            "# tls: TLSv1.3 TLS_AES_256_GCM_SHA384\n"
            "# started: 2026-12-02T08:00:00.005Z\n"
            "08:00:00.005 S: * OK ready\n");
  EXPECT_EQ(file->bytes_written(), read(path).size());
  file->line(kT + seconds(1), 'C', "a1 LOGIN alice <redacted>");
  file->set_account("alice@example.org\n");
  EXPECT_EQ(read(path).find("a1 LOGIN"), std::string::npos);  // buffered until flush
  ASSERT_TRUE(file->flush().ok());
  EXPECT_TRUE(read(path).ends_with("08:00:01.005 C: a1 LOGIN alice <redacted>\n"
                                   "# account: alice@example.org\\x0a\n"));
  EXPECT_EQ(mode(path), 0600u);
  EXPECT_EQ(mode(path.parent_path()), 0700u);
  EXPECT_EQ(mode(dir_), 0700u);
}

TEST_F(ProtologWriter, DestructorFlushesAndMoveKeepsOneOwner) {
  {
    auto file = TranscriptFile::open(dir_, SessionInfo{"s-2", Protocol::pop3, "a", "b", ""}, kT);
    ASSERT_TRUE(file.ok());
    TranscriptFile moved = std::move(*file);
    moved.line(kT, 'C', "QUIT");
  }
  const std::string text = read(dir_ / "2026-12-02" / "s-2.log");
  EXPECT_NE(text.find("# protocol: pop3\n# remote: a\n# local: b\n# tls: none\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("08:00:00.005 C: QUIT\n"));
}

TEST_F(ProtologWriter, RefusesBadSessionIdAndExistingFile) {
  EXPECT_EQ(TranscriptFile::open(dir_, info("../x"), kT).error().code, Errc::invalid);
  EXPECT_EQ(TranscriptFile::open(dir_, info(""), kT).error().code, Errc::invalid);
  EXPECT_EQ(TranscriptFile::open(dir_, info(".hidden"), kT).error().code, Errc::invalid);
  ASSERT_TRUE(TranscriptFile::open(dir_, info("s-3"), kT).ok());
  EXPECT_EQ(TranscriptFile::open(dir_, info("s-3"), kT).error().code, Errc::already_exists);
}

TEST_F(ProtologWriter, SizeCapRemovesOldestFirst) {
  make_file("2026-12-01/old.log", 100, 300);
  make_file("2026-12-01/mid.log", 100, 200);
  make_file("2026-12-02/new.log", 100, 100);
  make_file("2026-12-02/notes.txt", 1000, 400);  // not a transcript: neither counted nor removed
  auto removed = SizeCap{dir_, 150}.enforce();
  ASSERT_TRUE(removed.ok()) << removed.error().detail;
  EXPECT_EQ(removed->removed, (std::vector<fs::path>{dir_ / "2026-12-01/old.log", dir_ / "2026-12-01/mid.log"}));
  EXPECT_EQ(removed->total, 100u);
  EXPECT_FALSE(fs::exists(dir_ / "2026-12-01"));  // emptied date directory goes too
  EXPECT_TRUE(fs::exists(dir_ / "2026-12-02/new.log"));
  EXPECT_TRUE(fs::exists(dir_ / "2026-12-02/notes.txt"));
}

TEST_F(ProtologWriter, SizeCapUnderCapOrMissingDirRemovesNothing) {
  auto none = SizeCap{dir_, 10}.enforce();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->removed.empty());
  EXPECT_EQ(none->total, 0u);
  make_file("2026-12-02/a.log", 100, 10);
  make_file("2026-12-02/b.log", 100, 5);
  auto kept = SizeCap{dir_, 200}.enforce();
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->removed.empty());
  EXPECT_EQ(kept->total, 200u);
  auto all = SizeCap{dir_, 0}.enforce();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->removed.size(), 2u);
  EXPECT_EQ(all->total, 0u);
}

TEST_F(ProtologWriter, SizeCapKeepsLiveTranscripts) {
  make_file("2026-12-01/live.log", 100, 300);
  make_file("2026-12-01/done.log", 100, 200);
  SizeCap cap{dir_, 50};
  cap.keep.insert(dir_ / "2026-12-01/live.log");
  auto out = cap.enforce();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->removed, (std::vector<fs::path>{dir_ / "2026-12-01/done.log"}));
  EXPECT_TRUE(fs::exists(dir_ / "2026-12-01/live.log"));
  EXPECT_EQ(out->total, 100u);  // still over the cap: the caller stops live transcripts
}

}  // namespace
}  // namespace pillarbox::protolog
