-- One row per prescribed parameter: the metric a device must hold, its target and tolerance, and
-- the prescription's validity. A retracting table (Debezium envelopes): when a prescription is
-- updated or deleted its old rows are retracted (-U / -D) and the new ones added.
-- Times are kept as epoch milliseconds with a computed TIMESTAMP_LTZ beside them: Flink 1.20's
-- avro-confluent formats cannot write or read TIMESTAMP_LTZ columns (the legacy Avro timestamp
-- mapping, with no option to leave it), and BIGINT milliseconds carry the instant exactly, whatever
-- the session's time zone.
CREATE TABLE IF NOT EXISTS hc_src_prescriptions (
  prescription_id STRING,
  patient_id STRING,
  device_id STRING,
  therapy STRING,
  metric STRING,             -- parameter_name: Pressure, FlowRate, FlowLevel, BloodGlucose
  target DOUBLE,             -- parameter_value
  tolerance DOUBLE,          -- parameter_tolerance; 0 when the parameter gives none
  unit STRING,
  valid_from_ms BIGINT,       -- the prescription's start_date
  valid_to_ms BIGINT,         -- its end_date; NULL: open-ended
  alert_after_minutes INT,    -- how long out of range before a non-adherence alert; 5 unless given
  valid_from AS TO_TIMESTAMP_LTZ(valid_from_ms, 3),
  valid_to AS TO_TIMESTAMP_LTZ(valid_to_ms, 3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_src_prescriptions',
  'value.format' = 'debezium-avro-confluent'
);
