SELECT device_id, AVG(metric_value) AS avg_value, COUNT(*) AS n
FROM readings
WHERE metric_name = 'Pressure' AND (metric_value > 10 OR metric_value IS NULL)
GROUP BY device_id;
