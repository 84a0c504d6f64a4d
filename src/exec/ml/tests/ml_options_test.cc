// The ML functions' parameters: names, kinds, ranges and the checks between them.
#include <gtest/gtest.h>

#include "exec/ml/ml_options.h"

namespace careflow::exec::ml {
namespace {

using values::Value;

TEST(MlOptions, AppliesKnownParameters) {
  MlOptions o;
  ASSERT_TRUE(apply_ml_option(o, "minTrainingSize", Value::integer(16), false).is_ok());
  ASSERT_TRUE(apply_ml_option(o, "confidencePercentage", Value::real(95.5), false).is_ok());
  ASSERT_TRUE(apply_ml_option(o, "enableStl", Value::boolean(true), false).is_ok());
  ASSERT_TRUE(apply_ml_option(o, "p", Value::string("2"), false).is_ok());
  ASSERT_TRUE(apply_ml_option(o, "horizon", Value::integer(4), true).is_ok());
  // The seasonal period as a query written for Confluent Cloud passes it: 'm' VALUE 12.
  ASSERT_TRUE(apply_ml_option(o, "m", Value::integer(12), true).is_ok());
  EXPECT_EQ(o.seasonality_period, 12);
  EXPECT_EQ(o.min_training_size, 16);
  EXPECT_EQ(o.confidence_percentage, 95.5);
  EXPECT_TRUE(o.enable_stl);
  EXPECT_EQ(o.p, 2);
  EXPECT_FALSE(o.q.has_value());
  EXPECT_EQ(o.horizon, 4);
}

TEST(MlOptions, RefusesUnknownWrongKindAndOutOfRange) {
  MlOptions o;
  Status s = apply_ml_option(o, "minTrainingSise", Value::integer(1), false);
  EXPECT_NE(s.message().find("unknown parameter 'minTrainingSise'"), std::string::npos) << s.message();
  s = apply_ml_option(o, "mintrainingsize", Value::integer(1), false);
  EXPECT_NE(s.message().find("did you mean 'minTrainingSize'?"), std::string::npos) << s.message();
  s = apply_ml_option(o, "confidencePercentage", Value::integer(100), false);
  EXPECT_NE(s.message().find("'confidencePercentage'"), std::string::npos);
  s = apply_ml_option(o, "p", Value::integer(11), false);
  EXPECT_NE(s.message().find("parameter 'p' must be between 0 and 10, got 11"), std::string::npos) << s.message();
  s = apply_ml_option(o, "maxTrainingSize", Value::real(2.5), false);
  EXPECT_NE(s.message().find("'maxTrainingSize' must be an integer"), std::string::npos);
  s = apply_ml_option(o, "enableStl", Value::integer(1), false);
  EXPECT_FALSE(s.is_ok());
  s = apply_ml_option(o, "horizon", Value::integer(2), false);
  EXPECT_NE(s.message().find("'horizon' must be 1 for ML_DETECT_ANOMALIES"), std::string::npos);
  s = apply_ml_option(o, "m", Value::integer(1), true);
  EXPECT_NE(s.message().find("parameter 'm' must be between 2 and 5000, got 1"), std::string::npos) << s.message();
  // careflow's earlier name for 'm' is refused with the right name: Confluent Cloud would refuse it.
  s = apply_ml_option(o, "seasonalityPeriod", Value::integer(12), true);
  EXPECT_NE(s.message().find("the seasonal period is 'm'"), std::string::npos) << s.message();
  // Confluent's anomaly-detection tutorial passes horizon 1 to ML_DETECT_ANOMALIES.
  EXPECT_TRUE(apply_ml_option(o, "horizon", Value::integer(1), false).is_ok());
}

TEST(MlOptions, ChecksBetweenParameters) {
  MlOptions o;
  o.min_training_size = 600;
  EXPECT_NE(check_ml_options(o).message().find("minTrainingSize (600) must not exceed maxTrainingSize (512)"),
            std::string::npos);
  o = MlOptions{};
  o.min_training_size = 4;
  o.p = 3;
  o.q = 2;
  EXPECT_FALSE(check_ml_options(o).is_ok());
  o = MlOptions{};
  o.seasonality_period = 12;
  EXPECT_NE(check_ml_options(o).message().find("parameter 'm' (the seasonal period) needs 'enableStl'"),
            std::string::npos);
  EXPECT_TRUE(check_ml_options(MlOptions{}).is_ok());
}

}  // namespace
}  // namespace careflow::exec::ml
