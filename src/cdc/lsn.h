#pragma once
// PostgreSQL write-ahead-log positions (LSN): a 64-bit byte position, written "16/B374D848"
// (high 32 bits / low 32 bits, hexadecimal) by the server and as a plain integer by Debezium.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace careflow::cdc {

using Lsn = uint64_t;

// "16/B374D848".
std::string format_lsn(Lsn lsn);
// Parses "16/B374D848"; InvalidArgument naming the text otherwise.
Result<Lsn> parse_lsn(std::string_view text);

}  // namespace careflow::cdc
