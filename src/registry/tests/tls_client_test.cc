// The external-registry client over https against a real TLS server, with certificates a test CA
// issues at test time (openssl CLI): it works when it trusts that CA and the certificate names the
// host; it refuses, naming the URL and the reason, with the wrong CA, with only the system's CAs,
// and when the host name does not match. Verification cannot be turned off.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "registry/client_implementations.h"
#include "registry/registry_routes.h"
#include "registry/tests/tls_registry_server.h"

namespace careflow::registry {
namespace {

const std::string kSchema = R"({"type":"record","name":"Reading","namespace":"hc","fields":[{"name":"device_id","type":"string"}]})";

class TlsClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new std::filesystem::path(std::filesystem::temp_directory_path() / ("careflow-tls-" + std::to_string(getpid())));
    std::filesystem::create_directories(*pki_);
    // A test CA, another CA nobody should trust, and a server certificate for "localhost" only.
    const std::string script = "cd '" + pki_->string() + "' && " +
                               "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem "
                               "-days 2 -subj '/CN=careflow test CA' && "
                               "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other.key -out other.pem "
                               "-days 2 -subj '/CN=some other CA' && "
                               "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr "
                               "-subj '/CN=localhost' && "
                               "printf 'subjectAltName=DNS:localhost\\n' > san.ext && "
                               "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
                               "-extfile san.ext";
    const std::string quiet = "(" + script + ") > openssl.log 2>&1";
    ASSERT_EQ(std::system(("cd '" + pki_->string() + "' && " + quiet).c_str()), 0) << "openssl failed; see " << pki_->string();
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*pki_);
    delete pki_;
  }
  void SetUp() override {
    dir_ = *pki_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    registry_ = std::move(SchemaRegistry::open(dir_.string())).value();
    add_registry_routes(router_, *registry_);
    server_ = std::make_unique<test_support::TlsRegistryServer>(router_, (*pki_ / "server.pem").string(), (*pki_ / "server.key").string());
  }
  std::string url(const std::string& host = "localhost") const { return "https://" + host + ":" + std::to_string(server_->port()); }
  std::string file(const char* name) const { return (*pki_ / name).string(); }

  static std::filesystem::path* pki_;
  std::filesystem::path dir_;
  std::unique_ptr<SchemaRegistry> registry_;
  http::Router router_;
  std::unique_ptr<test_support::TlsRegistryServer> server_;
};

std::filesystem::path* TlsClientTest::pki_ = nullptr;

TEST_F(TlsClientTest, TrustingTheTestCaEverythingWorks) {
  auto client = http_client(url() + "/contexts/.flink-dev", "key:secret", file("ca.pem"));
  ASSERT_TRUE(client.is_ok()) << client.status().to_string();
  auto id = (*client)->register_schema("m-value", kSchema);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  EXPECT_EQ(*id, 1);
  EXPECT_EQ(*(*client)->schema_by_id(1), kSchema);
  EXPECT_EQ((*client)->lookup("m-value", kSchema)->version, 1);
  EXPECT_EQ((*client)->latest("nope").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(registry_->get_version(":.flink-dev:m-value", "1", false).is_ok());
  EXPECT_EQ(server_->failed_handshakes(), 0);
}

TEST_F(TlsClientTest, AnUntrustedCertificateIsRefusedNamingTheUrl) {
  auto wrong_ca = http_client(url(), "", file("other.pem"));
  ASSERT_TRUE(wrong_ca.is_ok()) << wrong_ca.status().to_string();
  auto refused = (*wrong_ca)->schema_by_id(1);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  const std::string message = refused.status().message();  // status() is a copy: keep the text, not a reference
  EXPECT_NE(message.find(url()), std::string::npos) << message;
  EXPECT_NE(message.find("TLS handshake failed"), std::string::npos) << message;
  EXPECT_NE(message.find("certificate verify failed"), std::string::npos) << message;
  EXPECT_NE(message.find("unable to get local issuer certificate"), std::string::npos) << message;

  // By default only the system's CAs are trusted, which do not include the test CA.
  auto system_cas = http_client(url());
  ASSERT_TRUE(system_cas.is_ok());
  EXPECT_NE((*system_cas)->schema_by_id(1).status().message().find("certificate verify failed"), std::string::npos);
  EXPECT_FALSE(registry_->get_version("m-value", "1", false).is_ok());
}

TEST_F(TlsClientTest, AHostTheCertificateDoesNotNameIsRefused) {
  // The certificate names "localhost", not "127.0.0.1", though both reach the same server.
  auto client = http_client(url("127.0.0.1"), "", file("ca.pem"));
  ASSERT_TRUE(client.is_ok());
  auto refused = (*client)->register_schema("m-value", kSchema);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("IP address mismatch"), std::string::npos) << refused.status().message();
  EXPECT_FALSE(registry_->get_version("m-value", "1", false).is_ok());
}

}  // namespace
}  // namespace careflow::registry
