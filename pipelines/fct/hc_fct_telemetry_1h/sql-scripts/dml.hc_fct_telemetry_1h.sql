-- One-hour tumbling windows on the readings' event time (hc_raw_device_metrics.event_time).
INSERT INTO hc_fct_telemetry_1h
SELECT device_id, patient_id, metric_name, window_start, window_end,
       AVG(metric_value), MIN(metric_value), MAX(metric_value), COUNT(*)
FROM TABLE(TUMBLE(TABLE hc_raw_device_metrics, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
GROUP BY device_id, patient_id, metric_name, window_start, window_end;
