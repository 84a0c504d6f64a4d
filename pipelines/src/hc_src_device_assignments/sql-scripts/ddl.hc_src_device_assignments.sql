-- Each device's current assignment to a patient, typed: one row per device (an upsert table keyed
-- by device_id).
-- Times are kept as epoch milliseconds with a computed TIMESTAMP_LTZ beside them: Flink 1.20's
-- avro-confluent formats cannot write or read TIMESTAMP_LTZ columns (the legacy Avro timestamp
-- mapping, with no option to leave it), and BIGINT milliseconds carry the instant exactly, whatever
-- the session's time zone.
CREATE TABLE IF NOT EXISTS hc_src_device_assignments (
  device_id STRING,
  assignment_id STRING,
  patient_id STRING,
  hw_model STRING,
  assigned_at_ms BIGINT,
  assigned_at AS TO_TIMESTAMP_LTZ(assigned_at_ms, 3),
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_device_assignments',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
