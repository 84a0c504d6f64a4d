-- Clogged-filter warnings: a device whose 3-hour average Pressure rose in three consecutive windows
-- (each at least 2 % above the one before, the last more than 10 % above the window the rise
-- started from) while its average FlowRate stayed flat (within 5 % of that window's). One row per
-- match, append-only.
CREATE TABLE IF NOT EXISTS hc_fct_clogged_filter (
  device_id STRING,
  patient_id STRING,
  rise_start TIMESTAMP(3),       -- start of the window the rise is measured from
  rise_end TIMESTAMP(3),         -- end of the third rising window
  pressure_before DOUBLE,        -- average Pressure of the first window, two decimals
  pressure_after DOUBLE,         -- average Pressure of the last window, two decimals
  pressure_rise_pct DOUBLE,      -- 100 * (after - before) / before, two decimals
  flow_rate_before DOUBLE,
  flow_rate_after DOUBLE,
  detected_at TIMESTAMP(3)   -- the match's event time (the last window's window_time)
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_clogged_filter',
  'value.format' = 'avro-confluent'
);
