// Where the S3 client finds its credentials: the environment's key pair first, then the shared
// credentials file's profile (AWS_PROFILE, else "default"), as AWS's SDKs look; errors name the
// variable, file and profile.
#include "lake/aws_credentials.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace careflow::lake::s3 {
namespace {

namespace fs = std::filesystem;

class AwsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() / fmt::format("careflow-aws-{}-{}", ::getpid(),
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_ / ".aws");
    vars_["HOME"] = home_.string();
  }
  void TearDown() override { fs::remove_all(home_); }

  void write_credentials(const std::string& text) { std::ofstream(home_ / ".aws" / "credentials") << text; }
  Result<Credentials> find() const {
    return find_credentials([this](const char* name) {
      auto it = vars_.find(name);
      return it == vars_.end() ? std::string() : it->second;
    });
  }

  fs::path home_;
  std::map<std::string, std::string> vars_;
};

constexpr const char* kCredentials =
    "# careflow's test profiles\n"
    "[default]\n"
    "aws_access_key_id = AKIDDEFAULT\n"
    "aws_secret_access_key=secret-default\n"
    "\n"
    "[ci]\n"
    "  aws_access_key_id = AKIDCI  \n"
    "aws_secret_access_key = secret-ci\n"
    "aws_session_token = token-ci\n"
    "[half]\n"
    "aws_access_key_id = AKIDHALF\n";

TEST_F(AwsCredentialsTest, TheEnvironmentComesBeforeTheFile) {
  write_credentials(kCredentials);
  vars_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  vars_["AWS_SECRET_ACCESS_KEY"] = "secret-env";
  vars_["AWS_SESSION_TOKEN"] = "token-env";
  vars_["AWS_PROFILE"] = "ci";
  auto c = find();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->secret_access_key, "secret-env");
  EXPECT_EQ(c->session_token, "token-env");
}

TEST_F(AwsCredentialsTest, TheDefaultProfileWhenNoneIsNamed) {
  write_credentials(kCredentials);
  auto c = find();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(c->secret_access_key, "secret-default");
  EXPECT_EQ(c->session_token, "");
}

TEST_F(AwsCredentialsTest, TheProfileAwsProfileNames) {
  write_credentials(kCredentials);
  vars_["AWS_PROFILE"] = "ci";
  auto c = find();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "AKIDCI");
  EXPECT_EQ(c->secret_access_key, "secret-ci");
  EXPECT_EQ(c->session_token, "token-ci");
}

TEST_F(AwsCredentialsTest, AwsSharedCredentialsFileMovesTheFile) {
  const fs::path elsewhere = home_ / "elsewhere.ini";
  std::ofstream(elsewhere) << "[default]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = s\n";
  write_credentials(kCredentials);
  vars_["AWS_SHARED_CREDENTIALS_FILE"] = elsewhere.string();
  auto c = find();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "AKIDMOVED");
  vars_["AWS_SHARED_CREDENTIALS_FILE"] = (home_ / "missing.ini").string();
  auto missing = find();
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("missing.ini"), std::string::npos) << missing.status().message();
}

TEST_F(AwsCredentialsTest, NoFileAndNoProfileIsAnonymous) {
  auto c = find();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_TRUE(c->access_key_id.empty());
  EXPECT_TRUE(c->secret_access_key.empty());
  write_credentials("[other]\naws_access_key_id = A\naws_secret_access_key = B\n");
  c = find();
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_TRUE(c->access_key_id.empty());
}

TEST_F(AwsCredentialsTest, ErrorsNameWhatIsWrong) {
  vars_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  auto half_env = find();
  ASSERT_FALSE(half_env.is_ok());
  EXPECT_EQ(half_env.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(half_env.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  vars_.erase("AWS_ACCESS_KEY_ID");

  write_credentials(kCredentials);
  vars_["AWS_PROFILE"] = "nope";
  auto unknown = find();
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("'nope'"), std::string::npos) << unknown.status().message();
  EXPECT_NE(unknown.status().message().find(".aws/credentials"), std::string::npos) << unknown.status().message();

  vars_["AWS_PROFILE"] = "half";
  auto half = find();
  ASSERT_FALSE(half.is_ok());
  EXPECT_NE(half.status().message().find("'half'"), std::string::npos) << half.status().message();
  EXPECT_NE(half.status().message().find("aws_secret_access_key"), std::string::npos) << half.status().message();
}

}  // namespace
}  // namespace careflow::lake::s3
