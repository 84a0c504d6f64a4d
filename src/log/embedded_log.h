#pragma once
// careflow's own durable topic log: the Topics implementation used when no Kafka is configured.
//
// On disk, under <dir>:
//   LOCK                                   flock()ed while open: one process per directory
//   FORMAT                                 "careflow-log 2" (absent in directories of format 1)
//   txn.journal                            committed atomic appends, and how far each partition
//                                          was flushed (log/txn_journal.h)
//   topics/<topic>/topic.json              the TopicConfig
//   topics/<topic>/<partition>/<base>.log  segment: record batches, each with a CRC32C
//   topics/<topic>/<partition>/<base>.index      sparse offset -> file position
//   topics/<topic>/<partition>/<base>.timeindex  sparse max timestamp -> offset
// Consumer-group offsets are records in the compacted internal topic "__consumer_offsets".
// Every format detail is in docs/log-format.md.

#include <memory>
#include <string>

#include "log/stored_batches.h"
#include "log/topics.h"

namespace careflow::log {

struct EmbeddedLogOptions {
  // Settings of topics created implicitly (the internal ones) and the default for CLI creates.
  TopicConfig default_topic_config;
  // How often the background thread applies retention and compaction; 0 = never (tests call
  // EmbeddedLog::run_maintenance themselves).
  int64_t maintenance_interval_ms = 30'000;
};

// Also a StoredBatchSource: the Kafka listener serves its batches without decoding them.
class EmbeddedLog : public Topics, public StoredBatchSource {
 public:
  // Opens (creating if needed) the log in `dir`. Recovers after a crash, removing only what never
  // committed: a torn batch at the tail of the last segment, above what was flushed, is
  // truncated; an atomic append that did not commit is rolled back. Damage to committed data (a
  // complete batch whose CRC fails, a cut below the flushed mark, a damaged or missing journal)
  // is Corruption naming the file and byte position, and nothing is changed (docs/log-format.md).
  // FailedPrecondition when another process has the directory open.
  static Result<std::unique_ptr<EmbeddedLog>> open(const std::string& dir, EmbeddedLogOptions options = {});

  // Applies retention and compaction now, using `now_ms` as the current time.
  virtual Status run_maintenance(int64_t now_ms) = 0;
  // fsyncs every partition now (regardless of policy).
  virtual Status flush() = 0;
};

}  // namespace careflow::log
