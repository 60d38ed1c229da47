package vault

import (
	"strings"
	"testing"

	"custos.dev/custos"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, kind, value, want string
	}{
		{"EmailTrimmedAndLowered", KindEmail, "  Alice.Smith@Example.COM \n", "alice.smith@example.com"},
		{"EmailAlreadyNormal", KindEmail, "bob@example.com", "bob@example.com"},
		{"EmailKeepsNonASCII", KindEmail, "Zhang.San@例子.中国", "zhang.san@例子.中国"},
		{"EmailNonASCIICaseKept", KindEmail, "ÄRGER@Example.de", "Ärger@example.de"},
		{"EmailQuotedLocalWithAt", KindEmail, `"a@b"@example.com`, `"a@b"@example.com`},
		{"MobilePlain", KindMobile, "13800138000", "13800138000"},
		{"MobilePlus86Spaced", KindMobile, "+86 138-0013-8000", "13800138000"},
		{"Mobile0086", KindMobile, "0086 13800138000", "13800138000"},
		{"Mobile86", KindMobile, "8613800138000", "13800138000"},
		{"MobileHyphens", KindMobile, "138-0013-8000", "13800138000"},
		{"MobileIdeographicSpace", KindMobile, "138\u30000013\u30008000", "13800138000"},
		{"MobilePlus86Hyphen", KindMobile, "+86-13800138000", "13800138000"},
		{"IDNumber", KindIDNumber, "110101199003071233", "110101199003071233"},
		{"IDNumberFinalXUpper", KindIDNumber, " 11010519491231002x ", "11010519491231002X"},
		{"IDNumberFinalX", KindIDNumber, "11010519491231002X", "11010519491231002X"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize(tc.kind, tc.value)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if got != tc.want {
				t.Errorf("Normalize(%q, %q) = %q, want %q", tc.kind, tc.value, got, tc.want)
			}
			again, err := Normalize(tc.kind, got)
			if err != nil || again != got {
				t.Errorf("Normalize is not idempotent: %q -> %q, %v", got, again, err)
			}
		})
	}
}

// Refused values give an error of kind invalid that never contains the value.
func TestNormalizeRefuses(t *testing.T) {
	for _, tc := range []struct{ name, kind, value string }{
		{"UnknownKind", "phone", "13800138000"},
		{"EmptyKind", "", "13800138000"},
		{"EmailEmpty", KindEmail, "   "},
		{"EmailNoAt", KindEmail, "alice.example.com"},
		{"EmailNoLocal", KindEmail, "@example.com"},
		{"EmailNoDomain", KindEmail, "alice@"},
		{"EmailControl", KindEmail, "ali\x00ce@example.com"},
		{"EmailInvalidUTF8", KindEmail, "ali\xffce@example.com"},
		{"EmailTooLong", KindEmail, strings.Repeat("a", 250) + "@example.com"},
		{"MobileShort", KindMobile, "1380013800"},
		{"MobileLong", KindMobile, "138001380001"},
		{"MobileLetters", KindMobile, "1380013800O"},
		{"MobileNotStartingWith1", KindMobile, "23800138000"},
		{"MobileOtherCountry", KindMobile, "+1 415 555 0100"},
		{"MobilePlusInside", KindMobile, "138+0013800"},
		{"MobileParentheses", KindMobile, "(+86)13800138000"},
		{"MobileHuge", KindMobile, strings.Repeat("1", 1000)},
		{"MobileLandline", KindMobile, "010-12345678"},
		{"IDNumberShort", KindIDNumber, "11010119900307123"},
		{"IDNumber15Digit", KindIDNumber, "110101900307123"},
		{"IDNumberLetter", KindIDNumber, "1101011990030712A3"},
		{"IDNumberWrongCheckDigit", KindIDNumber, "110101199003071234"},
		{"IDNumberXInside", KindIDNumber, "1101011990030X1233"},
		{"IDNumberInnerSpace", KindIDNumber, "110101 99003071233"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize(tc.kind, tc.value)
			if err == nil {
				t.Fatalf("Normalize(%q, %q) = %q, want an error", tc.kind, tc.value, got)
			}
			if custos.KindOf(err) != custos.KindInvalid {
				t.Errorf("error kind = %q, want invalid", custos.KindOf(err))
			}
			if v := strings.TrimSpace(tc.value); v != "" && strings.Contains(err.Error(), v) {
				t.Errorf("error %q contains the value", err)
			}
		})
	}
}
