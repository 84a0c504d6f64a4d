-- Every row of the topic, as it is: hc_fct_drift_events is append-only.
INSERT INTO hc_lake_drift_events
SELECT device_id, patient_id, metric, reading_time, metric_value, prescription_id, target, tolerance, deviation, direction, message
FROM hc_fct_drift_events;
