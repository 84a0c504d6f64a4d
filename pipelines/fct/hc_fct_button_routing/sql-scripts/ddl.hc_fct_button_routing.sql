-- Where each button press goes: the first press of an assignment (the device's assignment to a
-- patient valid at the press's event time, hc_src_device_assignments) verifies the assignment; every
-- later press of it is an emergency alert. patient_id is the assignment's. A retracting table: a
-- press that turns out to precede the first one seen re-routes both.
CREATE TABLE IF NOT EXISTS hc_fct_button_routing (
  event_id STRING,
  device_id STRING,
  patient_id STRING,
  event_time TIMESTAMP(3),
  route STRING,              -- ASSIGNMENT_VERIFIED or EMERGENCY_ALERT
  message STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_button_routing',
  'value.format' = 'debezium-avro-confluent'
);
