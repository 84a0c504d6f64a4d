#pragma once
// A registry of definitions found by identifier, as Flink finds its factories: each definition
// joins from its own file at static initialization (CF_JOIN_REGISTRY), and the code that needs one
// asks by name and never lists them. The connector and format registries are its instances; a
// listener, catalog or operator family that grows the same way should be one too.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careflow {

// "'a', 'b' and 'c'": the names quoted and sorted, for messages that list what is known.
std::string quoted_names(std::vector<std::string> names);

// Definition needs a `std::string identifier` member.
template <typename Definition>
class IdentifierRegistry {
 public:
  void add(Definition definition) { definitions_.push_back(std::move(definition)); }

  // Null for an identifier nobody registered.
  const Definition* find(std::string_view identifier) const {
    return find_if([&](const Definition& d) { return d.identifier == identifier; });
  }

  const Definition* find_if(const std::function<bool(const Definition&)>& matches) const {
    for (const Definition& d : definitions_) {
      if (matches(d)) return &d;
    }
    return nullptr;
  }

  // The identifiers of the definitions `keep` accepts (all without one), for error messages.
  std::string known(const std::function<bool(const Definition&)>& keep = nullptr) const {
    std::vector<std::string> names;
    for (const Definition& d : definitions_) {
      if (!keep || keep(d)) names.push_back(d.identifier);
    }
    return quoted_names(std::move(names));
  }

 private:
  std::vector<Definition> definitions_;
};

#define CF_REGISTRY_CONCAT_(a, b) a##b
#define CF_REGISTRY_CONCAT(a, b) CF_REGISTRY_CONCAT_(a, b)
// At namespace scope in a definition's own file: adds the definition (the arguments after
// `registry`, which may hold commas) to `registry` before main runs.
#define CF_JOIN_REGISTRY(registry, ...)                                                   \
  [[maybe_unused]] static const bool CF_REGISTRY_CONCAT(cf_registry_joined_, __LINE__) = \
      ((registry).add(__VA_ARGS__), true)

}  // namespace careflow
