#pragma once
// Where a running `careflow up` serves its log over Kafka's protocol, for the commands that run
// beside it on the same data dir (`careflow topic ...`, `careflow sql`): `up` holds the log
// directory, so they reach the same topics as Kafka clients of its listener instead (issue 20).
//
// The file <data_dir>/kafka-listener.addr holds the listener's bootstrap address ("127.0.0.1:9092");
// `up` writes it once the listener listens and removes it when it stops. A file left by a killed
// `up` is harmless: it is only read while another process holds the log directory.

#include <optional>
#include <string>

#include "common/status.h"

namespace careflow::app {

Status write_running_listener(const std::string& data_dir, const std::string& bootstrap);
void remove_running_listener(const std::string& data_dir);
// The bootstrap address, or nullopt when no `up` on this data dir wrote one.
std::optional<std::string> read_running_listener(const std::string& data_dir);

// The same for the HTTP API: <data_dir>/api.addr holds "127.0.0.1:8000", where `careflow sql`
// beside a running `up` sends its statements (its jobs then run in `up`: docs/jobs.md).
Status write_running_api(const std::string& data_dir, const std::string& host_port);
void remove_running_api(const std::string& data_dir);
std::optional<std::string> read_running_api(const std::string& data_dir);

}  // namespace careflow::app
