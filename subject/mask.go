package subject

import (
	"strings"
	"unicode/utf8"

	"custos.dev/custos/pii"
	"custos.dev/custos/policy"
)

// maskField shows a field the way a person without a purpose may see it: mobile
// 138****5678, resident ID 110105********002X, e-mail a***@example.com, card
// 622202******1234, names 张*; anything else keeps its first character.
func maskField(f policy.Field, v string) string {
	switch f.Validator {
	case "cn_mobile":
		return pii.MaskMobile(normalMobile(v))
	case "cn_resident_id":
		return pii.MaskResidentID(strings.TrimSpace(v))
	case "luhn":
		return pii.MaskCard(digitsOnly(v))
	case "email":
		return pii.MaskEmail(strings.TrimSpace(v))
	}
	switch f.Name {
	case "name", "holder_name", "legal_name", "contact_name":
		return pii.MaskName(v)
	}
	if strings.HasSuffix(f.Name, "_scan") {
		return "[redacted]"
	}
	return maskRest(v)
}

// maskRest keeps the first character and replaces the rest with as many asterisks as
// characters, at most eight.
func maskRest(v string) string {
	if v == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(v)
	n := min(utf8.RuneCountInString(v[size:]), 8)
	return string(r) + strings.Repeat("*", n)
}
