-- The enriched events' changelog into its Iceberg table, by event. An event without an id cannot be
-- keyed: it is left out (the simulator and the API always give one; hc_fct_device_event_quality
-- does not check ids).
INSERT INTO hc_lake_device_events_enriched
SELECT event_id, event_type, event_time, device_id, model_type, manufacturer, sw_version, patient_id, patient_name,
       timezone, lat, lng, battery_level, plugged
FROM hc_fct_device_events_enriched
WHERE event_id IS NOT NULL;
