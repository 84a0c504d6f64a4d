#pragma once
// Flink SQL tokens. Keywords are not distinguished from identifiers here: Flink (Calcite) reserves
// few words in practice and the parser asks "is this identifier the word X?" case-insensitively,
// so a column named `value` or `timestamp` works when back-quoted and, where unambiguous, bare.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii_case.h"
#include "common/status.h"

namespace careflow::sql {

// A place in the statement text, 1-based, as every error message shows it: "line 3:17".
struct SourcePos {
  int line = 1;
  int column = 1;
};

enum class TokenKind {
  kIdentifier,         // bare word: SELECT, price, TIMESTAMP
  kQuotedIdentifier,   // `healthcare.public.prescriptions` (text without the quotes, `` unescaped)
  kString,             // 'it''s' (text unescaped)
  kInteger,            // 42
  kDecimal,            // 4.2, .5
  kDouble,             // 4.2E3
  kSymbol,             // ( ) , . ; + - * / % = <> != < <= > >= || [ ] : and ? { } | ^ $ (MATCH_RECOGNIZE patterns)
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string text;
  SourcePos pos;
};

// Splits `sql` into tokens, skipping whitespace, -- line comments and /* block */ comments.
// InvalidArgument "line L:C: ..." for an unterminated string, quoted identifier or comment, or a
// character that starts no token.
Result<std::vector<Token>> tokenize(std::string_view sql);

}  // namespace careflow::sql
