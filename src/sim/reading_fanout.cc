#include "sim/reading_fanout.h"

#include <exception>

#include "common/logging.h"

namespace careflow::sim {

ReadingFanOut::ReadingFanOut(DeviceRecordEncoder& encoder, log::Topics& topics, std::string topic)
    : encoder_(encoder), topics_(topics), topic_(std::move(topic)) {}

void ReadingFanOut::add_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

Status ReadingFanOut::write(const std::vector<Reading>& readings) {
  Status written = Status::ok();
  try {
    written = write_unguarded(readings);
  } catch (const std::exception& e) {
    written = Status::internal(std::string("writing readings failed: ") + e.what());
  }
  log_outcome(written);
  return written;
}

Status ReadingFanOut::write_unguarded(const std::vector<Reading>& readings) {
  std::vector<log::Record> records;
  records.reserve(readings.size());
  for (const Reading& r : readings) {
    CF_ASSIGN_OR_RETURN(log::Record record, encoder_.reading(topic_, r));
    records.push_back(std::move(record));
  }
  CF_RETURN_IF_ERROR(topics_.append({topic_, 0}, records).status().with_context(topic_));
  std::lock_guard lock(mutex_);
  for (const Reading& r : readings) {
    for (const Listener& listener : listeners_) listener(r);
  }
  return Status::ok();
}

void ReadingFanOut::log_outcome(const Status& written) {
  const std::string error = written ? "" : written.to_string();
  std::lock_guard lock(mutex_);
  if (error == error_logged_) return;
  if (error.empty()) log_info("sim", "readings written again", {{"topic", topic_}});
  else log_error("sim", "readings not written", {{"topic", topic_}, {"error", error}});
  error_logged_ = error;
}

}  // namespace careflow::sim
