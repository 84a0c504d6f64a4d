-- One device measurement, as the simulator writes it on `careflow up` (src/sim/device_schemas.h,
-- DeviceMetric): Confluent Avro through the registry, keyed by the device id (not read here).
-- event_time is the reading's time (story time on `careflow up`) as an event-time attribute: the
-- readings of one tick share it and ticks arrive in order, so the watermark trails the newest
-- reading by 30 seconds of event time.
CREATE TABLE IF NOT EXISTS hc_raw_device_metrics (
  device_id STRING,
  patient_id STRING,
  ts BIGINT,                 -- epoch milliseconds, shared by the metrics of one tick
  metric_name STRING,        -- Pressure, FlowRate, FlowLevel, BloodGlucose
  metric_value DOUBLE,
  software_version STRING,
  event_time AS TO_TIMESTAMP_LTZ(ts, 3),
  WATERMARK FOR event_time AS event_time - INTERVAL '30' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_raw_device_metrics',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'avro-confluent'
);
