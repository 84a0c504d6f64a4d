-- The prescribed parameters as a versioned table for event-time temporal joins (FOR SYSTEM_TIME AS
-- OF a reading's time): keyed by device and metric, each version valid from its prescription's
-- valid_from. A newer prescription of a device adds a version; an edited one replaces the version
-- of its valid_from.
-- The watermark runs a year ahead of the newest valid_from on purpose: a temporal join waits for the
-- minimum of both sides' watermarks, and prescriptions change far less often than readings arrive,
-- so a watermark at valid_from would hold every reading back until the next prescription. Versions
-- arrive (from CDC) before the readings that need them; the year covers prescriptions that start in
-- the future. (Flink refuses INTERVAL '365' DAY: a DAY interval has 2 digits unless DAY(3).)
-- Times are kept as epoch milliseconds with a computed TIMESTAMP_LTZ beside them: Flink 1.20's
-- avro-confluent formats cannot write or read TIMESTAMP_LTZ columns (the legacy Avro timestamp
-- mapping, with no option to leave it), and BIGINT milliseconds carry the instant exactly, whatever
-- the session's time zone.
CREATE TABLE IF NOT EXISTS hc_src_prescription_versions (
  device_id STRING,
  metric STRING,
  prescription_id STRING,
  patient_id STRING,
  target DOUBLE,
  tolerance DOUBLE,
  unit STRING,
  alert_after_minutes INT,
  valid_from_ms BIGINT,
  valid_to_ms BIGINT,          -- NULL: open-ended
  valid_from AS TO_TIMESTAMP_LTZ(valid_from_ms, 3),
  valid_to AS TO_TIMESTAMP_LTZ(valid_to_ms, 3),
  PRIMARY KEY (device_id, metric) NOT ENFORCED,
  WATERMARK FOR valid_from AS valid_from + INTERVAL '365' DAY(3)
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_prescription_versions',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
