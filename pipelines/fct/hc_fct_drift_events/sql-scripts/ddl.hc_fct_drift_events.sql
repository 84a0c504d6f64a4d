-- One row per reading outside its prescribed band (target ± tolerance of the prescription valid at
-- the reading's event time): how far off it is (deviation = value - target, to two decimals as readings have), which way (ABOVE or
-- BELOW) and a message for people. Append-only.
CREATE TABLE IF NOT EXISTS hc_fct_drift_events (
  device_id STRING,
  patient_id STRING,
  metric STRING,
  reading_time TIMESTAMP(3),
  metric_value DOUBLE,
  prescription_id STRING,
  target DOUBLE,
  tolerance DOUBLE,
  deviation DOUBLE,
  direction STRING,          -- ABOVE or BELOW
  message STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_drift_events',
  'value.format' = 'avro-confluent'
);
