#pragma once
// The dashboards' routes, answered from the fact, alert and CDC topics (api/dashboard_feed.h) — the
// three history series from the lake when it has them (api/lake_history.h) — in
// the reference stack's analytics envelope {"available", "data", "message"}: `available` is false
// only while the topics a series comes from have no rows yet, and `message` then says why (the
// topic does not exist: its pipeline is not deployed; or it is empty: start the simulator, inject a
// defect).
//   GET /analytics/dashboard                 the three series below in one answer (also at top level)
//   GET /analytics/anomalies-per-device      [{device_id, count, last_time}]       hc_fct_dev_anomaly
//   GET /analytics/config-changes-over-time  [{date, count}]   <cdc prefix>.public.prescriptions
//   GET /analytics/new-devices-over-time     [{date, count}]   <cdc prefix>.public.devices
//     (each from its lake table once it has a snapshot: healthcare.hc_fct_dev_anomaly,
//     healthcare.hc_prescription_changes, healthcare.hc_device_first_seen)
//   GET /analytics/telemetry-1h-counts       the reference consumer's counts   hc_fct_telemetry_1h
// careflow's own:
//   GET /analytics/alerts?kind=&device_id=&patient_id=&limit=   latest alerts of every kind, newest first
//   GET /analytics/drift-counts              [{device_id, metric, count, above, below, last_time}]
//   GET /analytics/telemetry-1h?device_id=&patient_id=&metric=   hourly avg/min/max/count series
//   GET /analytics/compliance-1h?patient_id=&device_id=&metric=  hourly compliance % series
//   GET /analytics/topics                    each followed topic: found, rows, skipped, last error
// Live: `event: alert` / `event: fact` on GET /telemetry/stream (api/telemetry_hub.h).

#include "api/dashboard_feed.h"
#include "api/lake_history.h"
#include "http/router.h"
#include "log/topics.h"

namespace careflow::api {

// `lake` (may be null: the topics answer everything) answers the reference's three history series
// — anomalies per device, config changes and new devices over time, and the dashboard that holds
// them — once their lake table has a snapshot; each answer then says `"source": "lake"` with the
// `table`, its `snapshot_id` and `committed_at`, else `"source": "topics"` (docs/api.md).
void add_analytics_routes(http::Router& router, const DashboardFeed& feed, LakeHistory* lake = nullptr);

}  // namespace careflow::api
