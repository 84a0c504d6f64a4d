WITH recent AS (SELECT * FROM readings WHERE ts > TIMESTAMP '2026-01-01 00:00:00')
SELECT p.name, r.metric_value, CASE WHEN r.metric_value BETWEEN 1 AND 2 THEN 'low' ELSE 'high' END,
       CAST(r.metric_value AS DECIMAL(10, 2)), p.address.zip, r.tags[1], r.attrs['k']
FROM recent r JOIN patients p ON r.device_id = CONCAT('DEV-', p.patient_id)
WHERE r.device_id IN (SELECT device_id FROM alerts) AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.n > 3)
UNION ALL
SELECT name, 1.5, 'x', 2.00, '15201', 't', 'v' FROM patients;
