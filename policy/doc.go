// Package policy is the privacy statement as code, and the decision engine that enforces it.
//
// A policy document (YAML, see docs/policy.md and schema.json) declares what the operator's
// privacy statement promises: data categories and their fields, the purposes declared for each
// category with their legal basis, retention per lifecycle state, storage regions, recipients,
// statement versions, message types and staff access rules. Every entry names the requirement
// IDs (R-IDs, see rids.txt) it implements. [Parse] and [Check] validate a document with errors
// that point at the offending line; [Compile] turns it into an [Engine] whose [Engine.Decide]
// answers the one question asked everywhere in custos: may this actor use this category of
// this subject's data for this purpose, now?
//
// The package is a pure core. It must never do I/O of its own (no files, database, network or
// clock: callers pass bytes and facts in), never log, and never put a value from a subject's
// facts into an error. Decide must never allocate: it runs on every read of personal
// information.
package policy
