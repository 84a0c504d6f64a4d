-- Per device and metric: how many readings arrived and how many fell outside the prescribed
-- target ± tolerance. Readings of a device with no prescription for the metric are left out.
INSERT INTO fct_out_of_range_counts
SELECT
  r.device_id,
  r.metric,
  COUNT(*) AS readings,
  SUM(CASE WHEN r.val < p.target - p.tolerance OR r.val > p.target + p.tolerance THEN 1 ELSE 0 END) AS out_of_range
FROM src_readings r
JOIN src_prescribed_settings p
  ON r.device_id = p.device_id AND r.metric = p.metric
GROUP BY r.device_id, r.metric;
