#pragma once
// Where a table's rows come from when a job runs: a topic of the log (no connector, 'kafka',
// 'upsert-kafka'), files ('filesystem': JSON or CSV lines) or a generator ('datagen').
// A source yields rows with every column of the table: physical ones decoded, metadata ones
// filled from the record ('timestamp', 'offset', 'partition', 'topic'), computed ones left for
// the job.

#include <memory>

#include "common/status.h"
#include "exec/connectors/format_registries.h"
#include "exec/row.h"
#include "log/topics.h"
#include "sql/catalog.h"

namespace careflow::exec {

class Source {
 public:
  virtual ~Source() = default;
  // Appends up to `max_rows` rows to `out`. Returns false once the source has ended (a bounded
  // source read to its end); true otherwise, even when nothing was available right now.
  virtual Result<bool> poll(RowBatch* out, size_t max_rows) = 0;
};

struct SourceOptions {
  // A topic reports "ended" whenever it is read to its current end (it may grow again while
  // other jobs of the run write it). 'scan.bounded.mode' = 'latest-offset' on a table instead
  // stops it for good at the end offsets seen when it opens.
  bool bounded = false;
  // The Schema Registries the Avro formats use (format_registries.h); null for none.
  FormatRegistries* registries = nullptr;
};

// NotFound-free: a missing topic is created empty (a pipeline may start before its input).
// InvalidArgument for options that make no sense (an unknown format, a file that is not there).
Result<std::unique_ptr<Source>> make_source(const sql::TableDef& table, log::Topics* topics, SourceOptions options);

// Creates the topic a table writes to when it is missing: 'DISTRIBUTED INTO n BUCKETS' partitions
// (or 'kafka.partitions'), else 1.
Status ensure_topic(const sql::TableDef& table, log::Topics* topics);

}  // namespace careflow::exec
