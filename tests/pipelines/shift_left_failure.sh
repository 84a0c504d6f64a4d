#!/bin/sh
# A copy of examples/shift-left with one reading moved inside its band (Pressure 12.5, outside
# 11 ± 1, becomes 11.5): `careflow pipeline test` must exit non-zero, fail the first case with its
# validation's verdict, and still pass the second (which does not read that file).
#   shift_left_failure.sh <careflow> <examples/shift-left> <scratch dir>
set -eu
careflow="$1" example="$2" work="$3"
rm -rf "$work"
cp -r "$example" "$work"
table="$work/pipelines/facts/healthcare/fct_out_of_range_counts"
sed -i 's/12\.5,/11.5,/' "$table/tests/insert_src_readings_1.sql"
grep -q "11.5," "$table/tests/insert_src_readings_1.sql"
if "$careflow" pipeline test "$work" >"$work.out" 2>&1; then
  cat "$work.out"; echo "expected a failure"; exit 1
fi
cat "$work.out"
grep -q "^FAIL .*fct_out_of_range_counts test_fct_out_of_range_counts_1: ./tests/validate_fct_out_of_range_counts_1.sql says FAIL" "$work.out"
grep -q "^ok .*fct_out_of_range_counts test_fct_out_of_range_counts_2" "$work.out"
