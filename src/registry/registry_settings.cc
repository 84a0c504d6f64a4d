// The registry's settings: compatibility levels and modes, global, per context and per subject,
// and the fallback between them (see registry.h).
#include <fmt/format.h>

#include <algorithm>

#include "registry/registry.h"

namespace careflow::registry {

namespace {

constexpr std::pair<Compatibility, std::string_view> kLevels[] = {
    {Compatibility::kNone, "NONE"},
    {Compatibility::kBackward, "BACKWARD"},
    {Compatibility::kBackwardTransitive, "BACKWARD_TRANSITIVE"},
    {Compatibility::kForward, "FORWARD"},
    {Compatibility::kForwardTransitive, "FORWARD_TRANSITIVE"},
    {Compatibility::kFull, "FULL"},
    {Compatibility::kFullTransitive, "FULL_TRANSITIVE"},
};

constexpr std::string_view kModes[] = {"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT"};

RegistryError invalid_level() {
  return {42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, "
                 "and full_transitive"};
}

RegistryError invalid_mode(const std::string& mode) {
  return {42204, fmt::format("Invalid mode '{}'. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT", mode)};
}

RegistryError no_subject_level(const std::string& subject) {
  return {40408, fmt::format("Subject '{}' does not have subject-level compatibility configured", subject)};
}

RegistryError no_subject_mode(const std::string& subject) {
  return {40409, fmt::format("Subject '{}' does not have subject-level mode configured", subject)};
}

bool read_only(const std::string& mode) { return mode == "READONLY" || mode == "READONLY_OVERRIDE"; }

}  // namespace

std::string_view compatibility_name(Compatibility c) {
  for (const auto& [level, name] : kLevels) {
    if (level == c) return name;
  }
  return "BACKWARD";
}

std::optional<Compatibility> parse_compatibility(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const auto& [level, n] : kLevels) {
    if (n == upper) return level;
  }
  return std::nullopt;
}

bool is_valid_mode(const std::string& mode) { return std::find(std::begin(kModes), std::end(kModes), mode) != std::end(kModes); }

bool SchemaRegistry::Subject::has_live() const {
  return std::any_of(versions.begin(), versions.end(), [](const Version& v) { return !v.deleted; });
}

Compatibility SchemaRegistry::level_of(const std::string& subject) const {
  for (const std::string& scope : {subject, context_subject(context_of(subject))}) {
    auto it = subjects_.find(scope);
    if (!scope.empty() && it != subjects_.end() && it->second.compatibility) return *it->second.compatibility;
  }
  return global_;
}

std::string SchemaRegistry::mode_of(const std::string& subject) const {
  if (mode_ == "READONLY_OVERRIDE") return mode_;
  for (const std::string& scope : {subject, context_subject(context_of(subject))}) {
    auto it = subjects_.find(scope);
    if (!scope.empty() && it != subjects_.end() && it->second.mode) return *it->second.mode;
  }
  return mode_;
}

std::optional<RegistryError> SchemaRegistry::refuse_if_read_only(const std::string& subject) const {
  if (read_only(mode_of(subject))) return RegistryError{42205, fmt::format("Subject {} is in read-only mode", subject)};
  return std::nullopt;
}

Compatibility SchemaRegistry::global_compatibility() const {
  std::lock_guard lock(mu_);
  return global_;
}

Answer<Compatibility> SchemaRegistry::set_global_compatibility(const std::string& level) {
  auto parsed = parse_compatibility(level);
  if (!parsed) return invalid_level();
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  global_ = *parsed;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return *parsed;
}

Answer<Compatibility> SchemaRegistry::subject_compatibility(const std::string& subject, bool default_to_global) const {
  std::lock_guard lock(mu_);
  auto it = subjects_.find(subject);
  if (it != subjects_.end() && it->second.compatibility) return *it->second.compatibility;
  if (default_to_global) return level_of(subject);
  return no_subject_level(subject);
}

Answer<Compatibility> SchemaRegistry::set_subject_compatibility(const std::string& subject, const std::string& level) {
  auto parsed = parse_compatibility(level);
  if (!parsed) return invalid_level();
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  subjects_[subject].compatibility = *parsed;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return *parsed;
}

Answer<Compatibility> SchemaRegistry::delete_subject_compatibility(const std::string& subject) {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || !it->second.compatibility) return no_subject_level(subject);
  Compatibility previous = *it->second.compatibility;
  it->second.compatibility.reset();
  if (it->second.versions.empty() && !it->second.mode) subjects_.erase(it);
  if (auto e = save_or_restore(std::move(before))) return *e;
  return previous;
}

std::string SchemaRegistry::mode() const {
  std::lock_guard lock(mu_);
  return mode_;
}

Answer<std::string> SchemaRegistry::set_mode(const std::string& mode, bool force) {
  if (!is_valid_mode(mode)) return invalid_mode(mode);
  std::lock_guard lock(mu_);
  if (mode == "IMPORT" && mode_ != "IMPORT" && !force &&
      std::any_of(subjects_.begin(), subjects_.end(), [](const auto& s) { return s.second.has_live(); })) {
    return RegistryError{42205, "Cannot import since found existing subjects"};
  }
  Snapshot before = snapshot();
  mode_ = mode;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return mode;
}

Answer<std::string> SchemaRegistry::reset_mode() {
  std::lock_guard lock(mu_);
  Snapshot before = snapshot();
  std::string previous = mode_;
  mode_ = "READWRITE";
  if (auto e = save_or_restore(std::move(before))) return *e;
  return previous;
}

Answer<std::string> SchemaRegistry::subject_mode(const std::string& subject, bool default_to_global) const {
  std::lock_guard lock(mu_);
  auto it = subjects_.find(subject);
  if (it != subjects_.end() && it->second.mode) return *it->second.mode;
  if (default_to_global) return mode_of(subject);
  return no_subject_mode(subject);
}

Answer<std::string> SchemaRegistry::set_subject_mode(const std::string& subject, const std::string& mode, bool force) {
  if (!is_valid_mode(mode)) return invalid_mode(mode);
  std::lock_guard lock(mu_);
  if (mode == "IMPORT" && mode_of(subject) != "IMPORT" && !force) {
    // A context's subject (":.ctx:") stands for every subject in it.
    const bool whole_context = subject == context_subject(context_of(subject));
    for (const auto& [name, s] : subjects_) {
      const bool in_scope = whole_context ? context_of(name) == context_of(subject) : name == subject;
      if (in_scope && s.has_live()) return RegistryError{42205, "Cannot import since found existing subjects"};
    }
  }
  Snapshot before = snapshot();
  subjects_[subject].mode = mode;
  if (auto e = save_or_restore(std::move(before))) return *e;
  return mode;
}

Answer<std::string> SchemaRegistry::delete_subject_mode(const std::string& subject) {
  std::lock_guard lock(mu_);
  auto it = subjects_.find(subject);
  if (it == subjects_.end() || !it->second.mode) return no_subject_mode(subject);
  Snapshot before = snapshot();
  std::string previous = *it->second.mode;
  it->second.mode.reset();
  if (it->second.versions.empty() && !it->second.compatibility) subjects_.erase(it);
  if (auto e = save_or_restore(std::move(before))) return *e;
  return previous;
}

std::vector<std::string> SchemaRegistry::contexts() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out = {kDefaultContext};
  auto add = [&out](const std::string& ctx) {
    if (std::find(out.begin(), out.end(), ctx) == out.end()) out.push_back(ctx);
  };
  for (const auto& [name, c] : contexts_) {
    if (!c.schemas.empty()) add(name);
  }
  for (const auto& [name, s] : subjects_) {
    if (!s.versions.empty()) add(context_of(name));
  }
  std::sort(out.begin() + 1, out.end());
  return out;
}

}  // namespace careflow::registry
