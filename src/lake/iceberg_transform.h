#pragma once
// Iceberg's partition transforms (table spec "Partition Transforms"): identity, year, month, day,
// hour, bucket[N] and truncate[W] — which source types each accepts, its result and result type,
// and the human string of a result that partition folders show. bucket hashes with Murmur3 32-bit
// x86 (seed 0) over the spec's Appendix B encoding of each type.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "values/types.h"
#include "values/value.h"

namespace careflow::lake::iceberg {

struct Transform {
  enum class Kind { kIdentity, kYear, kMonth, kDay, kHour, kBucket, kTruncate };
  Kind kind = Kind::kIdentity;
  int32_t param = 0;  // N of bucket[N], W of truncate[W]

  // "identity", "year", ..., "bucket[16]", "truncate[4]" (the spec's JSON form). InvalidArgument
  // naming the text for another transform (void, a bad parameter).
  static Result<Transform> parse(std::string_view text);
  std::string to_string() const;
  // The default name of a partition field over `column` ("ts_day", "id_bucket", "name_trunc").
  std::string field_name(const std::string& column) const;

  bool accepts(const values::DataType& source) const;
  // DATE for day, INT for year / month / hour / bucket, the source's type otherwise.
  values::DataType result_type(const values::DataType& source) const;
  // The transform of a non-NULL value of type `source` (accepts(source) must hold).
  values::Value apply(const values::DataType& source, const values::Value& v) const;
  // A result as Iceberg's writers name partition folders ("2024", "2024-05", "2024-05-03",
  // "2024-05-03-08", bucket and truncate results as values).
  std::string human(const values::DataType& source, const values::Value& result) const;
};

// MurmurHash3_x86_32 with seed 0, as Iceberg's bucket transform hashes.
int32_t murmur3_32(std::string_view bytes);
// The bucket hash of a non-NULL value (Appendix B: ints and dates as longs, timestamps in µs,
// strings as UTF-8, decimals as their unscaled big-endian two's complement bytes).
int32_t bucket_hash(const values::DataType& type, const values::Value& v);

}  // namespace careflow::lake::iceberg
