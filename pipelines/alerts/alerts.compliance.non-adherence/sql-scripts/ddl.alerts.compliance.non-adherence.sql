-- Non-adherence alerts: a metric that stayed outside its prescribed band (target ± tolerance of the
-- prescription valid at each reading's time) for alert_after_minutes of event time (per prescribed
-- parameter, 5 by default) gets one ALERT row when that much time has passed, and one RESOLVED
-- row at its first reading back in range. Append-only.
CREATE TABLE IF NOT EXISTS `alerts.compliance.non-adherence` (
  device_id STRING,
  patient_id STRING,
  metric STRING,
  alert_status STRING,       -- ALERT or RESOLVED
  out_since TIMESTAMP(3),  -- the first reading out of range
  alert_time TIMESTAMP(3), -- ALERT: the reading that completed the minutes; RESOLVED: the reading back in range
  metric_value DOUBLE,       -- the value at alert_time
  target DOUBLE,
  tolerance DOUBLE,
  minutes_out BIGINT,        -- whole minutes from out_since to alert_time
  message STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'alerts.compliance.non-adherence',
  'value.format' = 'avro-confluent'
);
