-- The shape shift_left generates most often: scalar subqueries counting what the table holds.
SELECT CASE
    WHEN (SELECT COUNT(*) FROM fct_out_of_range_counts_ut) = 3
     AND (SELECT SUM(out_of_range) FROM fct_out_of_range_counts_ut WHERE device_id = 'DEV-1') = 2
    THEN 'PASS'
    ELSE 'FAIL'
  END AS test_result
