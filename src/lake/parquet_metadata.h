#pragma once
// The Parquet footer and page headers (apache/parquet-format, parquet.thrift), the fields careflow
// writes and reads, with their encoding in Thrift's compact protocol. Field ids and enum values are
// the spec's; fields careflow does not use are skipped when read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace careflow::lake::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// ConvertedType, the deprecated annotation readers of format v1 still look at.
enum ConvertedType : int32_t {
  kUtf8 = 0,
  kConvertedMap = 1,
  kConvertedMapKeyValue = 2,
  kConvertedList = 3,
  kConvertedDecimal = 5,
  kConvertedDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32Converted = 17,
  kInt64Converted = 18,
  kJson = 19,
  kEnum = 4,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kLzo = 3, kBrotli = 4, kLz4 = 5, kZstd = 6, kLz4Raw = 7 };

enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

enum class TimeUnit { kMillis, kMicros, kNanos };

// The LogicalType union: which member is set, with the members' parameters.
struct LogicalType {
  enum Kind { kNone, kString, kMap, kList, kEnum, kDecimal, kDate, kTime, kTimestamp, kInteger, kUnknown, kJson, kBson, kUuid, kOther };
  Kind kind = kNone;
  int32_t scale = 0, precision = 0;  // DECIMAL
  bool adjusted_to_utc = false;      // TIME, TIMESTAMP
  TimeUnit unit = TimeUnit::kMillis; // TIME, TIMESTAMP
  int32_t bit_width = 0;             // INTEGER
  bool is_signed = true;             // INTEGER
};

struct SchemaElement {
  std::optional<PhysicalType> type;  // unset on groups
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition;
  std::string name;
  std::optional<int32_t> num_children;  // set on groups
  std::optional<int32_t> converted_type;
  std::optional<int32_t> scale, precision;
  std::optional<int32_t> field_id;
  LogicalType logical;
};

// Bounds are PLAIN-encoded values (byte arrays without their length prefix).
struct Statistics {
  std::optional<std::string> max, min;  // deprecated signed-order bounds (fields 1, 2)
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value, min_value;  // bounds in the column's order (fields 5, 6)
  std::optional<int64_t> nan_count;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;  // optional in the IDL, present in every real file
  // Where the chunk's page index lies (parquet_page_index.h), when the file has one.
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int32_t> ordinal;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct FileMetaData {
  int32_t version = 2;
  std::vector<SchemaElement> schema;  // depth-first; element 0 is the root group
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  // ColumnOrder per leaf; careflow writes TYPE_ORDER for each, which tells readers that min_value
  // and max_value are in the logical type's order. Read back as whether any order was present.
  size_t type_defined_orders = 0;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

// Appends the compact-protocol encoding.
void encode_file_metadata(const FileMetaData& meta, std::string* out);
void encode_page_header(const PageHeader& header, std::string* out);

// Decodes; errors name `file` and the file byte where decoding stopped (`base` is the offset of
// `bytes` in the file). decode_page_header reports in *consumed how long the header was.
Result<FileMetaData> decode_file_metadata(std::string_view bytes, std::string_view file, uint64_t base);
Result<PageHeader> decode_page_header(std::string_view bytes, std::string_view file, uint64_t base, size_t* consumed);

}  // namespace careflow::lake::parquet
