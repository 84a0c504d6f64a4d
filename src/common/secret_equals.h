#pragma once
// Comparing a secret a client sent (an API token, a SASL password) with the configured one.

#include <string_view>

namespace careflow {

// Whether `given` equals `expected`, in time that depends on neither where they differ nor, beyond
// hashing, their lengths: both are hashed (SHA-256) and the digests compared with CRYPTO_memcmp.
bool secrets_equal(std::string_view given, std::string_view expected);

}  // namespace careflow
