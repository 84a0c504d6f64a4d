#pragma once
// How a table's rows are stored in a topic's records, chosen by its options ('value.format' or
// 'format'; 'key.format' for keyed tables):
//   json           one JSON object per record, fields by column name (Flink's 'json' format).
//                  A table with a primary key is keyed: the key is a JSON object of the key
//                  columns, +I/+U write the row, -D writes a tombstone. A retract table keeps
//                  the row kind in a record header "op" (+I, -U, +U, -D).
//   debezium-json  Debezium's envelope {"before", "after", "op"}: c/r → +I, u → -U and +U,
//                  d → -D; written as Flink does (+I/+U as "c" with after, -U/-D as "d" with before).
//                  'debezium-json.schema-include' = 'true' reads the {"schema", "payload"} wrapper.
//   raw            the whole value as the table's single STRING or BYTES column.
// 'avro-registry' and the other Avro formats arrive with the Avro issue; asking for one is a clear
// error until then.

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/row.h"
#include "log/topics.h"
#include "sql/catalog.h"

namespace careflow::exec {

class RecordFormat {
 public:
  virtual ~RecordFormat() = default;
  // Appends the rows a record holds (physical columns, in declaration order) to `out`: none for a
  // record to skip, two for a Debezium update. InvalidArgument naming the problem for a record
  // that does not parse.
  virtual Status decode(const log::Record& record, RowBatch* out) const = 0;
  // Appends the records a row becomes (physical columns in, declaration order) to `out`.
  virtual void encode(const Row& row, std::vector<log::Record>* out) const = 0;
};

// The format for `table`'s options. InvalidArgument for an unknown format, or one not available yet.
Result<std::unique_ptr<RecordFormat>> make_record_format(const sql::TableDef& table);

// The physical columns of a table, in declaration order.
struct PhysicalSchema {
  std::vector<std::string> names;
  std::vector<sql::DataType> types;
  std::vector<int> key;  // primary key, as indexes into names
};
PhysicalSchema physical_schema(const sql::TableDef& table);

// The topic a table reads and writes: 'topic' if set, else the table's name.
std::string topic_of(const sql::TableDef& table);

}  // namespace careflow::exec
