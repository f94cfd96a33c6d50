// Package schema is Gatehouse's data model: one ent schema per type, with
// its GraphQL annotations (entgql), its privacy policy (package rule) and
// the hooks that keep it consistent (hooks.go, validate_hooks.go). Enum
// vocabularies live in package enum, shared field sets in package mixin.
// Everything under ent/ except these packages, ent/viewer and
// ent/migrate/{migdiff,migrations} is generated from here.
package schema
