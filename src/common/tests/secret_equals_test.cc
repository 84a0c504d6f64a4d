#include "common/secret_equals.h"

#include <gtest/gtest.h>

namespace careflow {
namespace {

TEST(SecretsEqual, ComparesWholeSecrets) {
  EXPECT_TRUE(secrets_equal("s3cret", "s3cret"));
  EXPECT_FALSE(secrets_equal("s3cre", "s3cret"));
  EXPECT_FALSE(secrets_equal("s3crett", "s3cret"));
  EXPECT_FALSE(secrets_equal("S3cret", "s3cret"));
  EXPECT_FALSE(secrets_equal("", "s3cret"));
  EXPECT_TRUE(secrets_equal("", ""));
  EXPECT_FALSE(secrets_equal(std::string_view("a\0b", 3), "a"));  // a NUL does not end the secret
}

}  // namespace
}  // namespace careflow
