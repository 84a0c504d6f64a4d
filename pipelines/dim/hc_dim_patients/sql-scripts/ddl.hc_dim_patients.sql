-- One row per patient: the patient, the device assigned to them and the current prescription's
-- settings (target and tolerance per metric). Updated when a patient, a device or a prescription
-- changes (an upsert table keyed by patient_id).
CREATE TABLE IF NOT EXISTS hc_dim_patients (
  patient_id STRING,
  name STRING,
  timezone STRING,
  device_id STRING,
  model_type STRING,
  software_version STRING,
  prescription_id STRING,
  pressure_target DOUBLE,
  pressure_tolerance DOUBLE,
  flow_rate_target DOUBLE,
  flow_rate_tolerance DOUBLE,
  flow_level_target DOUBLE,
  flow_level_tolerance DOUBLE,
  PRIMARY KEY (patient_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_dim_patients',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
