with expected_results as (
    select 'DEV-1' as expected_device_id, 'Pressure' as expected_metric, 3 as expected_readings, 2 as expected_out_of_range
    union all
    select 'DEV-1', 'FlowRate', 1, 0
    union all
    select 'DEV-2', 'Pressure', 1, 0
),
actual_results as (
    select device_id, metric, readings, out_of_range from fct_out_of_range_counts_ut
),
validation_check as (
    select
        e.expected_device_id,
        case when a.readings = e.expected_readings and a.out_of_range = e.expected_out_of_range then 'PASS' else 'FAIL' end as counts_check
    from expected_results e
    left join actual_results a on a.device_id = e.expected_device_id and a.metric = e.expected_metric
),
checked as (
    select
        count(*) as total_expected_records,
        sum(case when counts_check = 'PASS' then 1 else 0 end) as passing_records
    from validation_check
),
actual_count as (
    select count(*) as actual_record_count from actual_results
),
overall_result as (
    select c.total_expected_records, c.passing_records, n.actual_record_count
    from checked c cross join actual_count n
)
select
    case
        when total_expected_records = 3 and passing_records = 3 and actual_record_count = 3
        then 'PASS'
        else 'FAIL'
    end as test_result,
    total_expected_records,
    passing_records
from overall_result
