#pragma once
// Base64 of RFC 4648's standard alphabet, as java.util.Base64 writes and reads it: what Kafka
// Connect's JsonConverter uses for bytes, Flink's JSON format for BYTES, and Flink's TO_BASE64 /
// FROM_BASE64.

#include <string>
#include <string_view>

#include "common/status.h"

namespace careflow {

// With '=' padding to a multiple of four characters.
std::string base64_encode(std::string_view bytes);

// As java.util.Base64.getDecoder(): padding may be left out, but when present it must complete
// the last 4-character unit. InvalidArgument naming the problem ("illegal base64 character '*'",
// "incorrect ending padding", "last unit does not have enough valid bits"); the caller adds
// which input it was.
Result<std::string> base64_decode(std::string_view text);

}  // namespace careflow
