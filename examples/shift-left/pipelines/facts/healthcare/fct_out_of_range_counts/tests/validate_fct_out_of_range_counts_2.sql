with result_table as (
   select * from fct_out_of_range_counts_ut
   where (device_id = 'DEV-1' and metric = 'Pressure' and readings = 2 and out_of_range = 2)
      or (device_id = 'DEV-2' and metric = 'Pressure' and readings = 1 and out_of_range = 0)
)
SELECT CASE WHEN count(*) = 2 THEN 'PASS' ELSE 'FAIL' END as test_result from result_table
