#pragma once
// What evaluating a value may look at besides the value itself (the clock and the session's time
// zone), and the error raised for a value that cannot be computed.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace careflow::values {

class TimeZone;

// What a running function or cast may look at besides its arguments.
struct EvalContext {
  int64_t now_micros = 0;            // CURRENT_TIMESTAMP etc.: wall clock when the row is processed
  std::string time_zone = "UTC";     // table.local-time-zone: a fixed offset or a region id
  // CURRENT_WATERMARK: the watermark (epoch ms) of the operator evaluating, INT64_MIN for none yet.
  int64_t watermark_millis = INT64_MIN;
  // Offset of time_zone at a UTC instant, in µs (unknown ids are UTC, as in Java).
  int64_t time_zone_offset_micros(int64_t utc_micros) const;
  // The UTC instant of a local date-time in time_zone (gaps move forward, overlaps take the
  // earlier offset, as java.time does).
  int64_t local_to_utc_micros(int64_t local_micros) const;
  const TimeZone& zone() const;

 private:
  mutable std::shared_ptr<const TimeZone> zone_;  // resolved once per context
  mutable std::string zone_id_;
};

// A run-time failure of a function on a particular value (a CAST that cannot parse, a JSON path
// that is malformed with ERROR ON ERROR, a division of a DECIMAL by zero). The job fails with the
// message, as a Flink job does. Thrown inside the engine only; never crosses a module boundary.
struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace careflow::values
