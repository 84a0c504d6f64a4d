-- The assignment is the event's own (device_id, patient_id): careflow's device events carry the
-- patient the device is assigned to when the event is recorded (devices.patient_id). The first
-- press is the one with the smallest event_ts per assignment (MIN, which changes only when an
-- earlier press arrives, so later presses are routed once).
INSERT INTO hc_fct_button_routing
WITH presses AS (
  SELECT event_id, device_id, patient_id, event_ts
  FROM hc_raw_device_events
  WHERE event_type = 'BUTTON_PRESSED' AND device_id IS NOT NULL AND patient_id IS NOT NULL AND event_ts IS NOT NULL
),
first_press AS (
  SELECT device_id, patient_id, MIN(event_ts) AS first_ts
  FROM presses
  GROUP BY device_id, patient_id
)
SELECT
  p.event_id,
  p.device_id,
  p.patient_id,
  CAST(TO_TIMESTAMP_LTZ(p.event_ts, 3) AS TIMESTAMP(3)),
  CASE WHEN p.event_ts = f.first_ts THEN 'ASSIGNMENT_VERIFIED' ELSE 'EMERGENCY_ALERT' END,
  CASE WHEN p.event_ts = f.first_ts
       THEN CONCAT('Device ', p.device_id, ' verified for patient ', p.patient_id)
       ELSE CONCAT('Emergency: patient ', p.patient_id, ' pressed the button on device ', p.device_id)
  END
FROM presses AS p
JOIN first_press AS f ON p.device_id = f.device_id AND p.patient_id = f.patient_id;
