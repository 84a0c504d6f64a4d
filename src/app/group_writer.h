#pragma once
// Appends records to a topic from a second thread with group commit, for `careflow topic produce`:
// the reader hands records over with add(); the writer thread takes everything waiting each time it
// is free and appends it, one append per partition. So a line typed by hand goes out at once, while
// a pipe's lines go out in batches as large as one append's round trip lets gather (on Kafka, a
// round trip to the broker and back), and reading overlaps with the broker's acknowledgements.
// Order within a partition is the order of add().

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::app {

class GroupWriter {
 public:
  GroupWriter(log::Topics& log, std::string topic);
  ~GroupWriter();  // finishes if finish() was not called (errors are then lost: call finish())

  // Queues a record; waits while a full batch is already waiting (the reader never runs more than
  // one batch ahead of the writer). Returns the writer's error once one happened.
  Status add(int32_t partition, log::Record record);
  // Appends what is waiting, stops the thread; the first error of any append, else OK.
  Status finish();
  int64_t appended() const { return appended_; }

  // The most a waiting batch holds before add() waits: bounds memory and each append's size.
  static constexpr size_t kMaxRecords = 20000;
  static constexpr size_t kMaxBytes = 1 << 20;

 private:
  void run();

  log::Topics& log_;
  const std::string topic_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int32_t, std::vector<log::Record>> waiting_;
  size_t waiting_records_ = 0;
  size_t waiting_bytes_ = 0;
  bool closed_ = false;
  Status error_;
  int64_t appended_ = 0;  // written by the writer thread; read after finish()
  std::thread thread_;
};

}  // namespace careflow::app
