-- Readings a per-device, per-metric forecasting model did not expect (Confluent's
-- ML_DETECT_ANOMALIES, docs/ml.md): the value, the model's one-step forecast made from the readings
-- before it and the bounds it fell outside. One row per anomalous reading of Pressure, FlowRate or
-- FlowLevel, append-only. Confluent Cloud Flink has the function; Apache Flink does not.
CREATE TABLE IF NOT EXISTS hc_fct_dev_anomaly (
  device_id STRING,
  patient_id STRING,
  metric STRING,
  reading_time TIMESTAMP(3),
  metric_value DOUBLE,
  forecast_value DOUBLE,
  lower_bound DOUBLE,
  upper_bound DOUBLE
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_dev_anomaly',
  'value.format' = 'avro-confluent'
);
