// The domain tables' value checks: ranges, subnormals, dates PostgreSQL would refuse or that make
// no sense (a birth date in the future).

#include "store/value_checks.h"

#include <gtest/gtest.h>

namespace careflow::store {
namespace {

constexpr int64_t k2026_12_05 = 20792;  // days since 1970-01-01

TEST(ValueChecks, NumbersInsideTheirRangeAreAccepted) {
  auto pressure = device_setting_range("pressure_setting");
  ASSERT_TRUE(pressure);
  EXPECT_EQ(check_number("pressureSetting", 12.5, *pressure), std::nullopt);
  EXPECT_EQ(check_number("pressureSetting", 0, *pressure), std::nullopt);
  EXPECT_EQ(check_number("pressureSetting", 100, *pressure), std::nullopt);
  EXPECT_FALSE(device_setting_range("model_type"));
  EXPECT_FALSE(parameter_range("Temperature"));
  EXPECT_EQ(parameter_range("BloodGlucose")->max, 1000);
}

TEST(ValueChecks, NumbersOutsideTheirRangeOrSubnormalAreRefused) {
  const NumberRange pressure = *device_setting_range("pressure_setting");
  EXPECT_EQ(check_number("pressureSetting", 1e-320, pressure),
            "pressureSetting must be between 0 and 100 (cmH2O), got 1e-320");
  EXPECT_EQ(check_number("pressureSetting", 250, pressure), "pressureSetting must be between 0 and 100 (cmH2O), got 250");
  EXPECT_EQ(check_number("pressureSetting", -1, pressure), "pressureSetting must be between 0 and 100 (cmH2O), got -1");
  EXPECT_EQ(check_number("pressureSetting", std::numeric_limits<double>::infinity(), pressure),
            "pressureSetting must be a finite number");
}

TEST(ValueChecks, EpochMillisUpToYear9999) {
  EXPECT_EQ(check_epoch_millis("startDate", 0), std::nullopt);
  EXPECT_EQ(check_epoch_millis("startDate", kMaxEpochMillis), std::nullopt);
  EXPECT_TRUE(check_epoch_millis("startDate", kMaxEpochMillis + 1));
  EXPECT_TRUE(check_epoch_millis("startDate", -1));
}

TEST(ValueChecks, DatesPostgresqlWouldRefuseAreRefusedFirst) {
  EXPECT_EQ(check_date("birthDate", "1980-05-12", DateRule::kNotFuture, k2026_12_05), std::nullopt);
  EXPECT_EQ(check_date("birthDate", "2000-02-29", DateRule::kNotFuture, k2026_12_05), std::nullopt);
  EXPECT_EQ(check_date("birthDate", "0000-01-01", DateRule::kNotFuture, k2026_12_05),
            "birthDate must be in years 0001 to 9999 (there is no year 0), got '0000-01-01'");
  EXPECT_EQ(check_date("birthDate", "1990-02-30", DateRule::kAny, k2026_12_05),
            "birthDate is not a calendar date, got '1990-02-30'");
  EXPECT_EQ(check_date("birthDate", "1900-02-29", DateRule::kAny, k2026_12_05),
            "birthDate is not a calendar date, got '1900-02-29'");
  EXPECT_EQ(check_date("birthDate", "1980-5-12", DateRule::kAny, k2026_12_05),
            "birthDate must be a date as YYYY-MM-DD, got '1980-5-12'");
  EXPECT_EQ(check_date("birthDate", "198a-05-12", DateRule::kAny, k2026_12_05),
            "birthDate must be a date as YYYY-MM-DD, got '198a-05-12'");
  EXPECT_EQ(check_date("birthDate", "+980-05-12", DateRule::kAny, k2026_12_05),
            "birthDate must be a date as YYYY-MM-DD, got '+980-05-12'");
}

TEST(ValueChecks, ABirthDateIsNotInTheFuture) {
  EXPECT_EQ(check_date("birthDate", "2026-12-05", DateRule::kNotFuture, k2026_12_05), std::nullopt);
  EXPECT_EQ(check_date("birthDate", "2026-12-06", DateRule::kNotFuture, k2026_12_05),
            "birthDate must not be in the future, got '2026-12-06'");
  EXPECT_EQ(check_date("birthDate", "9999-12-31", DateRule::kAny, k2026_12_05), std::nullopt);
  EXPECT_GT(latest_today_days(), k2026_12_05 - 1);
}

}  // namespace
}  // namespace careflow::store
