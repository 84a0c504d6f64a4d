-- The routing's changelog (routes and re-routes by press) into its Iceberg table. Every routed
-- press has an event id (hc_fct_button_routing routes none without); the filter makes the key
-- non-null for the NOT NULL column whatever the topic holds.
INSERT INTO hc_lake_button_routing
SELECT event_id, device_id, patient_id, event_time, route, message
FROM hc_fct_button_routing
WHERE event_id IS NOT NULL;
