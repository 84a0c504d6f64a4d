#include "jobs/deploy_target.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "common/ascii_case.h"
#include "exec/session.h"
#include "sql/lexer.h"

namespace careflow::jobs {

namespace {

constexpr std::array<std::string_view, 3> kFormatKeys = {"format", "key.format", "value.format"};

// 'key.format' -> "key.", 'value.format' -> "value.", 'format' -> "": the prefix of its format's options.
std::string format_prefix(std::string_view format_key) {
  return std::string(format_key.substr(0, format_key.size() - std::string_view("format").size()));
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool is_debezium(std::string_view format) { return format.find("debezium") != std::string_view::npos; }

std::string connector_of(const WithClause& clause) {
  const std::string* c = clause.find("connector");
  return c ? *c : std::string();
}

std::string joined_keys(const TableOptionList& options) {
  std::string out;
  for (const auto& [key, value] : options) out += (out.empty() ? "" : ", ") + sql_string(key);
  return out;
}

// The order careflow up creates the tables in (pipeline_deployer.cc): passes over the DDLs in
// file order on a scratch catalog until a pass adds nothing; DDLs that never apply here come last,
// in file order, for the target to judge.
std::vector<size_t> ddl_order(const std::vector<PipelineTable>& tables) {
  exec::Session scratch;
  std::vector<size_t> order, pending;
  for (size_t i = 0; i < tables.size(); ++i) pending.push_back(i);
  while (!pending.empty()) {
    std::vector<size_t> failed;
    for (size_t i : pending) {
      if (scratch.execute_script(tables[i].ddl).is_ok()) {
        order.push_back(i);
      } else {
        failed.push_back(i);
      }
    }
    if (failed.size() == pending.size()) break;
    pending = std::move(failed);
  }
  order.insert(order.end(), pending.begin(), pending.end());
  return order;
}

DeployStep set_step(std::string key, std::string value) {
  DeployStep s;
  s.kind = DeployStep::Kind::kSet;
  s.statement = fmt::format("SET {} = {}", sql_string(key), sql_string(value));
  return s;
}

}  // namespace

TableOptionList flink_missing_options(const WithClause& clause, const DeployTargetOptions& o) {
  TableOptionList add;
  const std::string connector = connector_of(clause);
  if (connector == "kafka" || connector == "upsert-kafka") {
    add.emplace_back("properties.bootstrap.servers", o.bootstrap_servers);
    // upsert-kafka always reads from the start and has no such option.
    if (connector == "kafka") add.emplace_back("scan.startup.mode", o.startup_mode);
    for (std::string_view key : kFormatKeys) {
      const std::string* format = clause.find(key);
      if (!format || !ends_with(*format, "avro-confluent")) continue;
      const std::string options = format_prefix(key) + *format;  // value.avro-confluent, debezium-avro-confluent, ...
      add.emplace_back(options + ".url", o.schema_registry_url);
      if (!o.registry_user_info.empty()) {
        add.emplace_back(options + ".basic-auth.credentials-source", "USER_INFO");
        add.emplace_back(options + ".basic-auth.user-info", o.registry_user_info);
      }
    }
  } else if (connector == "iceberg") {
    add.emplace_back("catalog-type", "hadoop");
    add.emplace_back("warehouse", o.warehouse);
  }
  std::erase_if(add, [&](const auto& kv) { return clause.find(kv.first) != nullptr; });
  return add;
}

TableOptionList confluent_options(const WithClause& clause, std::string* skip) {
  const std::string connector = connector_of(clause);
  if (connector == "iceberg") {
    *skip = "a lake table: on Confluent Cloud, enable Tableflow on the topic it copies (Iceberg), no statement";
    return {};
  }
  TableOptionList out;
  bool debezium = false;
  for (const WithOption& o : clause.options) {
    const std::string& k = o.key;
    if (k == "connector" || k == "topic" || k.starts_with("properties.")) continue;
    if (k.find("avro-confluent.") != std::string::npos) continue;  // registry URL and credentials: Confluent Cloud's own
    if (std::find(kFormatKeys.begin(), kFormatKeys.end(), k) != kFormatKeys.end()) {
      const std::string key = k == "format" ? "value.format" : k;
      if (o.value == "avro-confluent") continue;  // Confluent Cloud's default, 'avro-registry'
      if (o.value == "debezium-avro-confluent") {
        debezium = true;
        out.emplace_back(key, "avro-debezium-registry");
        continue;
      }
      debezium = debezium || is_debezium(o.value);
      out.emplace_back(key, o.value);
      continue;
    }
    out.emplace_back(k, o.value);
  }
  const bool has_mode = clause.find("changelog.mode") != nullptr;
  if (!has_mode && debezium) out.emplace_back("changelog.mode", "retract");
  if (!has_mode && connector == "upsert-kafka") out.emplace_back("changelog.mode", "upsert");
  return out;
}

std::string ml_function_called(std::string_view sql) {
  auto tokens = sql::tokenize(sql);
  if (!tokens) return "";
  for (size_t i = 0; i + 1 < tokens->size(); ++i) {
    const sql::Token& t = (*tokens)[i];
    const sql::Token& next = (*tokens)[i + 1];
    if (t.kind != sql::TokenKind::kIdentifier || next.kind != sql::TokenKind::kSymbol || next.text != "(") continue;
    if (iequals(t.text, "ML_DETECT_ANOMALIES") || iequals(t.text, "ML_FORECAST")) return to_upper(t.text);
  }
  return "";
}

Result<DeployPlan> plan_deployment(const std::string& root, const std::vector<PipelineTable>& tables,
                                   const DeployTargetOptions& options) {
  DeployPlan plan;
  plan.target = options.target;
  plan.root = root;
  const bool flink = options.target == DeployTargetKind::kFlink;
  // The tables' times are UTC (docs/pipelines.md "Times in the tables"): Confluent Cloud's default,
  // not Apache Flink's (the machine's zone).
  if (flink) plan.steps.push_back(set_step("table.local-time-zone", "UTC"));
  std::vector<bool> skipped(tables.size(), false);
  for (size_t i : ddl_order(tables)) {
    const PipelineTable& t = tables[i];
    auto clause = find_with_clause(t.ddl);
    if (!clause) return clause.status().with_context(t.ddl_file);
    DeployStep step;
    step.kind = DeployStep::Kind::kDdl;
    step.table = t.name;
    step.file = t.ddl_file;
    std::string ddl = t.ddl;
    if (*clause && flink) {
      const TableOptionList add = flink_missing_options(**clause, options);
      if (connector_of(**clause) == "iceberg" && options.warehouse.empty()) {
        return Status::invalid_argument(fmt::format("{}: an Iceberg table needs a warehouse (--warehouse)", t.ddl_file));
      }
      ddl = with_options_added(ddl, **clause, add);
      if (!add.empty()) step.note = "added " + joined_keys(add);
    } else if (*clause) {
      std::string skip;
      const TableOptionList kept = confluent_options(**clause, &skip);
      if (!skip.empty()) {
        step.kind = DeployStep::Kind::kSkipped;
        step.note = skip;
        skipped[i] = true;
        plan.steps.push_back(std::move(step));
        continue;
      }
      ddl = with_options_replaced(ddl, **clause, kept);
      step.note = kept.empty() ? "no WITH options: a Kafka topic with the Confluent Schema Registry"
                               : "options kept for Confluent Cloud: " + joined_keys(kept);
    }
    step.statement = without_final_semicolon(ddl);
    plan.steps.push_back(std::move(step));
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    const PipelineTable& t = tables[i];
    if (t.dml.empty()) continue;
    DeployStep step;
    step.kind = DeployStep::Kind::kDml;
    step.table = t.name;
    step.file = t.dml_file;
    if (skipped[i]) {
      step.kind = DeployStep::Kind::kSkipped;
      step.note = "its table is not deployed on Confluent Cloud (Tableflow)";
      plan.steps.push_back(std::move(step));
      continue;
    }
    if (const std::string ml = ml_function_called(t.dml); flink && !ml.empty() && !options.include_ml) {
      step.kind = DeployStep::Kind::kSkipped;
      step.note = fmt::format("calls {}, a Confluent Cloud function Apache Flink does not have (--include-ml sends it)", ml);
      plan.steps.push_back(std::move(step));
      continue;
    }
    // The job's name: 'pipeline.name' on Apache Flink, the statement name in Confluent Cloud's shell.
    plan.steps.push_back(set_step(flink ? "pipeline.name" : "client.statement-name",
                                  flink ? t.name : confluent_statement_name("dml", t.name)));
    plan.steps.back().table = t.name;
    plan.steps.back().file = t.dml_file;
    step.statement = without_final_semicolon(t.dml);
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

std::string confluent_statement_name(std::string_view kind, std::string_view table) {
  std::string name = fmt::format("careflow-{}-", kind);
  for (char c : table) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (ok) {
      name += l;
    } else if (name.back() != '-') {
      name += '-';
    }
  }
  while (name.back() == '-') name.pop_back();
  return name.substr(0, 100);
}

std::string render_script(const DeployPlan& plan) {
  size_t sent = 0, skipped = 0;
  for (const DeployStep& s : plan.steps) (s.kind == DeployStep::Kind::kSkipped ? skipped : sent) += 1;
  std::string out = fmt::format(
      "-- careflow pipeline deploy --target {} of {}: {} statements in the order they are sent, {} skipped\n",
      plan.target == DeployTargetKind::kFlink ? "flink" : "confluent", plan.root, sent, skipped);
  std::string last_file;
  for (const DeployStep& s : plan.steps) {
    if (!s.file.empty() && s.file != last_file) {
      out += fmt::format("\n-- file: {}\n", s.file);
      last_file = s.file;
    } else if (s.file.empty()) {
      out += "\n";
    }
    if (s.kind == DeployStep::Kind::kSkipped) {
      out += fmt::format("-- skipped: {}\n", s.note);
      continue;
    }
    if (!s.note.empty()) out += fmt::format("-- {}\n", s.note);
    // A statement whose last line holds a comment gets its ';' on a line of its own.
    const size_t last_line = s.statement.rfind('\n');
    const bool comment_at_end = s.statement.find("--", last_line == std::string::npos ? 0 : last_line) != std::string::npos;
    out += s.statement + (comment_at_end ? "\n;\n" : ";\n");
  }
  return out;
}

namespace {

// 'it'\''s': a shell word that is the text as it is.
std::string shell_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The statement without the comment lines above it (the file's header): a command line to read.
std::string_view without_leading_comments(std::string_view sql) {
  size_t at = 0;
  while (at < sql.size()) {
    const size_t end = std::min(sql.find('\n', at), sql.size());
    const std::string_view line = sql.substr(at, end - at);
    const size_t text = line.find_first_not_of(" \t\r");
    if (text != std::string_view::npos && !line.substr(text).starts_with("--")) break;
    at = end + 1;
  }
  return at < sql.size() ? sql.substr(at) : sql;
}

}  // namespace

std::string render_confluent_cli(const DeployPlan& plan) {
  std::string out = fmt::format(
      "#!/usr/bin/env bash\n"
      "# careflow pipeline deploy --target confluent --confluent-cli of {}: one `confluent flink statement create`\n"
      "# per statement (without the files' header comments), in the order careflow up deploys them\n"
      "# (deploy/README.md).\n"
      "set -euo pipefail\n"
      ": \"${{CONFLUENT_COMPUTE_POOL:?the compute pool id, lfcp-...}}\"\n"
      ": \"${{CONFLUENT_DATABASE:?the Kafka cluster id or name, lkc-...}}\"\n",
      plan.root);
  for (const DeployStep& s : plan.steps) {
    if (s.kind == DeployStep::Kind::kSet) continue;  // the statement name is the command's argument
    out += fmt::format("\n# {}\n", s.file);
    if (s.kind == DeployStep::Kind::kSkipped) {
      out += fmt::format("# skipped: {}\n", s.note);
      continue;
    }
    const std::string name = confluent_statement_name(s.kind == DeployStep::Kind::kDdl ? "ddl" : "dml", s.table);
    out += fmt::format(
        "confluent flink statement create {} --compute-pool \"$CONFLUENT_COMPUTE_POOL\" --database \"$CONFLUENT_DATABASE\" "
        "--wait --sql {}\n",
        name, shell_quoted(without_leading_comments(s.statement)));
  }
  return out;
}

}  // namespace careflow::jobs
