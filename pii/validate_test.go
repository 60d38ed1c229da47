package pii_test

import (
	"testing"

	"custos.dev/custos/pii"
)

// R-SUP-4: the validators other packages use to check typed-in values.

func TestValidResidentID(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want bool
	}{
		{"Valid", "110105199003071239", true},
		{"ValidCheckX", "11010519491231002X", true},
		{"ValidLowerX", "11010519491231002x", true},
		{"LeapDay", "110105200002290013", true},
		{"WrongCheck", "110105199003071238", false},
		{"XWhereDigitDue", "11010519900307123X", false},
		{"NoSuchDate", "110105199002301230", false},
		{"NoSuchProvince", "190105199003071239", false},
		{"YearTooEarly", "110105189003071239", false},
		{"Short", "11010519900307123", false},
		{"Letters", "1101051990030712A9", false},
		{"Empty", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := pii.ValidResidentID(c.in); got != c.want {
				t.Errorf("ValidResidentID = %v, want %v", got, c.want)
			}
		})
	}
}

func TestValidUSCC(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want bool
	}{
		{"Valid", "91350100M000100Y43", true},
		{"ValidLetters", "91110108MA01ABCD3L", true},
		{"ValidDigitsOnly", "913101151234567893", true},
		{"ValidNationalBody", "12100000400000624D", true},
		{"WrongCheck", "91350100M000100Y44", false},
		{"ForbiddenLetterI", "91350100M0001I0Y43", false},
		{"LowerCase", "91350100m000100y43", false},
		{"BadAuthority", "B1350100M000100Y43", false},
		{"BadRegion", "91990100M000100Y43", false},
		{"Short", "91350100M000100Y4", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := pii.ValidUSCC(c.in); got != c.want {
				t.Errorf("ValidUSCC = %v, want %v", got, c.want)
			}
		})
	}
}

func TestValidMobile(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want bool
	}{
		{"Plain", "13800138000", true},
		{"Spaced", "138 0013 8000", true},
		{"Hyphenated", "138-0013-8000", true},
		{"Plus86", "+8613800138000", true},
		{"Plus86Spaced", "+86 138 0013 8000", true},
		{"Prefix0086", "008613800138000", true},
		{"Prefix86", "8613800138000", true},
		{"Segment199", "19912345678", true},
		{"UnallocatedSegment154", "15412345678", false},
		{"Landline", "01012345678", false},
		{"TooShort", "1380013800", false},
		{"TooLong", "138001380001", false},
		{"PlusWithoutCountry", "+13800138000", false},
		{"DoubleSeparator", "138  0013 8000", false},
		{"TrailingSeparator", "13800138000-", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := pii.ValidMobile(c.in); got != c.want {
				t.Errorf("ValidMobile = %v, want %v", got, c.want)
			}
		})
	}
}

func TestLuhn(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want bool
	}{
		{"UnionPay19", "6222021234567890128", true},
		{"Visa", "4111111111111111", true},
		{"Amex", "378282246310005", true},
		{"OffByOne", "4111111111111112", false},
		{"Spaces", "4111 1111 1111 1111", false},
		{"OneDigit", "0", false},
		{"Zeros", "00", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := pii.Luhn(c.in); got != c.want {
				t.Errorf("Luhn = %v, want %v", got, c.want)
			}
		})
	}
}

func TestParseType(t *testing.T) {
	for _, typ := range pii.AllTypes() {
		got, err := pii.ParseType(typ.String())
		if err != nil || got != typ {
			t.Errorf("ParseType(%q) = %v, %v", typ.String(), got, err)
		}
	}
	if _, err := pii.ParseType("13800138000"); err == nil {
		t.Error("ParseType accepted a number")
	} else if want := "pii: unknown type name"; err.Error() != want {
		t.Errorf("error %q echoes its input; want %q", err, want)
	}
}
