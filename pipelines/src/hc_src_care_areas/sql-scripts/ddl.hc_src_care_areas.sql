-- Each patient's care area: a circle (centre in degrees, radius in metres) the patient's device
-- should stay inside, and the patient's time zone. One row per patient (upsert, keyed by patient_id).
CREATE TABLE IF NOT EXISTS hc_src_care_areas (
  patient_id STRING,
  center_lat DOUBLE,
  center_lng DOUBLE,
  radius_m DOUBLE,
  timezone STRING,
  PRIMARY KEY (patient_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_care_areas',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
