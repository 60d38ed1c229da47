package policy_test

import (
	"fmt"
	"os"

	"custos.dev/custos/policy"
)

// A caller resolves the facts it holds into a Question once, then asks.
func ExampleEngine_Decide() {
	e := policy.Default()
	f := policy.Facts{
		Actor:    policy.ActorFacts{Role: "support-engineer", Location: "abroad"},
		Subject:  policy.SubjectFacts{Tenant: "t1", State: "active", RealNameVerified: true},
		Category: "customer_data",
		Purpose:  "troubleshooting",
	}
	var q policy.Question
	if err := e.Resolve(&f, &q); err != nil {
		fmt.Println(err)
		return
	}
	d := e.Decide(&q)
	fmt.Println(d.Allow, d.Reason, d.RID)
	fmt.Println(d.Reason.Message("zh"))

	// With the customer's grant, the same question is allowed on its declared basis.
	f.Actor.Grants = []policy.GrantFacts{{Tenant: "t1", Category: "customer_data"}}
	if err := e.Resolve(&f, &q); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(e.Decide(&q).AppendJSON(nil)))
	// Output:
	// false access_grant_required R-RES-2
	// 访问客户数据需经客户授权
	// {"allow":true,"reason":"declared_purpose","basis":"contract","rid":"R-PUR-1","sensitive":false}
}

// Check reports every problem with its position, as `custos policy check` prints them.
func ExampleCheck() {
	doc := []byte("statement:\n  nme: x\n")
	if err := policy.Check("policy.yaml", doc); err != nil {
		fmt.Fprintln(os.Stdout, err)
	}
	// Output:
	// policy.yaml:1:1: missing required key "bases"
	// policy.yaml:1:1: missing required key "categories"
	// policy.yaml:1:1: missing required key "message_types"
	// policy.yaml:1:1: missing required key "purposes"
	// policy.yaml:2:3: statement: missing required key "current"
	// policy.yaml:2:3: statement: missing required key "name"
	// policy.yaml:2:3: statement: missing required key "operator"
	// policy.yaml:2:3: statement: missing required key "rids"
	// policy.yaml:2:3: statement: missing required key "versions"
	// policy.yaml:2:3: statement.nme: unknown key "nme"
}
