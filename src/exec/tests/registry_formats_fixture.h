#pragma once
// The fixture of the registry formats' tests (avro_formats_test.cc, json_registry_format_test.cc):
// a real embedded Schema Registry in a scratch folder, tables made by a real session, and helpers
// that encode rows to records and decode them back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "exec/formats/record_format.h"
#include "exec/session.h"
#include "registry/client_implementations.h"
#include "registry/registry.h"

namespace careflow::exec::test_support {

using values::DataType;

// A real embedded Schema Registry in a folder, its client and the formats' view of it; each
// depends on the one before (members are destroyed in reverse, and close() releases them so).
struct EmbeddedRegistry {
  // Opens it; a failure is reported to the running test and leaves the members null.
  void open(const std::filesystem::path& dir) {
    auto reg = registry::SchemaRegistry::open(dir.string());
    ASSERT_TRUE(reg.is_ok()) << reg.status().to_string();
    registry = std::move(reg).value();
    client = registry::embedded_client(*registry);
    clients = std::make_unique<SchemaRegistryClients>(client.get(), serde::SerializerOptions{}, nullptr);
  }
  void close() {
    clients.reset();
    client.reset();
    registry.reset();
  }

  std::unique_ptr<registry::SchemaRegistry> registry;
  std::unique_ptr<serde::RegistryClient> client;
  std::unique_ptr<SchemaRegistryClients> clients;
};

class RegistryFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("careflow-registry-formats-" + std::to_string(getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    embedded_.open(dir_);
  }
  void TearDown() override {
    embedded_.close();
    std::filesystem::remove_all(dir_);
  }

  const sql::TableDef& table(const std::string& ddl) {
    auto r = session_.execute_script(ddl);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    std::string name = ddl.substr(13, ddl.find(' ', 13) - 13);
    const sql::TableDef* t = session_.catalog().table(name);
    EXPECT_NE(t, nullptr) << name;
    return *t;
  }
  std::unique_ptr<RecordFormat> format(const sql::TableDef& t) {
    auto f = make_record_format(t, registries_.get());
    EXPECT_TRUE(f.is_ok()) << f.status().to_string();
    return f.is_ok() ? std::move(*f) : nullptr;
  }
  static std::vector<log::Record> encode(const RecordFormat& f, const std::vector<Row>& rows) {
    std::vector<log::Record> out;
    for (const Row& row : rows) {
      Status s = f.encode(row, &out);
      EXPECT_TRUE(s.is_ok()) << s.to_string();
    }
    for (size_t i = 0; i < out.size(); ++i) out[i].offset = static_cast<int64_t>(i);
    return out;
  }
  static RowBatch decode(const RecordFormat& f, const std::vector<log::Record>& records) {
    RowBatch out;
    for (const log::Record& r : records) {
      Status s = f.decode(r, &out);
      EXPECT_TRUE(s.is_ok()) << s.to_string();
    }
    return out;
  }
  static std::string decode_error(const RecordFormat& f, const log::Record& record) {
    RowBatch out;
    Status s = f.decode(record, &out);
    EXPECT_FALSE(s.is_ok());
    return s.message();
  }
  static std::string text(const RowBatch& rows, const std::vector<DataType>& types) {
    std::string out;
    for (const Row& r : rows) out += format_row(r, types) + "\n";
    return out;
  }

  std::filesystem::path dir_;
  EmbeddedRegistry embedded_;
  std::unique_ptr<registry::SchemaRegistry>& registry_ = embedded_.registry;
  std::unique_ptr<serde::RegistryClient>& client_ = embedded_.client;
  std::unique_ptr<SchemaRegistryClients>& registries_ = embedded_.clients;
  Session session_;
};

}  // namespace careflow::exec::test_support
