-- Where each patient's device should stay, as careflow up seeds it from the store at every start
-- (docs/simulator.md, "Dimension topics"; src/sim/device_schemas.h, CareArea): a compacted topic
-- keyed by patient_id, Confluent Avro through the registry.
CREATE TABLE IF NOT EXISTS hc_raw_care_areas (
  patient_id STRING,
  center_lat DOUBLE,         -- degrees
  center_lng DOUBLE,         -- degrees
  radius_m DOUBLE,           -- metres: a GPS position farther than this is outside
  timezone STRING,           -- the patient's IANA time zone
  PRIMARY KEY (patient_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_raw_care_areas',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
