#pragma once
// Versioned schema migrations, applied once each and recorded in schema_migrations. Tables are
// never dropped at start (unlike the reference stack): a restart keeps every row.

#include <span>
#include <string_view>

#include "store/database.h"

namespace careflow::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration, in version order. Add a new one at the end; never edit an applied one.
std::span<const Migration> all_migrations();

// Applies the pending migrations, each in its own transaction, under an advisory lock so two
// careflow processes on one database do not race. Returns how many were applied.
Result<int> migrate(Database& db);

}  // namespace careflow::store
