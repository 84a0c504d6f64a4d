#pragma once
// The reference stack's analytics routes, with its envelope {"available", "data", "message"}:
//   GET /analytics/dashboard                 the three lake series in one answer
//   GET /analytics/anomalies-per-device      [{device_id, count}]
//   GET /analytics/config-changes-over-time  [{date, count}]
//   GET /analytics/new-devices-over-time     [{date, count}]
//   GET /analytics/telemetry-1h-counts       counts of the hc_fct_telemetry_1h windows
// The reference computes the first four with DuckDB over the lakehouse's Parquet files and the last
// by consuming the gold topic. careflow has neither the lake nor that consumer yet, so each route
// answers 200 with `available: false`, empty data and a message saying what it waits for: clients
// written for the reference show that message instead of failing on a 404.

#include "http/router.h"
#include "log/topics.h"

namespace careflow::api {

inline constexpr const char* kTelemetry1hTopic = "hc_fct_telemetry_1h";

void add_analytics_routes(http::Router& router, log::Topics& topics);

}  // namespace careflow::api
