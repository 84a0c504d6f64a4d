#include "values/eval_context.h"

#include "values/time_zone.h"

namespace careflow::values {

const TimeZone& EvalContext::zone() const {
  if (!zone_ || zone_id_ != time_zone) {
    zone_ = TimeZone::find_or_utc(time_zone);
    zone_id_ = time_zone;
  }
  return *zone_;
}

int64_t EvalContext::time_zone_offset_micros(int64_t utc_micros) const {
  return zone().offset_at_utc(utc_micros) * 1'000'000;
}

int64_t EvalContext::local_to_utc_micros(int64_t local_micros) const { return zone().local_to_utc(local_micros); }

}  // namespace careflow::values
