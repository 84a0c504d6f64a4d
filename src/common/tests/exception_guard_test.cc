#include "common/exception_guard.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace careflow {
namespace {

TEST(ExceptionGuardTest, AStepsOwnStatusPassesThrough) {
  EXPECT_TRUE(catch_exceptions("tick", [] { return Status::ok(); }).is_ok());
  EXPECT_EQ(catch_exceptions("tick", [] { return Status::unavailable("db down"); }).message(), "db down");
}

TEST(ExceptionGuardTest, AnExceptionBecomesInternalNamingThePart) {
  Status s = catch_exceptions("the simulator's tick", []() -> Status { throw std::out_of_range("stod"); });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(), "the simulator's tick failed unexpectedly: stod");
  Status odd = catch_exceptions("x", []() -> Status { throw 42; });
  EXPECT_EQ(odd.code(), StatusCode::kInternal);
  EXPECT_NE(odd.message().find("not a std::exception"), std::string::npos);
}

}  // namespace
}  // namespace careflow
