// Hash functions: MD5, SHA1, SHA224, SHA256, SHA384, SHA512 and SHA2(string, bits), over the
// string's UTF-8 bytes, as lower-case hexadecimal (Flink's EncodingUtils.hex). The digests are
// OpenSSL's (libcrypto's one-shot EVP_Digest).
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#hash-functions

#include <openssl/evp.h>

#include "exec/functions/helpers.h"

namespace careflow::exec::fn {
namespace {

std::string hex_lower(const unsigned char* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xF];
  }
  return out;
}

// The digest of `msg` as hexadecimal; `md` is one of OpenSSL's built-in digests.
std::string hex_digest(const EVP_MD* md, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(msg.data(), msg.size(), out, &n, md, nullptr) != 1) fail("{}: OpenSSL could not compute the digest", EVP_MD_get0_name(md));
  return hex_lower(out, n);
}

// SHA2's digest for a bit length, nullptr for any other length.
const EVP_MD* sha2_digest(int64_t bits) {
  switch (bits) {
    case 224: return EVP_sha224();
    case 256: return EVP_sha256();
    case 384: return EVP_sha384();
    case 512: return EVP_sha512();
    default: return nullptr;
  }
}

struct HashDef {
  const char* name;
  const EVP_MD* (*md)();
  int hex_digits;
};

const HashDef kHashes[] = {
    {"MD5", EVP_md5, 32},       {"SHA1", EVP_sha1, 40},     {"SHA224", EVP_sha224, 56},
    {"SHA256", EVP_sha256, 64}, {"SHA384", EVP_sha384, 96}, {"SHA512", EVP_sha512, 128},
};

[[maybe_unused]] const bool kHashesRegistered = [] {
  for (const HashDef& h : kHashes) {
    const EVP_MD* md = h.md();
    sql::FunctionRegistry::global().add(ScalarFunctionDef{
        h.name, fmt::format("{}(STRING) → STRING", h.name),
        fmt::format("Returns the {} hash of the string's UTF-8 bytes as {} hexadecimal digits.", h.name, h.hex_digits),
        bind_fixed(h.name, {p_string()}, DataType::string(), [md](const Value* a, size_t, const EvalContext&) {
          return Value::string(hex_digest(md, a[0].as_string()));
        })});
  }
  return true;
}();

}  // namespace

CF_REGISTER_SCALAR(sha2) {
  return ScalarFunctionDef{
      "SHA2", "SHA2(STRING, INT bits) → STRING",
      "Returns the SHA-2 hash (224, 256, 384 or 512 bits) of the string's UTF-8 bytes as hexadecimal digits.",
      [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
        std::vector<DataType> types;
        if (Status s = check_params("SHA2", args, {p_string(), p_integer()}, 2, &types); !s) return s;
        if (const Value* c = args.size() > 1 ? constant_of(args[1]) : nullptr) {
          if (!sha2_digest(c->as_int())) {
            return Status::invalid_argument(fmt::format("SHA2: hash length must be 224, 256, 384 or 512, got {}", c->as_int()));
          }
        }
        return make_binding(DataType::string().with_nullable(sql::any_nullable(args)), types,
                            [](const Value* a, size_t, const EvalContext&) {
                              const EVP_MD* md = sha2_digest(a[1].as_int());
                              if (!md) fail("SHA2: hash length must be 224, 256, 384 or 512, got {}", a[1].as_int());
                              return Value::string(hex_digest(md, a[0].as_string()));
                            });
      }};
}

}  // namespace careflow::exec::fn
