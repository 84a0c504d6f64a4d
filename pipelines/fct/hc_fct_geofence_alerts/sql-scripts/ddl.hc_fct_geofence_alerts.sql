-- GPS positions outside the patient's care area: the great-circle (haversine) distance from the
-- area's centre is more than its radius. A retracting table: the care area is a regular join on
-- the patient's current area, so moving or widening an area re-evaluates that patient's positions
-- (an alert no longer outside is retracted).
CREATE TABLE IF NOT EXISTS hc_fct_geofence_alerts (
  event_id STRING,
  device_id STRING,
  patient_id STRING,
  event_time TIMESTAMP(3),
  lat DOUBLE,
  lng DOUBLE,
  distance_m DOUBLE,         -- from the care area's centre, metres, one decimal
  radius_m DOUBLE,
  message STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_geofence_alerts',
  'value.format' = 'debezium-avro-confluent'
);
