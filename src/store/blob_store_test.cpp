#include "store/blob_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace pillarbox::store {
namespace {

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pb-blob-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto b = BlobStore::open(dir_ + "/messages");
    ASSERT_TRUE(b.ok());
    blobs_ = std::move(*b);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  std::unique_ptr<BlobStore> blobs_;
};

TEST_F(BlobStoreTest, PutGetRemoveExactBytes) {
  const std::string bytes("a\nb\r\n\0\xff end", 12);
  auto id = blobs_->put(bytes);
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(BlobStore::valid_id(*id));
  EXPECT_EQ(blobs_->path_of(*id), dir_ + "/messages/" + id->substr(0, 2) + "/" + *id);
  auto got = blobs_->get(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(**got, bytes);
  struct stat st{};
  ASSERT_EQ(::stat(blobs_->path_of(*id).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(blobs_->remove(*id).ok());
  EXPECT_TRUE(blobs_->remove(*id).ok());  // again: not an error
  auto gone = blobs_->get(*id);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, Errc::not_found);
}

TEST_F(BlobStoreTest, IdsAreUniqueAndEmptyBlobsWork) {
  std::set<BlobId> ids;
  for (int i = 0; i < 200; ++i) {
    auto id = blobs_->write("");
    ASSERT_TRUE(id.ok());
    ids.insert(*id);
  }
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_TRUE(blobs_->sync_directories({ids.begin(), ids.end()}).ok());
  EXPECT_EQ(**blobs_->get(*ids.begin()), "");
}

TEST_F(BlobStoreTest, RejectsMalformedIds) {
  EXPECT_FALSE(BlobStore::valid_id("../../etc/passwd"));
  EXPECT_FALSE(BlobStore::valid_id("ABCDEF0123456789abcdef0123456789"));
  EXPECT_TRUE(BlobStore::valid_id("abcdef0123456789abcdef0123456789"));
  EXPECT_FALSE(blobs_->get("../x").ok());
  EXPECT_FALSE(blobs_->remove("../x").ok());
}

TEST_F(BlobStoreTest, RemoveOrphansKeepsReferencedAndYoungFiles) {
  auto keep = *blobs_->put("keep");
  auto orphan = *blobs_->put("orphan");
  auto young = *blobs_->put("young orphan");
  const std::string tmp = blobs_->root() + "/" + keep.substr(0, 2) + "/.tmp-0123456789abcdef";
  std::ofstream(tmp) << "partial";
  const std::string foreign = blobs_->root() + "/README";
  std::ofstream(foreign) << "not ours";
  struct utimbuf old{1000, 1000};
  for (const auto& p : {blobs_->path_of(keep), blobs_->path_of(orphan), tmp})
    ASSERT_EQ(::utime(p.c_str(), &old), 0);
  auto n = blobs_->remove_orphans(
      std::chrono::seconds(600), [&](const BlobId& id) { return id == keep; },
      [] { return false; });
  EXPECT_EQ(n, 2u);
  EXPECT_TRUE(blobs_->get(keep).ok());
  EXPECT_FALSE(blobs_->get(orphan).ok());
  EXPECT_TRUE(blobs_->get(young).ok());
  EXPECT_FALSE(std::filesystem::exists(tmp));
  EXPECT_TRUE(std::filesystem::exists(foreign));
}

TEST_F(BlobStoreTest, OpenFailsOnAFile) {
  std::ofstream(dir_ + "/file") << "x";
  auto b = BlobStore::open(dir_ + "/file");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().detail.find(dir_ + "/file"), std::string::npos);
}

}  // namespace
}  // namespace pillarbox::store
