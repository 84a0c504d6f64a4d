#include "sqltest/shift_left_definition.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace careflow::sqltest {
namespace {

// yaml-cpp reports 0-based marks; the messages say line:column as editors count them.
std::string where(const std::string& path, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return path;
  return fmt::format("{}:{}:{}", path, mark.line + 1, mark.column + 1);
}

Result<std::string> required_string(const std::string& path, const YAML::Node& map, const char* key) {
  const YAML::Node value = map[key];
  if (!value || !value.IsScalar() || value.Scalar().empty()) {
    return Status::invalid_argument(fmt::format("{}: '{}' is missing or not a string", where(path, map), key));
  }
  return value.Scalar();
}

Result<std::vector<ShiftLeftData>> data_list(const std::string& path, const YAML::Node& test_case, const char* key) {
  std::vector<ShiftLeftData> out;
  const YAML::Node list = test_case[key];
  if (!list) return out;
  if (!list.IsSequence()) return Status::invalid_argument(fmt::format("{}: '{}' must be a list", where(path, list), key));
  for (const YAML::Node& item : list) {
    if (!item.IsMap()) return Status::invalid_argument(fmt::format("{}: each of '{}' must be a mapping", where(path, item), key));
    ShiftLeftData data;
    CF_ASSIGN_OR_RETURN(data.table_name, required_string(path, item, "table_name"));
    // `file_name` since shift_left 0.1.x; `sql_file_name` in the first layouts.
    const char* file_key = item["file_name"] ? "file_name" : "sql_file_name";
    CF_ASSIGN_OR_RETURN(data.file, required_string(path, item, file_key));
    if (const YAML::Node type = item["file_type"]) {
      const std::string t = type.IsScalar() ? type.Scalar() : "";
      if (t != "sql" && t != "csv") {
        return Status::invalid_argument(fmt::format("{}: file_type must be sql or csv, not '{}'", where(path, type), t));
      }
      data.csv = t == "csv";
    }
    out.push_back(std::move(data));
  }
  return out;
}

}  // namespace

Result<ShiftLeftDefinition> parse_shift_left_definition(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status::not_found(fmt::format("{}: cannot be read", path));
  } catch (const YAML::Exception& e) {
    return Status::invalid_argument(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) return Status::invalid_argument(fmt::format("{}: expected a mapping with foundations and test_suite", path));
  ShiftLeftDefinition def;
  try {
    if (const YAML::Node foundations = root["foundations"]) {
      if (!foundations.IsSequence()) return Status::invalid_argument(fmt::format("{}: 'foundations' must be a list", where(path, foundations)));
      for (const YAML::Node& f : foundations) {
        if (!f.IsMap()) return Status::invalid_argument(fmt::format("{}: each foundation must be a mapping", where(path, f)));
        ShiftLeftFoundation foundation;
        CF_ASSIGN_OR_RETURN(foundation.table_name, required_string(path, f, "table_name"));
        CF_ASSIGN_OR_RETURN(foundation.ddl_file, required_string(path, f, "ddl_for_test"));
        def.foundations.push_back(std::move(foundation));
      }
    }
    const YAML::Node suite = root["test_suite"];
    if (!suite || !suite.IsSequence() || suite.size() == 0) {
      return Status::invalid_argument(fmt::format("{}: 'test_suite' must be a non-empty list", path));
    }
    for (const YAML::Node& c : suite) {
      if (!c.IsMap()) return Status::invalid_argument(fmt::format("{}: each test case must be a mapping", where(path, c)));
      ShiftLeftCase test_case;
      CF_ASSIGN_OR_RETURN(test_case.name, required_string(path, c, "name"));
      CF_ASSIGN_OR_RETURN(test_case.inputs, data_list(path, c, "inputs"));
      CF_ASSIGN_OR_RETURN(test_case.outputs, data_list(path, c, "outputs"));
      if (test_case.outputs.empty()) {
        return Status::invalid_argument(fmt::format("{}: test case '{}' has no outputs to validate", where(path, c), test_case.name));
      }
      def.cases.push_back(std::move(test_case));
    }
  } catch (const YAML::Exception& e) {
    return Status::invalid_argument(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return def;
}

}  // namespace careflow::sqltest
