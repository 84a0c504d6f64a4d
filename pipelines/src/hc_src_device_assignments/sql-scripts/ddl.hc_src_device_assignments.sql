-- Each device's current assignment to a patient, typed: one row per device (an upsert table keyed
-- by device_id).
CREATE TABLE IF NOT EXISTS hc_src_device_assignments (
  device_id STRING,
  assignment_id STRING,
  patient_id STRING,
  hw_model STRING,
  assigned_at TIMESTAMP_LTZ(3),
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_device_assignments',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
