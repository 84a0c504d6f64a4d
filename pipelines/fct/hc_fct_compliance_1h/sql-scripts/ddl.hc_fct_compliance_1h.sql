-- Adherence per device, patient and metric per event-time hour: how many readings stayed inside the
-- prescribed band (target ± tolerance of the prescription valid at each reading's time), out of
-- how many, and that as a percentage. One row per hour once the watermark passes its end
-- (append-only); readings of a metric without a prescription are not counted.
CREATE TABLE IF NOT EXISTS hc_fct_compliance_1h (
  device_id STRING,
  patient_id STRING,
  metric STRING,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  in_range_count BIGINT,
  reading_count BIGINT,
  compliance_pct DOUBLE      -- 100 * in_range_count / reading_count, two decimals
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_compliance_1h',
  'value.format' = 'avro-confluent'
);
