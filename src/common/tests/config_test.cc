// Configuration: precedence, sources, errors with file:line:column, masking.

#include "common/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace careflow {
namespace {

class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() / ("careflow-config-" + std::to_string(getpid()) + "-" + std::to_string(++n_) + ".toml");
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int n_ = 0;
  std::filesystem::path path_;
};

TEST(Config, DefaultsThenFileThenEnvThenFlags) {
  ConfigFile file("data_dir = \"/from/file\"\n[http]\nport = 9000\nhost = \"0.0.0.0\"\n[topics]\npartitions = 3\n");
  ConfigSources sources;
  sources.file = file.path();
  sources.env = {{"CAREFLOW_HTTP_PORT", "9100"}, {"CAREFLOW_TOPICS_PARTITIONS", "4"}};
  sources.flags = {{"topics.partitions", "5", "--set"}, {"data_dir", "/from/flag", "--data-dir"}};
  auto config = Config::load(sources);
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->str("log.level"), "info");
  EXPECT_EQ(config->source("log.level"), "default");
  EXPECT_EQ(config->str("http.host"), "0.0.0.0");
  EXPECT_EQ(config->source("http.host"), file.path() + ":4");
  EXPECT_EQ(config->integer("http.port"), 9100);
  EXPECT_EQ(config->source("http.port"), "env CAREFLOW_HTTP_PORT");
  EXPECT_EQ(config->integer("topics.partitions"), 5);
  EXPECT_EQ(config->source("topics.partitions"), "flag --set");
  EXPECT_EQ(config->str("data_dir"), "/from/flag");
  EXPECT_EQ(config->source("data_dir"), "flag --data-dir");
}

TEST(Config, ReferenceStackEnvironmentNames) {
  ConfigSources sources;
  sources.env = {{"DATABASE_URL", "postgresql://app:s3cret@db.example:5432/health"},
                 {"KAFKA_BOOTSTRAP_SERVERS", "pkc-1.confluent.cloud:9092"},
                 {"KAFKA_API_KEY", "KEY"},
                 {"KAFKA_API_SECRET", "hunter2"},
                 {"SCHEMA_REGISTRY_URL", "https://psrc.example"}};
  auto config = Config::load(sources);
  ASSERT_TRUE(config.is_ok());
  EXPECT_EQ(config->str("database.url"), "postgresql://app:s3cret@db.example:5432/health");
  EXPECT_EQ(config->source("database.url"), "env DATABASE_URL");
  EXPECT_EQ(config->display("database.url"), "postgresql://app:****@db.example:5432/health");
  EXPECT_EQ(config->str("kafka.bootstrap_servers"), "pkc-1.confluent.cloud:9092");
  EXPECT_EQ(config->display("kafka.api_key"), "KEY");
  EXPECT_EQ(config->display("kafka.api_secret"), "****");
  EXPECT_EQ(config->str("schema_registry.url"), "https://psrc.example");
  // The CAREFLOW_ name wins over the reference name.
  sources.env["CAREFLOW_DATABASE_URL"] = "postgresql://other@h/db";
  EXPECT_EQ(Config::load(sources)->str("database.url"), "postgresql://other@h/db");
  const std::string dumped = Config::load(sources)->to_json().dump();
  EXPECT_EQ(dumped.find("hunter2"), std::string::npos);
  EXPECT_EQ(dumped.find("s3cret"), std::string::npos);
}

TEST(Config, UnknownKeyNamesFileLineAndSuggests) {
  ConfigFile file("data_dir = \"x\"\n\n[htp]\nport = 1\n");
  ConfigSources sources;
  sources.file = file.path();
  auto config = Config::load(sources);
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().message(), file.path() + ":4:1: unknown key 'htp.port' (did you mean 'http.port'?)");
}

TEST(Config, WrongTypeNamesKeyAndPosition) {
  ConfigFile file("[http]\nport = \"eighty\"\n");
  ConfigSources sources;
  sources.file = file.path();
  auto config = Config::load(sources);
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().message(), file.path() + ":2:8: key 'http.port' must be an integer, got string");
}

TEST(Config, SyntaxErrorsAndBadValuesAreNamed) {
  ConfigFile broken("[http\nport = 1\n");
  ConfigSources sources;
  sources.file = broken.path();
  auto config = Config::load(sources);
  ASSERT_FALSE(config.is_ok());
  EXPECT_TRUE(config.status().message().starts_with(broken.path() + ":1:")) << config.status().message();

  ConfigFile level("[log]\nlevel = \"loud\"\n");
  sources.file = level.path();
  EXPECT_NE(Config::load(sources).status().message().find("must be one of trace, debug, info, warn, error, got 'loud'"),
            std::string::npos);

  ConfigSources env;
  env.env = {{"CAREFLOW_HTTP_PORT", "80a"}};
  auto bad_env = Config::load(env);
  ASSERT_FALSE(bad_env.is_ok());
  EXPECT_EQ(bad_env.status().message(), "environment variable CAREFLOW_HTTP_PORT: key 'http.port' must be an integer, got '80a'");

  ConfigSources flag;
  flag.flags = {{"http.prot", "1", "--set"}};
  EXPECT_EQ(Config::load(flag).status().message(), "--set: unknown key 'http.prot' (did you mean 'http.port'?)");

  ConfigSources missing;
  missing.file = "/nonexistent/careflow.toml";
  EXPECT_EQ(Config::load(missing).status().message(), "config file /nonexistent/careflow.toml does not exist");
}

TEST(Config, EveryKeyHasACareflowEnvironmentName) {
  for (const ConfigKey& k : config_keys()) {
    ConfigSources sources;
    const std::string value = k.type == ConfigType::kInt ? std::to_string(std::max<int64_t>(7, k.range.min))
                              : k.type == ConfigType::kBool ? std::string(k.default_value == "true" ? "false" : "true")
                              : k.type == ConfigType::kDouble ? std::string("0.5")
                              : !k.allowed.empty()       ? std::string(k.allowed.back())
                                                         : "v";
    sources.env = {{careflow_env_name(k.name), value}};
    auto config = Config::load(sources);
    ASSERT_TRUE(config.is_ok()) << k.name << ": " << config.status().to_string();
    EXPECT_EQ(config->str(k.name), value) << k.name;
  }
  EXPECT_EQ(careflow_env_name("schema_registry.api_key"), "CAREFLOW_SCHEMA_REGISTRY_API_KEY");
}

TEST(Config, IntegersOutsideTheirRangeAreNamedWithTheirLimits) {
  ConfigFile file("[http]\nport = 70000\n");
  ConfigSources sources;
  sources.file = file.path();
  EXPECT_EQ(Config::load(sources).status().message(), file.path() + ":2:8: key 'http.port' must be between 0 and 65535, got 70000");

  ConfigSources env;
  env.env = {{"CAREFLOW_TOPICS_SEGMENT_BYTES", "100"}};
  EXPECT_EQ(Config::load(env).status().message(),
            "environment variable CAREFLOW_TOPICS_SEGMENT_BYTES: key 'topics.segment_bytes' must be at least 1024, got 100");

  ConfigSources flag;
  flag.flags = {{"topics.partitions", "0", "--set"}};
  EXPECT_EQ(Config::load(flag).status().message(), "--set: key 'topics.partitions' must be between 1 and 10000, got 0");
  flag.flags = {{"topics.retention_ms", "-1", "--set"}};
  EXPECT_TRUE(Config::load(flag).is_ok()) << "-1 means keep forever";
}

TEST(Config, EveryDefaultIsAValidValue) {
  auto config = Config::load({});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  for (const ConfigKey& k : config_keys()) {
    EXPECT_EQ(config->str(k.name), k.default_value) << k.name;
    EXPECT_EQ(config->source(k.name), "default") << k.name;
    EXPECT_FALSE(k.description.empty()) << k.name;
  }
}

TEST(Config, SectionsAndValuesMustHaveTheRightShape) {
  ConfigFile table_for_value("[data_dir]\npath = \"/x\"\n");
  ConfigSources sources;
  sources.file = table_for_value.path();
  EXPECT_EQ(Config::load(sources).status().message(), table_for_value.path() + ":1:1: key 'data_dir' must be a string, got table");

  ConfigFile dotted("http.port = 9000\nlog = { level = \"debug\" }\n");
  sources.file = dotted.path();
  auto config = Config::load(sources);
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->integer("http.port"), 9000);
  EXPECT_EQ(config->str("log.level"), "debug");
  EXPECT_EQ(config->source("log.level"), dotted.path() + ":2");
}

TEST(Config, ReadsCareflowTomlFromTheWorkingDirectoryWhenNoFileIsGiven) {
  const auto previous = std::filesystem::current_path();
  const auto dir = std::filesystem::temp_directory_path() / ("careflow-config-cwd-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "careflow.toml") << "\n[http]\nhost = \"0.0.0.0\"\n";
  std::filesystem::current_path(dir);
  auto config = Config::load({});
  std::filesystem::current_path(previous);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->str("http.host"), "0.0.0.0");
  EXPECT_EQ(config->source("http.host"), "careflow.toml:3");
}

TEST(Config, EmptyUnknownSectionsAreNamed) {
  ConfigFile file("[kafka]\n\n[htp]\n");
  ConfigSources sources;
  sources.file = file.path();
  EXPECT_EQ(Config::load(sources).status().message(), file.path() + ":3:1: unknown section 'htp' (did you mean 'http'?)");
}

TEST(Config, WarnsAboutCareflowVariablesThatLookLikeTypos) {
  ConfigSources sources;
  sources.env = {{"CAREFLOW_HTTP_PROT", "1"}, {"CAREFLOW_BENCH_DIR", "/tmp"}, {"CAREFLOW_HTTP_PORT", "9000"}, {"HTTP_PROT", "1"}};
  auto config = Config::load(sources);
  ASSERT_TRUE(config.is_ok());
  EXPECT_EQ(config->warnings(), std::vector<std::string>{"environment variable CAREFLOW_HTTP_PROT is not a careflow setting (did "
                                                         "you mean CAREFLOW_HTTP_PORT?); it is ignored"});
}

TEST(Config, MasksPasswordsInUrlsAndConnectionStrings) {
  EXPECT_EQ(mask_url_password("postgresql://u:p@h:5432/d"), "postgresql://u:****@h:5432/d");
  EXPECT_EQ(mask_url_password("postgresql://u@h/d"), "postgresql://u@h/d");
  EXPECT_EQ(mask_url_password("host=h user=u password=secret dbname=d"), "host=h user=u password=**** dbname=d");
}

}  // namespace
}  // namespace careflow
