-- The devices, one row per device (an upsert table keyed by device_id), each assigned to its patient.
CREATE TABLE IF NOT EXISTS hc_src_devices (
  device_id STRING,
  patient_id STRING,
  model_type STRING,
  manufacturer STRING,
  serial_number STRING,
  software_version STRING,
  pressure_setting DOUBLE,
  flow_rate_setting DOUBLE,
  flow_level_setting DOUBLE,
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_devices',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
