-- The insulin pumps' automatic-bolus rule, one version per device: the prescription's
-- BloodGlucose target, its BolusThreshold (a reading above it may get a bolus), MaxBolusDose (units)
-- and BolusLockout (minutes between two boluses), valid from the prescription's valid_from. A
-- versioned table for the event-time temporal join of device.commands, built like
-- hc_src_prescription_versions (see there for the watermark a year ahead and the epoch-ms times).
CREATE TABLE IF NOT EXISTS hc_src_bolus_rules (
  device_id STRING,
  prescription_id STRING,
  patient_id STRING,
  glucose_target DOUBLE,     -- mg/dL
  bolus_threshold DOUBLE,    -- mg/dL
  max_bolus_units DOUBLE,    -- U
  lockout_minutes INT,
  valid_from_ms BIGINT,
  valid_to_ms BIGINT,        -- NULL: open-ended
  valid_from AS TO_TIMESTAMP_LTZ(valid_from_ms, 3),
  valid_to AS TO_TIMESTAMP_LTZ(valid_to_ms, 3),
  PRIMARY KEY (device_id) NOT ENFORCED,
  WATERMARK FOR valid_from AS valid_from + INTERVAL '365' DAY(3)
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_bolus_rules',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
