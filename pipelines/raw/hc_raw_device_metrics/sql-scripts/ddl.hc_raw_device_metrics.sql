-- One device measurement, as the simulator writes it on `careflow up` (src/sim/device_schemas.h,
-- DeviceMetric): Confluent Avro through the registry, keyed by the device id (not read here).
CREATE TABLE IF NOT EXISTS hc_raw_device_metrics (
  device_id STRING,
  patient_id STRING,
  ts BIGINT,                 -- epoch milliseconds, shared by the metrics of one tick
  metric_name STRING,        -- Pressure, FlowRate, FlowLevel, BloodGlucose
  metric_value DOUBLE,
  software_version STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_raw_device_metrics',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'avro-confluent'
);
