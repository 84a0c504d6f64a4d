-- One row per prescribed parameter: the metric a device must hold, its target and tolerance, and
-- the prescription's validity. A retracting table (Debezium envelopes): when a prescription is
-- updated or deleted its old rows are retracted (-U / -D) and the new ones added.
CREATE TABLE IF NOT EXISTS hc_src_prescriptions (
  prescription_id STRING,
  patient_id STRING,
  device_id STRING,
  therapy STRING,
  metric STRING,             -- parameter_name: Pressure, FlowRate, FlowLevel, BloodGlucose
  target DOUBLE,             -- parameter_value
  tolerance DOUBLE,          -- parameter_tolerance; 0 when the parameter gives none
  unit STRING,
  valid_from TIMESTAMP_LTZ(3),
  valid_to TIMESTAMP_LTZ(3),  -- NULL: open-ended
  alert_after_minutes INT     -- how long out of range before a non-adherence alert; 5 unless given
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_src_prescriptions',
  'value.format' = 'debezium-avro-confluent'
);
