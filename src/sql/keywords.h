#pragma once
// Flink SQL's reserved keywords: the words Flink 1.20 refuses as a bare (unquoted) name of a
// column, table, alias or qualified field. Back-quoted (`value`) any word is a name.

#include <string_view>

namespace careflow::sql {

// True when `word` (any case) is one of Flink 1.20's reserved keywords.
bool is_reserved_keyword(std::string_view word);

}  // namespace careflow::sql
