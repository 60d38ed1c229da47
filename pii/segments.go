package pii

// Mainland mobile number segments (号段): the first three digits of every
// allocated 11-digit mobile number. Kept as data so that a new allocation
// is a one-line change. Data-only IoT segments (140, 141, 144, 146, 148
// are 13-digit IoT ranges in part) are left out where they never carry
// 11-digit personal numbers.
//
// Source: MIIT numbering plan as published by the three operators,
// China Broadnet and the virtual-operator (MVNO) licensees.
var mobileSegments = []string{
	// China Mobile
	"134", "135", "136", "137", "138", "139", "147", "150", "151", "152",
	"157", "158", "159", "172", "178", "182", "183", "184", "187", "188",
	"195", "197", "198",
	// China Unicom
	"130", "131", "132", "145", "155", "156", "166", "175", "176", "185",
	"186", "196",
	// China Telecom (1349 is its satellite range)
	"133", "149", "153", "173", "174", "177", "180", "181", "189", "190",
	"191", "193", "199",
	// China Broadnet
	"192",
	// Virtual operators
	"162", "165", "167", "170", "171",
}

// segments[xy] is true when "1xy" is an allocated segment.
var segments = func() (s [100]bool) {
	for _, p := range mobileSegments {
		if len(p) != 3 || p[0] != '1' {
			panic("pii: malformed mobile segment " + p)
		}
		s[int(p[1]-'0')*10+int(p[2]-'0')] = true
	}
	return s
}()
