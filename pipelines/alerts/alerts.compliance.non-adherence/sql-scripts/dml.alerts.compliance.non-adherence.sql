-- Readings checked against the prescription version valid at their event time
-- (hc_src_readings_checked), then two patterns per device and metric, in event-time order:
--   ALERT     an in-range reading (OK_), the first reading out (OUT_), more readings out before
--             alert_after_minutes have passed (STILL*), and the first one out at or after them (HELD)
--   RESOLVED  the same start, readings out until at least alert_after_minutes after OUT_ (LATER+),
--             then the first reading back in range (BACK)
-- Starting each match at an in-range reading is what keeps one episode to one ALERT (no storm: the
-- rest of the episode cannot start a match) and ignores a single noisy reading (it is back in
-- range before the minutes pass). A device already out of range at its very first reading gets no
-- alert until it has been in range once. ts (epoch ms) measures the minutes.
INSERT INTO `alerts.compliance.non-adherence`
SELECT device_id, patient_id, metric, 'ALERT', CAST(out_since AS TIMESTAMP(3)), CAST(alert_time AS TIMESTAMP(3)), metric_value, target, tolerance, minutes_out,
       CONCAT(metric, ' outside ', CAST(target AS STRING), ' +/- ', CAST(tolerance AS STRING), ' ', unit,
              ' for ', CAST(minutes_out AS STRING), ' minutes (now ', CAST(metric_value AS STRING), ')')
FROM hc_src_readings_checked
MATCH_RECOGNIZE (
  PARTITION BY device_id, patient_id, metric
  ORDER BY event_time
  MEASURES
    OUT_.event_time AS out_since,
    HELD.event_time AS alert_time,
    HELD.metric_value AS metric_value,
    HELD.target AS target,
    HELD.tolerance AS tolerance,
    HELD.unit AS unit,
    (HELD.ts - OUT_.ts) / 60000 AS minutes_out
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (OK_ OUT_ STILL* HELD)
  DEFINE
    OK_ AS NOT OK_.out_of_range,
    OUT_ AS OUT_.out_of_range,
    STILL AS STILL.out_of_range AND STILL.ts - OUT_.ts < CAST(OUT_.alert_after_minutes AS BIGINT) * 60000,
    HELD AS HELD.out_of_range AND HELD.ts - OUT_.ts >= CAST(OUT_.alert_after_minutes AS BIGINT) * 60000
)
UNION ALL
SELECT device_id, patient_id, metric, 'RESOLVED', CAST(out_since AS TIMESTAMP(3)), CAST(alert_time AS TIMESTAMP(3)), metric_value, target, tolerance, minutes_out,
       CONCAT(metric, ' back within ', CAST(target AS STRING), ' +/- ', CAST(tolerance AS STRING), ' ', unit,
              ' after ', CAST(minutes_out AS STRING), ' minutes (now ', CAST(metric_value AS STRING), ')')
FROM hc_src_readings_checked
MATCH_RECOGNIZE (
  PARTITION BY device_id, patient_id, metric
  ORDER BY event_time
  MEASURES
    OUT_.event_time AS out_since,
    BACK.event_time AS alert_time,
    BACK.metric_value AS metric_value,
    BACK.target AS target,
    BACK.tolerance AS tolerance,
    BACK.unit AS unit,
    (BACK.ts - OUT_.ts) / 60000 AS minutes_out
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (OK_ OUT_ LATER+ BACK)
  DEFINE
    OK_ AS NOT OK_.out_of_range,
    OUT_ AS OUT_.out_of_range,
    LATER AS LATER.out_of_range,
    BACK AS NOT BACK.out_of_range AND LAST(LATER.ts) - OUT_.ts >= CAST(OUT_.alert_after_minutes AS BIGINT) * 60000
);
