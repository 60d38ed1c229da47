package policy

import "testing"

// TestLabels checks that every enumeration value has a code and both messages, and that codes
// parse back: the codes are what the API and the audit log store.
func TestLabels(t *testing.T) {
	type enum struct {
		name   string
		labels []label
		count  int
		parse  func(string) (int, bool)
	}
	enums := []enum{
		{"Role", roleLabels, int(roleCount), func(s string) (int, bool) { v, ok := ParseRole(s); return int(v), ok }},
		{"State", stateLabels, int(stateCount), func(s string) (int, bool) { v, ok := ParseState(s); return int(v), ok }},
		{"Basis", basisLabels, int(basisCount), func(s string) (int, bool) { v, ok := ParseBasis(s); return int(v), ok }},
		{"Action", actionLabels, int(actionCount), func(s string) (int, bool) { v, ok := ParseAction(s); return int(v), ok }},
		{"Reason", reasonLabels, int(reasonCount), func(s string) (int, bool) { v, ok := ParseReason(s); return int(v), ok }},
	}
	for _, en := range enums {
		t.Run(en.name, func(t *testing.T) {
			if len(en.labels) != en.count {
				t.Fatalf("%d labels for %d values", len(en.labels), en.count)
			}
			seen := map[string]bool{}
			for i, l := range en.labels {
				if l.code == "" || l.zh == "" || l.en == "" || seen[l.code] {
					t.Errorf("value %d: label %+v is incomplete or repeated", i, l)
				}
				seen[l.code] = true
				v, ok := en.parse(l.code)
				if i == 0 {
					if ok {
						t.Errorf("the zero value's code %q parses; it must stay invalid", l.code)
					}
					continue
				}
				if !ok || v != i {
					t.Errorf("parse(%q) = %d, %v; want %d", l.code, v, ok, i)
				}
			}
		})
	}
	if got := ReasonRealNameRequired.Message("zh-CN"); got != "未完成实名认证,无法使用在线服务" {
		t.Errorf("zh message = %q", got)
	}
	if got := Reason(250).String(); got != "none" {
		t.Errorf("out-of-range Reason prints %q", got)
	}
	if got := RoleSupportEngineer.String(); got != "support-engineer" {
		t.Errorf("RoleSupportEngineer = %q", got)
	}
}

// TestEngineRIDsAreInTheCatalogue: the R-IDs that Decide's built-in rules cite exist.
func TestEngineRIDsAreInTheCatalogue(t *testing.T) {
	for _, id := range []string{ridInventory, ridUndecl, ridErased, ridTenant, ridCancelled, ridMinor, ridAbroad, ridRealName} {
		if !KnownRID(id) {
			t.Errorf("Decide cites %s, which is not in rids.txt", id)
		}
	}
}
