-- One SELECT per check; 946684800000 is 2000-01-01T00:00:00Z and 4102444800000 2100-01-01T00:00:00Z
-- in epoch milliseconds (fixed bounds, so the result does not depend on when it runs).
INSERT INTO hc_fct_device_event_quality
SELECT event_id, device_id, patient_id, event_type, 'bad_timestamp', CAST(event_ts AS STRING), event_ts
FROM hc_raw_device_events
WHERE event_ts IS NULL OR event_ts < 946684800000 OR event_ts >= 4102444800000
UNION ALL
SELECT event_id, device_id, patient_id, event_type, 'bad_latitude', CAST(lat AS STRING), event_ts
FROM hc_raw_device_events
WHERE (event_type = 'GPS' AND lat IS NULL) OR lat < -90 OR lat > 90
UNION ALL
SELECT event_id, device_id, patient_id, event_type, 'bad_longitude', CAST(lng AS STRING), event_ts
FROM hc_raw_device_events
WHERE (event_type = 'GPS' AND lng IS NULL) OR lng < -180 OR lng > 180
UNION ALL
SELECT event_id, device_id, patient_id, event_type, 'bad_battery_level', CAST(battery_level AS STRING), event_ts
FROM hc_raw_device_events
WHERE (event_type = 'POWER_STATUS' AND battery_level IS NULL) OR battery_level < 0 OR battery_level > 100;
