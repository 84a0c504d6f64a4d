-- Every row of the topic, as it is: hc_fct_dev_anomaly is append-only.
INSERT INTO hc_lake_dev_anomaly
SELECT device_id, patient_id, metric, reading_time, metric_value, forecast_value, lower_bound, upper_bound
FROM hc_fct_dev_anomaly;
