#pragma once
// The dashboards' routes, answered from the fact, alert and CDC topics (api/dashboard_feed.h), in
// the reference stack's analytics envelope {"available", "data", "message"}: `available` is false
// only while the topics a series comes from have no rows yet, and `message` then says why (the
// topic does not exist: its pipeline is not deployed; or it is empty: start the simulator, inject a
// defect).
//   GET /analytics/dashboard                 the three series below in one answer (also at top level)
//   GET /analytics/anomalies-per-device      [{device_id, count, last_time}]       hc_fct_dev_anomaly
//   GET /analytics/config-changes-over-time  [{date, count}]   <cdc prefix>.public.prescriptions
//   GET /analytics/new-devices-over-time     [{date, count}]   <cdc prefix>.public.devices
//   GET /analytics/telemetry-1h-counts       the reference consumer's counts   hc_fct_telemetry_1h
// careflow's own:
//   GET /analytics/alerts?kind=&device_id=&patient_id=&limit=   latest alerts of every kind, newest first
//   GET /analytics/drift-counts              [{device_id, metric, count, above, below, last_time}]
//   GET /analytics/telemetry-1h?device_id=&patient_id=&metric=   hourly avg/min/max/count series
//   GET /analytics/compliance-1h?patient_id=&device_id=&metric=  hourly compliance % series
//   GET /analytics/topics                    each followed topic: found, rows, skipped, last error
// Live: `event: alert` / `event: fact` on GET /telemetry/stream (api/telemetry_hub.h).

#include "api/dashboard_feed.h"
#include "http/router.h"
#include "log/topics.h"

namespace careflow::api {

void add_analytics_routes(http::Router& router, const DashboardFeed& feed);

}  // namespace careflow::api
