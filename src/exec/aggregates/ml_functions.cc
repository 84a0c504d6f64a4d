// Confluent Cloud's ML_DETECT_ANOMALIES and ML_FORECAST: OVER-only aggregates over one
// partition's values in time order, each row answered by the partition's ARIMA model
// (src/exec/ml/streaming_arima.h; docs/ml.md has the algorithm, parameters and limits).
//
//   ML_DETECT_ANOMALIES(value, ts [, options]) -> ROW<`timestamp`, forecast_value, lower_bound,
//     upper_bound, actual_value, is_anomaly, rmse, aic>: the forecast of this row made from the rows
//     before it; is_anomaly when the value is outside [lower_bound, upper_bound]. is_anomaly is the
//     6th field because Confluent's published queries read it as `r[6]`; fields 1-4 are those of an
//     ML_FORECAST element, rmse and aic follow (docs/ml.md).
//   ML_FORECAST(value, ts [, options]) -> ARRAY<ROW<`timestamp`, forecast_value, lower_bound,
//     upper_bound, rmse, aic>>: the next `horizon` values after this row; empty before the model.
//
// ML_DETECT_ANOMALIES' model learns a flagged value as its forecast, so that a spike does not flag
// the rows after it (ml::AnomalyHandling::kReplaceWithForecast); ML_FORECAST's learns every value.
// Before minTrainingSize usable values the forecast fields are NULL (ML_FORECAST: an empty
// array). A NULL, NaN, infinite or larger than 1e150 value is not used for training and its
// is_anomaly is NULL.
#include <cmath>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "exec/ml/ml_options.h"
#include "exec/ml/streaming_arima.h"
#include "sql/functions.h"
#include "values/eval_context.h"

namespace careflow::exec {

namespace {

using values::DataType;
using values::Value;

DataType row_type(std::vector<std::pair<std::string, DataType>> fields) {
  DataType t = DataType::of(values::TypeId::kRow);
  for (auto& [name, type] : fields) {
    t.field_names.push_back(name);
    t.children.push_back(type);
  }
  return t;
}

Value real_or_null(double v) { return std::isfinite(v) ? Value::real(v) : Value(); }

class MlAccumulator : public sql::Accumulator {
 public:
  MlAccumulator(std::shared_ptr<const ml::MlOptions> options, bool forecast)
      : options_(std::move(options)),
        forecast_(forecast),
        model_(*options_, forecast ? ml::AnomalyHandling::kLearnActual : ml::AnomalyHandling::kReplaceWithForecast) {
    if (forecast_) result_ = Value::list({});
  }

  void accumulate(const Value* args) override {
    const Value& value = args[0];
    const Value& ts = args[1];
    const bool usable = !value.is_null() && std::isfinite(value.as_double()) &&
                        std::abs(value.as_double()) <= ml::kMaxAbsValue;
    if (forecast_) {
      if (usable) model_.observe(value.as_double());
      note_time(ts);
      result_ = forecast_result(ts);
      return;
    }
    result_ = detection_result(value, ts, usable);
    if (usable) model_.observe(value.as_double());
  }

  void retract(const Value*) override {
    throw values::EvalError("ML_DETECT_ANOMALIES / ML_FORECAST cannot retract a row");  // refused by the planner
  }
  Value result() const override { return result_; }
  void merge(const sql::Accumulator&) override {
    throw values::EvalError("ML_DETECT_ANOMALIES / ML_FORECAST cannot merge");  // refused by the planner
  }
  // Checkpoints: the last result, the time spacing seen and the whole model (streaming_arima.h).
  Value save() const override {
    return Value::list({result_, Value::integer(first_ts_), Value::integer(last_ts_), Value::integer(times_seen_),
                        model_.save()});
  }
  void load(const Value& state) override {
    if (!state.is_list() || state.as_list().size() != 5 || !state.as_list()[1].is_int() ||
        !state.as_list()[2].is_int() || !state.as_list()[3].is_int()) {
      throw std::invalid_argument("an ML_DETECT_ANOMALIES / ML_FORECAST state of another shape");
    }
    const std::vector<Value>& f = state.as_list();
    result_ = f[0];
    first_ts_ = f[1].as_int();
    last_ts_ = f[2].as_int();
    times_seen_ = f[3].as_int();
    model_.load(f[4]);
  }

 private:
  Value detection_result(const Value& value, const Value& ts, bool usable) const {
    Value actual = value.is_null() ? Value() : real_or_null(value.as_double());
    if (!model_.ready()) return Value::list({ts, Value(), Value(), Value(), actual, Value(), Value(), Value()});
    const ml::ForecastPoint f = model_.forecast(1)[0];
    Value anomaly = usable ? Value::boolean(value.as_double() < f.lower || value.as_double() > f.upper) : Value();
    return Value::list({ts, real_or_null(f.value), real_or_null(f.lower), real_or_null(f.upper), actual, anomaly,
                        real_or_null(model_.rmse()), real_or_null(model_.aic())});
  }

  // The forecasts' timestamps step by the partition's mean spacing so far (Confluent's docs do
  // not say; careflow's choice, docs/ml.md).
  void note_time(const Value& ts) {
    if (ts.is_null()) return;
    if (times_seen_ == 0) first_ts_ = ts.as_int();
    last_ts_ = ts.as_int();
    ++times_seen_;
  }

  Value forecast_result(const Value& ts) const {
    std::vector<Value> rows;
    const std::vector<ml::ForecastPoint> points = model_.forecast(options_->horizon);
    const int64_t step = times_seen_ > 1 ? (last_ts_ - first_ts_) / (times_seen_ - 1) : 0;
    for (size_t k = 0; k < points.size(); ++k) {
      Value at = ts.is_null() ? Value() : Value::integer(ts.as_int() + step * static_cast<int64_t>(k + 1));
      rows.push_back(Value::list({at, real_or_null(points[k].value), real_or_null(points[k].lower),
                                  real_or_null(points[k].upper), real_or_null(model_.rmse()),
                                  real_or_null(model_.aic())}));
    }
    return Value::list(std::move(rows));
  }

  std::shared_ptr<const ml::MlOptions> options_;
  bool forecast_;
  ml::StreamingArima model_;
  Value result_;
  int64_t first_ts_ = 0, last_ts_ = 0, times_seen_ = 0;
};

sql::AggregateFunctionDef ml_function(const char* name, bool forecast, std::string description) {
  sql::AggregateFunctionDef def;
  def.name = name;
  def.signature = fmt::format("{}(value, time [, JSON_OBJECT(...) | MAP[...]]) OVER (...)", name);
  def.description = std::move(description);
  def.over_only = true;
  def.options_arg = 2;
  def.check_option = [forecast](std::string_view key, const Value& value) {
    ml::MlOptions scratch;
    return ml::apply_ml_option(scratch, key, value, forecast);
  };
  def.bind = [name, forecast](const std::vector<sql::ArgInfo>& args, bool distinct) -> Result<sql::AggregateBinding> {
    if (args.size() < 2 || args.size() > 3) return sql::arg_count_error(name, 2, 3, args.size());
    if (distinct) return Status::invalid_argument(fmt::format("{} does not take DISTINCT", name));
    if (!args[0].type.is_numeric() && args[0].type.id != values::TypeId::kNull) {
      return sql::arg_type_error(name, 1, "a number", args[0].type);
    }
    if (!args[1].type.is_timestamp()) return sql::arg_type_error(name, 2, "TIMESTAMP or TIMESTAMP_LTZ", args[1].type);
    auto options = std::make_shared<ml::MlOptions>();
    if (args.size() == 3 && args[2].constant) {
      for (const auto& [key, value] : args[2].constant->as_map()) {
        Status s = ml::apply_ml_option(*options, key.as_string(), value, forecast);
        if (!s.is_ok()) return s;
      }
    }
    Status s = ml::check_ml_options(*options);
    if (!s.is_ok()) return Status::invalid_argument(fmt::format("{}: {}", name, s.message()));
    const DataType time = args[1].type.without_time_attribute().with_nullable(true);
    const DataType real = DataType::double_type();
    sql::AggregateBinding b;
    b.arg_types = {real, time};
    if (forecast) {
      b.result = DataType::array(row_type({{"timestamp", time}, {"forecast_value", real}, {"lower_bound", real},
                                           {"upper_bound", real}, {"rmse", real}, {"aic", real}}))
                     .with_nullable(false);
    } else {
      b.result = row_type({{"timestamp", time}, {"forecast_value", real}, {"lower_bound", real}, {"upper_bound", real},
                           {"actual_value", real}, {"is_anomaly", DataType::boolean()}, {"rmse", real}, {"aic", real}})
                     .with_nullable(false);
    }
    std::shared_ptr<const ml::MlOptions> shared = options;
    b.create = [shared, forecast] { return std::make_unique<MlAccumulator>(shared, forecast); };
    return b;
  };
  return def;
}

}  // namespace

CF_REGISTER_FUNCTION(ml_detect_anomalies) {
  return ml_function("ML_DETECT_ANOMALIES", false,
                     "Confluent Cloud: is each value an anomaly against the ARIMA forecast from the rows before it "
                     "(docs/ml.md)");
}

CF_REGISTER_FUNCTION(ml_forecast) {
  return ml_function("ML_FORECAST", true,
                     "Confluent Cloud: ARIMA forecasts of the next 'horizon' values after each row (docs/ml.md)");
}

}  // namespace careflow::exec
