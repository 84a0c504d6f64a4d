// The lake's storage interface on the local file system (the S3 implementation is exercised
// against a real S3 server, moto, in tests/interop/lake/run): exclusive publication, listing,
// removal; and the S3 client's bounded failure against an endpoint where nothing listens, with an
// error naming the object.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "lake/s3_client.h"
#include "lake/storage.h"

namespace careflow::lake {
namespace {

namespace fs = std::filesystem;

class LocalStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / fmt::format("careflow-storage-{}-{}", ::getpid(),
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(LocalStorageTest, WriteIfAbsentLetsExactlyOneWriterWin) {
  const Storage& s = storage_for(dir_);
  ASSERT_TRUE(s.make_dirs(dir_ + "/metadata").is_ok());
  const std::string path = dir_ + "/metadata/v2.metadata.json";
  ASSERT_TRUE(s.write_if_absent(path, "first").is_ok());
  const Status second = s.write_if_absent(path, "second");
  EXPECT_EQ(second.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.message().find("v2.metadata.json"), std::string::npos) << second.message();
  auto bytes = s.read(path);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, "first");
  // No temporary file is left beside it.
  auto files = s.list_files(dir_);
  ASSERT_TRUE(files.is_ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].uri, path);
  EXPECT_EQ((*files)[0].size, 5);
}

TEST_F(LocalStorageTest, ListsRemovesAndReportsMissingFiles) {
  const Storage& s = storage_for("file://" + dir_);
  ASSERT_TRUE(s.make_dirs(dir_ + "/a/data/day=1").is_ok());
  ASSERT_TRUE(s.make_dirs(dir_ + "/b").is_ok());
  ASSERT_TRUE(s.write(dir_ + "/a/data/day=1/x.parquet", "xyz").is_ok());
  ASSERT_TRUE(s.replace(dir_ + "/a/hint", "1").is_ok());
  ASSERT_TRUE(s.replace(dir_ + "/a/hint", "2").is_ok());
  EXPECT_EQ(*s.read(dir_ + "/a/hint"), "2");
  auto dirs = s.list_dirs(dir_);
  ASSERT_TRUE(dirs.is_ok());
  std::sort(dirs->begin(), dirs->end());
  EXPECT_EQ(*dirs, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(*s.is_dir(dir_ + "/a/data"));
  EXPECT_FALSE(*s.is_dir(dir_ + "/c"));
  EXPECT_TRUE(*s.exists(dir_ + "/a/data/day=1/x.parquet"));
  EXPECT_EQ(*s.size(dir_ + "/a/data/day=1/x.parquet"), 3);
  auto files = s.list_files(dir_ + "/a");
  ASSERT_TRUE(files.is_ok());
  EXPECT_EQ(files->size(), 2u);
  for (const StoredFile& f : *files) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    EXPECT_LE(std::abs(now - f.modified_ms), 60'000) << f.uri;  // the file clock converted to Unix time
  }
  auto missing = s.read(dir_ + "/nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  EXPECT_TRUE(s.remove(dir_ + "/nope").is_ok());
  ASSERT_TRUE(s.remove_all(dir_ + "/a").is_ok());
  EXPECT_FALSE(*s.exists(dir_ + "/a/hint"));
}

TEST(StorageLocation, NormalizesBothKinds) {
  EXPECT_EQ(normalize_location("s3://bucket/wh/db/t/"), "s3://bucket/wh/db/t");
  EXPECT_EQ(normalize_location("file:///tmp/x/../y"), "/tmp/y");
  EXPECT_EQ(join_path("s3://b/wh", "db"), "s3://b/wh/db");
  EXPECT_EQ(join_path("s3://b/wh/", "db"), "s3://b/wh/db");
  EXPECT_TRUE(is_object_store_uri("s3a://b/k"));
  EXPECT_FALSE(is_object_store_uri("/tmp/s3://x"));
  auto split = s3::split_s3_uri("s3://bucket/a/b.parquet");
  ASSERT_TRUE(split.is_ok());
  EXPECT_EQ(split->first, "bucket");
  EXPECT_EQ(split->second, "a/b.parquet");
  EXPECT_EQ(s3::split_s3_uri("s3:///key").status().code(), StatusCode::kInvalidArgument);
}

TEST(S3Client, GivesUpAfterItsAttemptsNamingTheObject) {
  s3::S3Config c;
  c.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1: connection refused at once
  c.credentials = {"AKID", "secret", ""};
  c.max_attempts = 2;
  c.connect_timeout_ms = 2'000;
  s3::S3Client client(c);
  auto got = client.get("bucket", "wh/db/t/metadata/v1.metadata.json");
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("s3://bucket/wh/db/t/metadata/v1.metadata.json"), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find("after 2 attempts"), std::string::npos) << got.status().message();
}

TEST(S3Config, FromEnvironmentAsAwsNamesIt) {
  ::setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9999/", 1);
  ::setenv("AWS_REGION", "eu-west-1", 1);
  ::setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SECRET", 1);
  ::unsetenv("CAREFLOW_S3_PATH_STYLE");
  auto c = s3::S3Config::from_env();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:9999");
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_TRUE(c->path_style);
  ::setenv("CAREFLOW_S3_PATH_STYLE", "sometimes", 1);
  EXPECT_EQ(s3::S3Config::from_env().status().code(), StatusCode::kInvalidArgument);
  ::unsetenv("CAREFLOW_S3_PATH_STYLE");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(s3::S3Config::from_env().status().code(), StatusCode::kInvalidArgument);
  ::setenv("AWS_ENDPOINT_URL", "ftp://x", 1);
  EXPECT_EQ(s3::S3Config::from_env().status().code(), StatusCode::kInvalidArgument);
  for (const char* v : {"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID"}) ::unsetenv(v);
}

}  // namespace
}  // namespace careflow::lake
