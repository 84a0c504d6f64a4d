// LISTAGG, FIRST_VALUE and LAST_VALUE with retraction: the non-NULL values in arrival order; a
// retraction removes the first equal value (ListAggWithRetractAggFunction, FirstValueWithRetract).
#include <list>

#include "exec/aggregates/unary_aggregate.h"
#include "sql/functions.h"

namespace careflow::exec {
namespace {

using values::Value;

class OrderedValues : public UnaryAccumulator<OrderedValues> {
 public:
  enum class Mode { kList, kFirst, kLast };
  OrderedValues(Mode mode, std::string separator) : mode_(mode), separator_(std::move(separator)) {}

  void add(const Value& v) { values_.push_back(v); }
  void remove(const Value& v) {
    for (auto it = values_.begin(); it != values_.end(); ++it) {
      if (*it == v) {
        values_.erase(it);
        return;
      }
    }
  }
  void merge(const sql::Accumulator& other) override {
    const auto& o = static_cast<const OrderedValues&>(other);
    values_.insert(values_.end(), o.values_.begin(), o.values_.end());
  }
  Value save() const override { return Value::list(std::vector<Value>(values_.begin(), values_.end())); }
  void load(const Value& state) override {
    const std::vector<Value>& s = state.as_list();
    values_.assign(s.begin(), s.end());
  }
  Value result() const override {
    if (values_.empty()) return Value();
    if (mode_ == Mode::kFirst) return values_.front();
    if (mode_ == Mode::kLast) return values_.back();
    std::string out;
    bool first = true;
    for (const Value& v : values_) {
      if (!first) out += separator_;
      out += v.as_string();
      first = false;
    }
    return Value::string(std::move(out));
  }

 private:
  Mode mode_;
  std::string separator_;
  std::list<Value> values_;
};

}  // namespace

CF_REGISTER_FUNCTION(listagg) {
  sql::AggregateFunctionDef def;
  def.name = "LISTAGG";
  def.signature = "LISTAGG(string [, separator]) → STRING";
  def.description = "The non-NULL strings joined by separator (default ','), in arrival order.";
  def.bind = [](const std::vector<sql::ArgInfo>& args, bool) -> Result<sql::AggregateBinding> {
    if (args.empty() || args.size() > 2) return sql::arg_count_error("LISTAGG", 1, 2, args.size());
    if (!args[0].type.is_string()) return sql::arg_type_error("LISTAGG", 0, "STRING", args[0].type);
    std::string separator = ",";
    if (args.size() == 2) {
      if (!args[1].constant || args[1].constant->is_null() || !args[1].type.is_string()) {
        return Status::invalid_argument("LISTAGG's separator must be a string literal");
      }
      separator = args[1].constant->as_string();
    }
    sql::AggregateBinding b;
    b.arg_types = {values::DataType::string()};
    if (args.size() == 2) b.arg_types.push_back(values::DataType::string());
    b.result = values::DataType::string();
    b.create = [separator] { return std::make_unique<OrderedValues>(OrderedValues::Mode::kList, separator); };
    return b;
  };
  return def;
}

namespace {

Result<sql::AggregateBinding> bind_first_last(const values::DataType& t, OrderedValues::Mode mode) {
  sql::AggregateBinding b = same_type_binding(t);
  b.create = [mode] { return std::make_unique<OrderedValues>(mode, ""); };
  return b;
}

}  // namespace

CF_REGISTER_FUNCTION(first_value) {
  return unary_aggregate("FIRST_VALUE", "FIRST_VALUE(value) → same type",
                         "The first non-NULL value to arrive that is still present.", [](const char*, const values::DataType& t) {
                           return bind_first_last(t, OrderedValues::Mode::kFirst);
                         });
}

CF_REGISTER_FUNCTION(last_value) {
  return unary_aggregate("LAST_VALUE", "LAST_VALUE(value) → same type",
                         "The last non-NULL value to arrive that is still present.", [](const char*, const values::DataType& t) {
                           return bind_first_last(t, OrderedValues::Mode::kLast);
                         });
}

}  // namespace careflow::exec
