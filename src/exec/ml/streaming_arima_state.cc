// A StreamingArima written into a checkpoint and read back (streaming_arima.h): every field that
// the next observe() or forecast() reads, so a restored model continues exactly where it stood —
// doubles are kept bit for bit by the state codec. z_ is derived from the options and not written.
#include <stdexcept>
#include <string>

#include "exec/ml/streaming_arima.h"

namespace careflow::exec::ml {

namespace {

using values::Value;

Value reals(const std::vector<double>& xs) {
  std::vector<Value> out;
  out.reserve(xs.size());
  for (double x : xs) out.push_back(Value::real(x));
  return Value::list(std::move(out));
}

// Reads the list state fields one after the other, refusing a field of another kind.
class Fields {
 public:
  explicit Fields(const Value& state) {
    if (!state.is_list()) throw std::invalid_argument("an ML model state that is not a list");
    items_ = &state.as_list();
  }
  const Value& next(const char* what) {
    if (at_ >= items_->size()) throw std::invalid_argument(std::string("an ML model state without ") + what);
    return (*items_)[at_++];
  }
  int64_t integer(const char* what) {
    const Value& v = next(what);
    if (!v.is_int()) throw std::invalid_argument(std::string("an ML model state whose ") + what + " is not an integer");
    return v.as_int();
  }
  double real(const char* what) {
    const Value& v = next(what);
    if (!v.is_double()) throw std::invalid_argument(std::string("an ML model state whose ") + what + " is not a number");
    return v.as_double();
  }
  bool boolean(const char* what) {
    const Value& v = next(what);
    if (!v.is_bool()) throw std::invalid_argument(std::string("an ML model state whose ") + what + " is not a boolean");
    return v.as_bool();
  }
  std::vector<double> reals(const char* what) {
    const Value& v = next(what);
    if (!v.is_list()) throw std::invalid_argument(std::string("an ML model state whose ") + what + " is not a list");
    std::vector<double> out;
    out.reserve(v.as_list().size());
    for (const Value& x : v.as_list()) {
      if (!x.is_double()) throw std::invalid_argument(std::string("an ML model state whose ") + what + " holds a non-number");
      out.push_back(x.as_double());
    }
    return out;
  }
  bool done() const { return at_ == items_->size(); }

 private:
  const std::vector<Value>* items_;
  size_t at_ = 0;
};

}  // namespace

Value StreamingArima::save() const {
  std::vector<Value> entries;
  entries.reserve(entries_.size());
  for (Entry e : entries_) entries.push_back(Value::integer(static_cast<int64_t>(e)));
  return Value::list({
      reals(replaced_run_), reals(window_), Value::list(std::move(entries)),
      Value::integer(static_cast<int64_t>(head_)), Value::integer(since_fit_), Value::boolean(fitted_),
      // The fit, residuals aside (refit() drops them).
      Value::boolean(fit_.ok), Value::integer(fit_.order.p), Value::integer(fit_.order.d), Value::integer(fit_.order.q),
      Value::boolean(fit_.with_mean), Value::real(fit_.mean), reals(fit_.ar), reals(fit_.ma), Value::real(fit_.sigma2),
      Value::real(fit_.aic), Value::integer(fit_.residual_count), Value::boolean(fit_.stationary),
      Value::boolean(fit_.invertible),
      Value::real(shift_), Value::real(scale_), reals(tail_), reals(errors_), reals(seasonal_),
      Value::integer(period_), Value::integer(phase_), reals(squared_errors_),
      Value::integer(static_cast<int64_t>(error_head_)),
  });
}

void StreamingArima::load(const Value& state) {
  Fields f(state);
  replaced_run_ = f.reals("replaced run");
  window_ = f.reals("window");
  const Value& entries = f.next("entries");
  if (!entries.is_list() || entries.as_list().size() != window_.size()) {
    throw std::invalid_argument("an ML model state whose entries do not match its window");
  }
  entries_.clear();
  for (const Value& e : entries.as_list()) {
    if (!e.is_int() || e.as_int() < 0 || e.as_int() > static_cast<int64_t>(Entry::kReplaced)) {
      throw std::invalid_argument("an ML model state with an unknown window entry");
    }
    entries_.push_back(static_cast<Entry>(e.as_int()));
  }
  const auto cap = static_cast<size_t>(options_.max_training_size);
  if (window_.size() > cap) throw std::invalid_argument("an ML model state whose window exceeds maxTrainingSize");
  const int64_t head = f.integer("window head");
  if (head < 0 || (head > 0 && static_cast<size_t>(head) >= cap)) {
    throw std::invalid_argument("an ML model state whose window head is outside the window");
  }
  head_ = static_cast<size_t>(head);
  since_fit_ = static_cast<int>(f.integer("values since the fit"));
  fitted_ = f.boolean("fitted flag");
  fit_ = ArimaFit{};
  fit_.ok = f.boolean("fit flag");
  fit_.order.p = static_cast<int>(f.integer("p"));
  fit_.order.d = static_cast<int>(f.integer("d"));
  fit_.order.q = static_cast<int>(f.integer("q"));
  if (fit_.order.p < 0 || fit_.order.p > kMaxArOrder || fit_.order.d < 0 || fit_.order.d > kMaxDifferencing ||
      fit_.order.q < 0 || fit_.order.q > kMaxMaOrder) {
    throw std::invalid_argument("an ML model state with an order outside careflow's limits");
  }
  fit_.with_mean = f.boolean("mean flag");
  fit_.mean = f.real("mean");
  fit_.ar = f.reals("AR coefficients");
  fit_.ma = f.reals("MA coefficients");
  if (fitted_ && (fit_.ar.size() != static_cast<size_t>(fit_.order.p) || fit_.ma.size() != static_cast<size_t>(fit_.order.q))) {
    throw std::invalid_argument("an ML model state whose coefficients do not match its order");
  }
  fit_.sigma2 = f.real("sigma2");
  fit_.aic = f.real("AIC");
  fit_.residual_count = static_cast<int>(f.integer("residual count"));
  fit_.stationary = f.boolean("stationary flag");
  fit_.invertible = f.boolean("invertible flag");
  shift_ = f.real("shift");
  scale_ = f.real("scale");
  tail_ = f.reals("tail");
  errors_ = f.reals("errors");
  seasonal_ = f.reals("seasonal component");
  period_ = static_cast<int>(f.integer("period"));
  phase_ = static_cast<int>(f.integer("phase"));
  if (period_ < 0 || seasonal_.size() != static_cast<size_t>(period_) || phase_ < 0 || (period_ > 0 && phase_ >= period_)) {
    throw std::invalid_argument("an ML model state whose season does not match its period");
  }
  squared_errors_ = f.reals("squared errors");
  const int64_t error_head = f.integer("error head");
  if (error_head < 0 || (error_head > 0 && static_cast<size_t>(error_head) >= squared_errors_.size())) {
    throw std::invalid_argument("an ML model state whose error head is outside its errors");
  }
  error_head_ = static_cast<size_t>(error_head);
  if (!f.done()) throw std::invalid_argument("an ML model state with more fields than a model has");
}

}  // namespace careflow::exec::ml
