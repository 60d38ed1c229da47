package policy

import "testing"

func TestConsents(t *testing.T) {
	var cs Consents
	if !cs.Grant(3, 63, false) || !cs.GrantAll(5, true) {
		t.Fatal("a grant within the limits was refused")
	}
	if cs.Grant(MaxCategories, 0, true) || cs.Grant(0, MaxPurposes, true) || cs.GrantAll(MaxPurposes, true) {
		t.Error("a grant beyond the engine's limits was recorded")
	}
	checks := []struct {
		c        Category
		p        Purpose
		separate bool
		want     bool
	}{
		{3, 63, false, true},  // ordinary consent for that category
		{3, 63, true, false},  // an ordinary consent is not a separate one
		{4, 63, false, false}, // nor does it cover another category
		{9, 5, true, true},    // a separate consent for every category
		{9, 5, false, true},   // counts where an ordinary one is enough
		{9, 6, false, false},
		{MaxCategories, 5, false, false},
	}
	for _, c := range checks {
		if got := cs.Has(c.c, c.p, c.separate); got != c.want {
			t.Errorf("Has(%d, %d, %v) = %v, want %v", c.c, c.p, c.separate, got, c.want)
		}
	}
	cs.Reset()
	if cs.Has(3, 63, false) || cs.Has(9, 5, false) {
		t.Error("Reset kept a consent")
	}
}
