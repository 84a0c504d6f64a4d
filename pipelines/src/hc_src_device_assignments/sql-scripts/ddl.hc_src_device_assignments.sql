-- Each device's current assignment to a patient, typed: one row per device (an upsert table keyed
-- by device_id), and a versioned table for event-time temporal joins (FOR SYSTEM_TIME AS OF an
-- event's time): each assignment is a version from its assigned_at.
-- The watermark runs a year ahead of the newest assigned_at, as hc_src_prescription_versions' does:
-- a temporal join waits for the smaller of both sides' watermarks, and assignments change far less
-- often than devices report, so a watermark at assigned_at would hold every press back until the
-- next assignment. Assignments are seeded at start, before the events that need them.
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
  PRIMARY KEY (device_id) NOT ENFORCED,
  WATERMARK FOR assigned_at AS assigned_at + INTERVAL '365' DAY(3)
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_device_assignments',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
