//! The lexer (Go's `text/template/parse/lex.go`).
