-- Each press is routed by the assignment valid at its event time: an event-time temporal join with
-- hc_src_device_assignments (versioned by assigned_at), so the patient is the assignment's, not
-- whatever the event carries, and a device assigned again (to another patient or the same one) is a
-- new assignment with a new id, verified again by its own first press. A press on a device with no
-- assignment at its time is not routed.
-- The first press of an assignment is the earliest by event time, ties in arrival order (ROW_NUMBER
-- over the event time keeps the first row): the one that verifies it. A press that turns out to be
-- earlier than the first one seen re-routes both (the regular join retracts).
INSERT INTO hc_fct_button_routing
WITH presses AS (
  SELECT e.event_id, e.device_id, a.patient_id, a.assignment_id, e.event_ts, e.event_time
  FROM hc_raw_device_events AS e
  JOIN hc_src_device_assignments FOR SYSTEM_TIME AS OF e.event_time AS a
    ON e.device_id = a.device_id
  WHERE e.event_type = 'BUTTON_PRESSED' AND e.event_id IS NOT NULL
),
first_press AS (
  SELECT assignment_id, event_id AS first_event_id
  FROM (
    SELECT assignment_id, event_id,
           ROW_NUMBER() OVER (PARTITION BY assignment_id ORDER BY event_time) AS press_number
    FROM presses
  )
  WHERE press_number = 1
)
SELECT
  p.event_id,
  p.device_id,
  p.patient_id,
  CAST(TO_TIMESTAMP_LTZ(p.event_ts, 3) AS TIMESTAMP(3)),
  CASE WHEN p.event_id = f.first_event_id THEN 'ASSIGNMENT_VERIFIED' ELSE 'EMERGENCY_ALERT' END,
  CASE WHEN p.event_id = f.first_event_id
       THEN CONCAT('Device ', p.device_id, ' verified for patient ', p.patient_id)
       ELSE CONCAT('Emergency: patient ', p.patient_id, ' pressed the button on device ', p.device_id)
  END
FROM presses AS p
JOIN first_press AS f ON p.assignment_id = f.assignment_id;
