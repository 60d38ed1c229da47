// Package opa compares custos's decision engine with Open Policy Agent on the same facts: the
// default policy's decision rules written in Rego (custos.rego) against policy.Engine.Decide.
// It is a separate module so that OPA never enters custos's own dependencies; it holds only
// tests and benchmarks (run.sh runs them).
package opa
