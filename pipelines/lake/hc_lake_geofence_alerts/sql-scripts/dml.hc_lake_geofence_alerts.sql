-- The alerts' changelog (alerts and their retractions by event) into its Iceberg table. An event
-- without an id cannot be keyed: it is left out (the simulator and the API always give one).
INSERT INTO hc_lake_geofence_alerts
SELECT event_id, device_id, patient_id, event_time, lat, lng, distance_m, radius_m, message
FROM hc_fct_geofence_alerts
WHERE event_id IS NOT NULL;
