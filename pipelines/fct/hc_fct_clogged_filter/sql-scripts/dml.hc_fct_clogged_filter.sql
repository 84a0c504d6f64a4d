-- Why these numbers: the simulator's clogged_filter defect (src/sim/defects.cc) raises Pressure by
-- 12 % per 60 rounds for 240 rounds with FlowRate held at its target; in story time (the default,
-- a round every 5 minutes) that is 12 % per 5 hours for 20 hours. A 3-hour window (36 rounds) then
-- averages about 7 % above the one before, so three rising windows go more than 10 % (about 22 %)
-- above the first, and the defect holds that for one match, whatever its phase against the windows.
-- Normal noise (uniform within half the tolerance) moves a 36-reading average by well under 2 %, and
-- the pressure_oscillate defect (11 rounds) can lift at most two windows, never three in a row: the
-- 2 % step rules out the chance rises that a bare "greater than" would let noise make. Windows of
-- event time cannot fit both clocks: with simulator.time = real (a round a second) the defect lasts 4
-- minutes and these windows do not see it.
INSERT INTO hc_fct_clogged_filter
WITH windows_3h AS (
  SELECT
    device_id,
    patient_id,
    window_start,
    window_end,
    window_time,
    AVG(CASE WHEN metric_name = 'Pressure' THEN metric_value END) AS pressure,
    AVG(CASE WHEN metric_name = 'FlowRate' THEN metric_value END) AS flow_rate
  FROM TABLE(TUMBLE(TABLE hc_raw_device_metrics, DESCRIPTOR(event_time), INTERVAL '3' HOUR))
  GROUP BY device_id, patient_id, window_start, window_end, window_time
)
SELECT device_id, patient_id, rise_start, rise_end, pressure_before, pressure_after, pressure_rise_pct,
       flow_rate_before, flow_rate_after, CAST(detected_at AS TIMESTAMP(3))
FROM windows_3h
MATCH_RECOGNIZE (
  PARTITION BY device_id, patient_id
  ORDER BY window_time
  MEASURES
    BASE.window_start AS rise_start,
    UP3.window_end AS rise_end,
    ROUND(BASE.pressure, 2) AS pressure_before,
    ROUND(UP3.pressure, 2) AS pressure_after,
    ROUND(100 * (UP3.pressure - BASE.pressure) / BASE.pressure, 2) AS pressure_rise_pct,
    ROUND(BASE.flow_rate, 2) AS flow_rate_before,
    ROUND(UP3.flow_rate, 2) AS flow_rate_after,
    MATCH_ROWTIME() AS detected_at
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (BASE UP1 UP2 UP3)
  DEFINE
    BASE AS BASE.pressure > 0 AND BASE.flow_rate > 0,
    UP1 AS UP1.pressure > 1.02 * BASE.pressure
       AND ABS(UP1.flow_rate - BASE.flow_rate) <= 0.05 * BASE.flow_rate,
    UP2 AS UP2.pressure > 1.02 * UP1.pressure
       AND ABS(UP2.flow_rate - BASE.flow_rate) <= 0.05 * BASE.flow_rate,
    UP3 AS UP3.pressure > 1.02 * UP2.pressure
       AND UP3.pressure > 1.1 * BASE.pressure
       AND ABS(UP3.flow_rate - BASE.flow_rate) <= 0.05 * BASE.flow_rate
);
