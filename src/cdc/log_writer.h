#pragma once
// The capture session's appends, done on a thread of their own (private to cdc/), so that writing
// one chunk of a large transaction to the log overlaps decoding and building the next: the log's
// buffered write is most of the bulk path's time (bench/results/cdc.md).
//
// Appends happen one at a time in the order submitted, each still one atomic append of events and
// their offset record, so the exactly-once contract is unchanged. After a failed append nothing
// more is written and every later call returns that error. At most `max_queued` appends wait, so
// memory stays bounded. Called from one thread (the session's).

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "log/topics.h"

namespace careflow::cdc {

class LogWriter {
 public:
  explicit LogWriter(log::Topics& topics, size_t max_queued = 2);
  ~LogWriter();  // writes what is queued, then ends the thread
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues one atomic append; waits while `max_queued` are waiting. The error of an earlier
  // append if one failed (this one is then dropped).
  Status submit(std::vector<log::PartitionBatch> batches);
  // Waits until every submitted append is in the log: Ok, or the first failure.
  Status drain();

 private:
  void run();

  log::Topics& topics_;
  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<log::PartitionBatch>> queue_;
  bool busy_ = false;  // the thread is appending the front of the queue
  bool stopping_ = false;
  Status failed_;
  std::thread thread_;
};

}  // namespace careflow::cdc
