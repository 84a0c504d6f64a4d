#pragma once
// One connection's worth of CdcConnector work (private to cdc/): set-up, snapshot, streaming.
// Any error ends the session; the connector decides whether to retry.

#include <map>
#include <memory>
#include <optional>

#include "cdc/avro_events.h"
#include "cdc/cdc_connector.h"
#include "cdc/log_writer.h"
#include "cdc/offset_store.h"
#include "cdc/pgoutput.h"
#include "cdc/replication_connection.h"
#include "store/pg_connection.h"

namespace careflow::cdc {

// A session error that retrying cannot fix (the connector stops and reports it).
inline bool is_permanent(const Status& s) { return s.code() == StatusCode::kFailedPrecondition; }

class CdcSession {
 public:
  CdcSession(CdcConnector& connector) : c_(connector), options_(connector.options_) {}
  // Runs until the connector stops (Ok) or an error ends the session.
  Status run();

 private:
  Status prepare_publication();
  Result<std::optional<Lsn>> slot_confirmed_lsn();  // nullopt when the slot does not exist
  Status drop_slot();
  // Creates the slot exporting a snapshot, reads every table in it and appends the rows as "r"
  // events with the slot's consistent point as the stored offset, all in one atomic append.
  Status snapshot_into_new_slot();
  Status stream(Lsn start);
  Status handle(const WalData& data);
  Status on_relation(const RelationMessage& m);
  Status add_event(const TableEvents& table, Op op, const Tuple* before, const Tuple* after, Lsn lsn, bool tombstone);
  Status begin(const BeginMessage& m);
  Status append_chunk();  // the open transaction's records so far, with a partial offset
  Status commit(const CommitMessage& m);
  Status heartbeat(Lsn lsn);
  Status confirm(bool force);  // sends a status update (at most every confirm_interval unless forced)
  Status append(std::map<log::TopicPartition, std::vector<log::Record>>& records, const StoredOffset& offset);
  Status encode_avro(const std::string& topic, std::vector<log::Record>& records);
  Status ensure_topic(const std::string& topic);
  void update_status(const std::function<void(CdcStatus&)>& f);

  CdcConnector& c_;
  const CdcOptions& options_;
  std::unique_ptr<store::PgConnection> sql_;
  std::unique_ptr<ReplicationConnection> repl_;
  std::unique_ptr<AvroEventEncoder> avro_;  // cdc.format avro
  std::unique_ptr<LogWriter> writer_;       // every append goes through it, in order
  StoredOffset stored_;           // what the log holds once the writer has drained
  Lsn confirmed_ = 0;             // what PostgreSQL was told
  Lsn received_ = 0;              // end of the last XLogData / keepalive
  std::optional<Lsn> last_commit_lsn_;  // end LSN of the last transaction seen (source.sequence[0])
  std::map<uint32_t, std::unique_ptr<TableEvents>> relations_;
  std::map<std::string, int32_t> partitions_;  // per event topic

  struct OpenTransaction {
    BeginMessage begin;
    bool already_written = false;  // committed before stored_.lsn: the slot resends it, the log has it
    int64_t skip = 0;              // records the log already holds (a chunked append before a restart)
    int64_t produced = 0;          // records produced so far, skipped ones included
    bool chunked = false;          // some of its records went to the log before its commit
    std::map<log::TopicPartition, std::vector<log::Record>> records;  // not yet appended
    int64_t pending = 0;           // records in `records`
  };
  std::optional<OpenTransaction> tx_;
  int64_t last_heartbeat_ms_ = 0;
  int64_t last_confirm_ms_ = 0;
};

}  // namespace careflow::cdc
