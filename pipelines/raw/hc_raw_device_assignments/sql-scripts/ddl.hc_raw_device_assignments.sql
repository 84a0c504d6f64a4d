-- Which patient each device is assigned to, as careflow up seeds it from the store at every start
-- (docs/simulator.md, "Dimension topics"; src/sim/device_schemas.h, DeviceAssignment): a compacted
-- topic keyed by device_id, Confluent Avro through the registry. A new assignment has a new id.
CREATE TABLE IF NOT EXISTS hc_raw_device_assignments (
  assignment_id STRING,      -- ASG-<device_id>-<patient_id>
  device_id STRING,
  patient_id STRING,
  hw_model STRING,           -- NULL when unknown
  assigned_at BIGINT,        -- epoch milliseconds
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_raw_device_assignments',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
