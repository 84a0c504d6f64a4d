#include "common/secret_equals.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>

namespace careflow {

bool secrets_equal(std::string_view given, std::string_view expected) {
  // Digests of equal length, so neither the length nor the first differing byte shows in the time.
  std::array<unsigned char, SHA256_DIGEST_LENGTH> a{}, b{};
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a.data());
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b.data());
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace careflow
