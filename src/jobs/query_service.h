#pragma once
// SELECTs sent to `careflow up` by a client (`careflow sql` beside it): a query is planned when it
// is sent (so its errors come back at once) and runs when its result stream opens, on a thread of
// its own, until its sources end (bounded), the client goes away (Ctrl-C closes the connection) or
// careflow stops. Queries are not jobs: they are not kept, listed or resumed.
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "exec/formats/schema_registry_clients.h"
#include "exec/job.h"
#include "exec/row.h"
#include "log/topics.h"

namespace careflow::jobs {

struct QueryServiceOptions {
  log::Topics* topics = nullptr;
  std::function<std::unique_ptr<exec::SchemaRegistryClients>()> make_registries;
  size_t max_queries = 32;                        // waiting and running together
  std::chrono::milliseconds unclaimed_for{60000};  // a query nobody streams is dropped after this
};

// Where a running query's output goes. `send` returns false once the client is gone.
struct QueryOutput {
  std::function<bool(const std::string& event, const std::string& data)> send;
  // When set, the changelog's rows come here as values (and `send` has only "end" and "error"):
  // a client that pages through typed rows (the Flink SQL Gateway protocol) rather than reading
  // them as text. It may block to hold the query back while its reader is behind; false stops it.
  std::function<bool(const std::vector<exec::Row>& rows, const std::vector<values::DataType>& types)> rows;
  std::function<bool()> is_open;
  std::function<void()> close;
};

class QueryService {
 public:
  explicit QueryService(QueryServiceOptions options);
  ~QueryService();  // cancels every query and waits for them

  // Keeps a planned SELECT; its id ("q-3"). Unavailable when max_queries are waiting or running.
  Result<std::string> add(std::unique_ptr<exec::Job> job, bool bounded);
  // Runs query `id` into `output` on a thread of its own: events "rows" (a JSON array of the
  // changelog rows as Flink prints them, "+I[a, 1]"), then "end" ({"rowsRead": n}) or "error"
  // ({"message": ...}); the client closes the stream then (else it is closed 5 s later). NotFound
  // for an unknown or taken id.
  Status stream(const std::string& id, QueryOutput output);

 private:
  struct Query;
  void watch();  // stops queries whose client went away; drops unclaimed ones

  QueryServiceOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool closing_ = false;
  int64_t next_id_ = 1;
  std::map<std::string, std::shared_ptr<Query>> queries_;
  std::thread watcher_;
};

}  // namespace careflow::jobs
