package pii_test

import (
	"strings"
	"testing"

	"custos.dev/custos/pii"
)

// R-SUP-4: agents see masked values.
func TestMaskers(t *testing.T) {
	for _, c := range []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"Mobile", pii.MaskMobile, "13812345678", "138****5678"},
		{"MobileGrouped", pii.MaskMobile, "138 1234 5678", "138 **** 5678"},
		{"MobilePlus86", pii.MaskMobile, "+86 138 1234 5678", "+86 138 **** 5678"},
		{"ResidentID", pii.MaskResidentID, "11010519491231002X", "110105********002X"},
		{"Card16", pii.MaskCard, "6222021234561234", "622202******1234"},
		{"Card19Grouped", pii.MaskCard, "6222 0212 3456 7890 128", "6222 02** **** ***0 128"},
		{"Email", pii.MaskEmail, "alice@example.com", "a***@example.com"},
		{"EmailNoAt", pii.MaskEmail, "alice", "*****"},
		{"NameTwo", pii.MaskName, "张三", "张*"},
		{"NameFour", pii.MaskName, "欧阳娜娜", "欧***"},
		{"NameOne", pii.MaskName, "张", "*"},
		{"NameEmpty", pii.MaskName, "", ""},
		{"TooShortToShow", pii.MaskCard, "1234", "****"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.fn(c.in); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	key := []byte("0123456789abcdef-test-key")
	tok, err := pii.Token(key)
	if err != nil {
		t.Fatal(err)
	}
	const in = "手机 138 0013 8000，卡号 4111111111111111 CVV 123，ip 192.168.1.20 mail Bob@Example.com ipv6 2001:db8::1:2"
	for _, c := range []struct {
		name string
		mode pii.Mode
		want string
	}{
		{"Mask", pii.Mask, "手机 138 **** 8000，卡号 411111******1111 CVV ***，ip 192.168.*.** mail B***@Example.com ipv6 2001:db8::*:*"},
		{"Tag", pii.Tag, "手机 [cn_mobile]，卡号 [bank_card] CVV [card_security_code]，ip [ipv4] mail [email] ipv6 [ipv6]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := string(pii.Redact(nil, []byte(in), c.mode, pii.Scan([]byte(in))))
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	t.Run("TokenHidesValues", func(t *testing.T) {
		got := string(pii.Redact(nil, []byte(in), tok, pii.Scan([]byte(in))))
		for _, v := range []string{"0013", "4111111111111111", "123，", "192.168", "Bob@", "2001:db8"} {
			if strings.Contains(got, v) {
				t.Errorf("token output %q still holds %q", got, v)
			}
		}
		if !strings.Contains(got, "[cn_mobile:") || !strings.Contains(got, "[bank_card:") {
			t.Errorf("token output %q lacks typed tokens", got)
		}
	})
	t.Run("TokenSameValueSameToken", func(t *testing.T) {
		forms := []string{"13800138000", "138 0013 8000", "+86-138-0013-8000", "+8613800138000"}
		var first string
		for _, form := range forms {
			got := string(pii.Redact(nil, []byte(form), tok, pii.Scan([]byte(form))))
			if first == "" {
				first = got
			} else if got != first {
				t.Errorf("%q → %q, want %q like %q", form, got, first, forms[0])
			}
		}
		mail := func(s string) string { return string(pii.Redact(nil, []byte(s), tok, pii.Scan([]byte(s)))) }
		if mail("Bob@Example.com") != mail("bob@example.com") {
			t.Error("e-mail tokens depend on case")
		}
		if mail("2001:db8::1:2") != mail("2001:0db8:0000:0000:0000:0000:0001:0002") {
			t.Error("IPv6 tokens depend on the written form")
		}
	})
	t.Run("TokenDependsOnKey", func(t *testing.T) {
		other, _ := pii.Token([]byte("another-key-of-16-bytes"))
		a := pii.Redact(nil, []byte("13800138000"), tok, pii.Scan([]byte("13800138000")))
		b := pii.Redact(nil, []byte("13800138000"), other, pii.Scan([]byte("13800138000")))
		if string(a) == string(b) {
			t.Error("two keys gave the same token")
		}
		c := pii.Redact(nil, []byte("13900139000"), tok, pii.Scan([]byte("13900139000")))
		if string(a) == string(c) {
			t.Error("two numbers gave the same token")
		}
	})
	t.Run("TokenKeyTooShort", func(t *testing.T) {
		if _, err := pii.Token([]byte("short")); err == nil {
			t.Error("Token accepted a 5-byte key")
		}
	})
	t.Run("BadFindingsSkipped", func(t *testing.T) {
		src := []byte("abc 13800138000")
		fs := []pii.Finding{{Type: pii.Mobile, Offset: 4, Length: 11}, {Type: pii.Mobile, Offset: 6, Length: 3}, {Type: pii.Email, Offset: 14, Length: 9}}
		if got := string(pii.Redact(nil, src, pii.Tag, fs)); got != "abc [cn_mobile]" {
			t.Errorf("got %q", got)
		}
	})
}
