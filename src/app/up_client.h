#pragma once
// `careflow sql` as a client of a running `careflow up` (docs/jobs.md): the address comes from
// --server, else from <data_dir>/api.addr that `up` writes (running_listener.h); requests carry
// api.token. Plain HTTP/1.1 over a socket, with timeouts, so that Ctrl-C ends a streamed SELECT at
// once (the connection closes and `up` cancels the query).

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/status.h"

namespace careflow::app {

struct UpAddress {
  std::string host;
  std::string port;
  std::string token;
  std::string label = "careflow up";  // what errors call the server
  std::string text() const { return host + ":" + port; }
};

// `server` ("HOST:PORT" or "http://HOST:PORT", from --server): that one, or InvalidArgument naming
// --server. Empty: the running up of the data dir when its api.addr is there and it answers
// GET /health; nullopt when there is none (then statements run in this process).
Result<std::optional<UpAddress>> find_running_up(const Config& config, const std::string& server);

struct UpAnswer {
  int status = 0;
  nlohmann::json body;
};
// One request with a JSON body (or none for GET); Unavailable when up does not answer.
Result<UpAnswer> up_request(const UpAddress& up, const std::string& method, const std::string& path,
                            const nlohmann::json* body = nullptr);

// GET `path` as Server-Sent Events, calling `on_event(event, data)` per event until it returns
// false, the server closes the stream, or `interrupted` is set (checked every 100 ms).
Status up_stream(const UpAddress& up, const std::string& path, const std::atomic<bool>& interrupted,
                 const std::function<bool(const std::string& event, const std::string& data)>& on_event);

}  // namespace careflow::app
