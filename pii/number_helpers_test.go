package pii

import "testing"

// References for the number helpers rewritten for speed: the code they
// replace. checkHelpers calls checkNumberHelpers at every position of its
// input.

// escapeEndRef is escapeEnd without the word test in front.
func escapeEndRef(b []byte, s int) int {
	for j := s - 2; j >= s-5 && j >= 0; j-- {
		if b[j] == '\\' && b[j+1] == 'u' && j+6 <= len(b) && oddBackslashes(b, j) &&
			isHex(b[j+2]) && isHex(b[j+3]) && isHex(b[j+4]) && isHex(b[j+5]) {
			return j + 6
		}
	}
	return 0
}

// checkNumberHelpers holds escapeEnd and backslashBefore to their
// references at every position of b.
func checkNumberHelpers(t *testing.T, b []byte) {
	t.Helper()
	for s := 0; s <= len(b); s++ {
		if got, want := escapeEnd(b, s), escapeEndRef(b, s); got != want {
			t.Fatalf("escapeEnd(%q, %d) = %d, reference %d", b, s, got, want)
		}
		if s >= 8 {
			want := false
			for _, c := range b[s-6 : s-1] {
				want = want || c == '\\'
			}
			if got := backslashBefore(b, s); got != want {
				t.Fatalf("backslashBefore(%q, %d) = %v, reference %v", b, s, got, want)
			}
		}
	}
}

// TestNumberHelpersShort runs checkNumberHelpers on grouped numbers and
// escapes cut short at every length, alone and between other bytes.
func TestNumberHelpersShort(t *testing.T) {
	for _, s := range []string{
		"+86 138 0013 8000", "0086-138-0013-8000 x", "86 13800138000", "138 0013 8000 1", "6222 0212 3456 7890 128",
		"6222-0212-3456-7890-1", "4111 1111 1111 1111 1111 1111", "110105 19900307 002X", "110105 19900307 0021",
		"6222 021234 56789", "1 2 3 4 5 6 7 8 9", "12345678 123456789012 1", "\\u53f713800138000", "\\\\u53f7138",
		"ab\\n13800138000", "\\u00a0\\u53f7 6222 0212", "x\\\\\\u1234 5678",
	} {
		for n := 0; n <= len(s); n++ {
			checkNumberHelpers(t, []byte(s[:n]))
			checkNumberHelpers(t, []byte("ab "+s[:n]+"                        "))
			checkNumberHelpers(t, []byte("abcdefgh\\"+s[:n]+" 1234"))
		}
	}
}
