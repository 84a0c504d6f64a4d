// The Kafka listener over TLS, on real loopback sockets with a certificate made for the test: a
// TLS client that verifies the certificate's name is served, a plaintext client (or one that
// stalls in the handshake) loses only its own connection, and bad certificate settings are
// refused at start, naming the file. kcat over SSL and SASL_SSL is in tests/interop/kafka_listener.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "broker/kafka_listener.h"
#include "broker/protocol.h"
#include "broker/wire.h"
#include "log/embedded_log.h"
#include "log/tests/log_test_util.h"

namespace careflow::broker {
namespace {

using namespace std::chrono_literals;

// A self-signed P-256 certificate for 127.0.0.1, written as PEM files under `dir`.
void write_certificate(const std::string& cert_path, const std::string& key_path) {
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  ASSERT_NE(key, nullptr);
  std::unique_ptr<X509, void (*)(X509*)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("careflow-test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  ASSERT_NE(san, nullptr);
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  FILE* c = std::fopen(cert_path.c_str(), "w");
  ASSERT_NE(c, nullptr);
  PEM_write_X509(c, cert.get());
  std::fclose(c);
  FILE* k = std::fopen(key_path.c_str(), "w");
  ASSERT_NE(k, nullptr);
  PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(k);
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

std::string api_versions_request(int32_t correlation) {
  Writer w;
  w.i32(0);
  w.i16(api::kApiVersions);
  w.i16(0);
  w.i32(correlation);
  w.string("tls-test");
  w.patch_i32(0, static_cast<int32_t>(w.size() - 4));
  return w.buffer();
}

// A TLS client that trusts `ca_file` and checks that the peer is 127.0.0.1.
class TlsClient {
 public:
  TlsClient(int port, const std::string& ca_file) : ctx_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    fd_ = connect_loopback(port);
    ssl_ = SSL_new(ctx_);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
    SSL_set_fd(ssl_, fd_);
    connected_ = SSL_connect(ssl_) == 1;
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  bool connected() const { return connected_; }

  // ApiVersions v0 answered with `correlation` and no error.
  bool api_versions_answered(int32_t correlation) {
    const std::string request = api_versions_request(correlation);
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) != static_cast<int>(request.size())) return false;
    std::string response;
    char buffer[4096];
    while (response.size() < 4 || response.size() < 4 + static_cast<size_t>(Reader(response.substr(0, 4)).i32())) {
      const int got = SSL_read(ssl_, buffer, sizeof buffer);
      if (got <= 0) return false;
      response.append(buffer, static_cast<size_t>(got));
    }
    Reader r(std::string_view(response).substr(4));
    return r.i32() == correlation && r.i16() == err::kNone;
  }

 private:
  SSL_CTX* ctx_;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool connected_ = false;
};

class TlsListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = (dir_.path() / "cert.pem").string();
    key_ = (dir_.path() / "key.pem").string();
    write_certificate(cert_, key_);
    auto opened = log::EmbeddedLog::open((dir_.path() / "log").string(), {});
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    log_ = std::move(*opened);
  }

  KafkaListenerOptions tls_options() {
    KafkaListenerOptions options;
    options.port = 0;
    options.request_timeout = 1000ms;
    options.tls_cert_file = cert_;
    options.tls_key_file = key_;
    return options;
  }

  log::testing::TempDir dir_;
  std::string cert_, key_;
  std::unique_ptr<log::EmbeddedLog> log_;
};

TEST_F(TlsListenerTest, AVerifyingTlsClientIsServedAndPlaintextOnlyLosesItsConnection) {
  KafkaListener listener(tls_options(), *log_);
  ASSERT_TRUE(listener.start().is_ok());

  TlsClient first(listener.port(), cert_);
  ASSERT_TRUE(first.connected());
  EXPECT_TRUE(first.api_versions_answered(7));
  EXPECT_TRUE(first.api_versions_answered(8));  // the connection stays open between requests

  // A plaintext Kafka request is not a TLS ClientHello: that connection is closed, nothing more.
  const int plain = connect_loopback(listener.port());
  const std::string request = api_versions_request(9);
  (void)::send(plain, request.data(), request.size(), MSG_NOSIGNAL);
  char byte;
  ssize_t got;
  while ((got = ::recv(plain, &byte, 1, 0)) > 0) {
  }
  EXPECT_EQ(got, 0) << "the listener closes the plaintext connection";
  ::close(plain);

  // One that connects and never says anything is dropped after the request timeout.
  const int silent = connect_loopback(listener.port());
  const auto began = std::chrono::steady_clock::now();
  while ((got = ::recv(silent, &byte, 1, 0)) > 0) {
  }
  EXPECT_EQ(got, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 4s);
  ::close(silent);

  TlsClient second(listener.port(), cert_);
  ASSERT_TRUE(second.connected());
  EXPECT_TRUE(second.api_versions_answered(10));
  EXPECT_TRUE(first.api_versions_answered(11));
}

TEST_F(TlsListenerTest, BadCertificateSettingsAreRefusedNamingTheFile) {
  KafkaListenerOptions missing = tls_options();
  missing.tls_cert_file = (dir_.path() / "nope.pem").string();
  Status started = KafkaListener(missing, *log_).start();
  EXPECT_EQ(started.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.message().find("kafka_listener.tls_cert_file"), std::string::npos) << started.message();
  EXPECT_NE(started.message().find("nope.pem"), std::string::npos) << started.message();

  // A key of another certificate.
  const std::string other_cert = (dir_.path() / "other-cert.pem").string(), other_key = (dir_.path() / "other-key.pem").string();
  write_certificate(other_cert, other_key);
  KafkaListenerOptions mismatched = tls_options();
  mismatched.tls_key_file = other_key;
  started = KafkaListener(mismatched, *log_).start();
  EXPECT_EQ(started.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.message().find("does not match"), std::string::npos) << started.message();

  KafkaListenerOptions half = tls_options();
  half.tls_key_file.clear();
  started = KafkaListener(half, *log_).start();
  EXPECT_EQ(started.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(started.message().find("kafka_listener.tls_key_file"), std::string::npos) << started.message();
}

}  // namespace
}  // namespace careflow::broker
