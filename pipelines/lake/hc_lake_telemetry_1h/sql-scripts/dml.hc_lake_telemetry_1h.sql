-- Every row of the topic, as it is: hc_fct_telemetry_1h is append-only.
INSERT INTO hc_lake_telemetry_1h
SELECT device_id, patient_id, metric_name, window_start, window_end, avg_value, min_value, max_value, reading_count
FROM hc_fct_telemetry_1h;
