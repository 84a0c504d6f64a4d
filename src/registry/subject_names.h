#pragma once
// Confluent's qualified subject names: ":.ctx:name" is subject "name" in context ".ctx"; an
// unqualified name is in the default context ".". ":.ctx:" alone names the context itself (its
// compatibility and mode are stored under it).

#include <string>

namespace careflow::registry {

inline constexpr const char* kDefaultContext = ".";

// ":.ctx:name" → ".ctx"; anything else → ".".
std::string context_of(const std::string& subject);
// Whether `subject` names its context explicitly (":.ctx:..." with a non-default context).
bool is_qualified(const std::string& subject);
// `name` placed in `context`: unchanged when already qualified or when the context is ".".
std::string qualify(const std::string& context, const std::string& name);
// The subject that stands for a whole context: ".ctx" → ":.ctx:"; "." → "".
std::string context_subject(const std::string& context);
// A context as written in a URL ("/contexts/.flink-dev/..."): "." and ":.:" are the default
// context; a name without its leading dot gets one, as Confluent accepts both.
std::string normalize_context(const std::string& text);

}  // namespace careflow::registry
