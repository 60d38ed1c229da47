package pii

// Validators for the numeric identifiers. They work on the characters of
// the value only; context is the scanner's business. Other packages (the
// vault, subject-request intake) use them to check values people type in.

// residentWeights are the GB 11643 (ISO 7064 MOD 11-2) weights 2^(17-i) mod 11.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheck maps the weighted sum mod 11 to the check character.
const residentCheck = "10X98765432"

// provinces marks the two-digit codes that start a GB/T 2260 region code,
// including 71 (Taiwan), 81/82 (Hong Kong, Macao residence permits) and 83
// (Taiwan residence permits), and 91 for the new permanent-residence ID of
// foreigners, which is issued in the resident ID format.
var provinces = func() (p [100]bool) {
	for _, c := range []int{
		11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
		71, 81, 82, 83, 91,
	} {
		p[c] = true
	}
	return p
}()

// ValidResidentID reports whether s is an 18-character resident ID number:
// a valid province code, a real birth date (1900–2100) and the GB 11643
// check character ('X' or 'x' for ten).
func ValidResidentID(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return residentIDDigits(s[:17], s[17]) == residentOK
}

// residentVerdict says which part of an 18-character ID failed.
type residentVerdict uint8

const (
	residentOK residentVerdict = iota
	residentBadRegion
	residentBadDate
	residentBadCheck
)

// residentIDDigits checks 17 digits plus a check character. The caller has
// made sure d holds 17 ASCII digits.
func residentIDDigits[S string | []byte](d S, check byte) residentVerdict {
	if !provinces[int(d[0]-'0')*10+int(d[1]-'0')] {
		return residentBadRegion
	}
	if !validDate(num4(d[6:10]), num2(d[10:12]), num2(d[12:14]), 1900, 2100) {
		return residentBadDate
	}
	sum := residentSum(d)
	want := residentCheck[sum%11]
	if check == 'x' {
		check = 'X'
	}
	if check != want {
		return residentBadCheck
	}
	return residentOK
}

// residentSum is the GB 11643 weighted sum of the 17 digits of d,
// computed eight digits at a time (weighLanes). residentSumRef
// (validate_fast_test.go) is the plain loop.
func residentSum[S string | []byte](d S) int {
	v0 := load64(d, 0) - ones*'0'
	v1 := load64(d, 8) - ones*'0'
	s := weighLanes(v0, residentLanes0Even, residentLanes0Odd) + weighLanes(v1, residentLanes1Even, residentLanes1Odd)
	return int(s) + int(d[16]-'0')*residentWeights[16]
}

// weighLanes returns the sum of the eight bytes of x times their weights:
// the even bytes are spread to four 16-bit lanes and multiplied by even,
// which holds the weights of bytes 6, 4, 2, 0 from the lowest lane up, so
// that the top lane of the product adds the four products, as long
// multiplication does; the odd bytes likewise. Each lane must stay below
// 1<<16: bytes and weights below 32 keep it below 4*32*32.
func weighLanes(x, even, odd uint64) uint64 {
	const lanes = 0x00ff00ff00ff00ff
	return (x&lanes)*even>>48 + (x>>8&lanes)*odd>>48
}

// The weights of residentWeights in the lanes weighLanes multiplies by:
// the weight of the lowest of the four digits goes to the top lane.
const (
	residentLanes0Even = 2 | 8<<16 | 10<<32 | 7<<48 // digits 0, 2, 4, 6: 7, 10, 8, 2
	residentLanes0Odd  = 1 | 4<<16 | 5<<32 | 9<<48  // digits 1, 3, 5, 7: 9, 5, 4, 1
	residentLanes1Even = 8 | 10<<16 | 7<<32 | 6<<48 // digits 8, 10, 12, 14: 6, 7, 10, 8
	residentLanes1Odd  = 4 | 5<<16 | 9<<32 | 3<<48  // digits 9, 11, 13, 15: 3, 9, 5, 4
)

// load64 reads the eight bytes of d from i as a little-endian word.
func load64[S string | []byte](d S, i int) uint64 {
	_ = d[i+7]
	return uint64(d[i]) | uint64(d[i+1])<<8 | uint64(d[i+2])<<16 | uint64(d[i+3])<<24 |
		uint64(d[i+4])<<32 | uint64(d[i+5])<<40 | uint64(d[i+6])<<48 | uint64(d[i+7])<<56
}

// validLegacyID checks a 15-digit first-generation ID: region and a 19YY
// birth date. It has no check digit, so the scanner reports it only next
// to a keyword.
func validLegacyID(d []byte) bool {
	return len(d) == 15 && provinces[int(d[0]-'0')*10+int(d[1]-'0')] &&
		validDate(1900+num2(d[6:8]), num2(d[8:10]), num2(d[10:12]), 1900, 1999)
}

func num2[S string | []byte](d S) int { return int(d[0]-'0')*10 + int(d[1]-'0') }
func num4[S string | []byte](d S) int { return num2(d[:2])*100 + num2(d[2:4]) }

func validDate(y, m, d, minYear, maxYear int) bool {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && (y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		days = 29
	}
	return d <= days
}

// usccAlphabet is the GB 32100 character set: digits and the capital
// letters without I, O, S, V, Z; a character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccValue maps a byte to its GB 32100 value plus one (0: not allowed).
var usccValue = func() (v [256]uint8) {
	for i := 0; i < len(usccAlphabet); i++ {
		v[usccAlphabet[i]] = uint8(i + 1)
	}
	return v
}()

// usccWeights are 3^i mod 31.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// The weights of usccWeights in the lanes weighLanes multiplies by.
const (
	usccLanes0Even = 16 | 19<<16 | 9<<32 | 1<<48   // characters 0, 2, 4, 6: 1, 9, 19, 16
	usccLanes0Odd  = 17 | 26<<16 | 27<<32 | 3<<48  // characters 1, 3, 5, 7: 3, 27, 26, 17
	usccLanes1Even = 10 | 8<<16 | 25<<32 | 20<<48  // characters 8, 10, 12, 14: 20, 25, 8, 10
	usccLanes1Odd  = 30 | 24<<16 | 13<<32 | 29<<48 // characters 9, 11, 13, 15: 29, 13, 24, 30
)

// usccValues returns the usccValue of u[i] to u[i+3], a byte each. Four
// bytes, not eight, so that it is inlined: a call for each half of the
// code cost more than the look-ups.
func usccValues[S string | []byte](u S, i int) uint64 {
	_ = u[i+3]
	return uint64(usccValue[u[i]]) | uint64(usccValue[u[i+1]])<<8 | uint64(usccValue[u[i+2]])<<16 |
		uint64(usccValue[u[i+3]])<<24
}

// ValidUSCC reports whether s is an 18-character unified social credit
// code: registration authority, a six-digit region code with a valid
// province, and the GB 32100 check character. Letters must be capitals.
func ValidUSCC(s string) bool {
	return len(s) == 18 && validUSCC(s)
}

// validUSCC checks 18 bytes of u.
func validUSCC[S string | []byte](u S) bool {
	// Authority: 1–9, A, N, Y; then the organisation-kind digit and the
	// six-digit region code (province or 10 for national bodies).
	switch c := u[0]; {
	case c >= '1' && c <= '9', c == 'A', c == 'N', c == 'Y':
	default:
		return false
	}
	if nonDigitMask(load64(u, 0))&^0xff != 0 {
		return false // not seven digits after the authority
	}
	if p := num2(u[2:4]); !provinces[p] && p != 10 {
		return false
	}
	// The values plus one (usccValue) of characters 0 to 7 and 8 to 15,
	// a byte each; a byte outside the alphabet has 0.
	x0, x1 := usccValues(u, 0)|usccValues(u, 4)<<32, usccValues(u, 8)|usccValues(u, 12)<<32
	v16 := usccValue[u[16]]
	if (x0-ones)&^x0&hi != 0 || (x1-ones)&^x1&hi != 0 || v16 == 0 {
		return false // a zero byte
	}
	x0, x1 = x0-ones, x1-ones
	sum := int(weighLanes(x0, usccLanes0Even, usccLanes0Odd)+weighLanes(x1, usccLanes1Even, usccLanes1Odd)) +
		int(v16-1)*usccWeights[16]
	c := (31 - sum%31) % 31
	return usccValue[u[17]] == uint8(c+1)
}

// luhnDouble[d] is the digit sum of 2*d.
var luhnDouble = [10]uint8{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}

// Luhn reports whether s is at least two ASCII digits passing the Luhn
// (mod 10) check. Any other byte makes it false.
func Luhn(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return luhn(s)
}

// luhn checks digits the caller has already verified. Numbers of 9 to 24
// digits are summed eight digits at a time (luhnWord), from the right end,
// the leftmost word shifted so that the digits it shares with the next
// are not counted twice; luhnRef (validate_fast_test.go) is the plain
// loop.
func luhn[S string | []byte](d S) bool {
	n := len(d)
	if n < 9 || n > 24 {
		return luhnLoop(d)
	}
	sum := luhnWord(load64(d, n-8) - ones*'0')
	if n <= 16 {
		// d[0:8] shifted up by the 16-n digits it shares with the
		// last word: zero bytes come in at the bottom, and a zero
		// digit adds nothing.
		sum += luhnWord((load64(d, 0) - ones*'0') << (8 * (16 - n) & 63))
	} else {
		sum += luhnWord(load64(d, n-16) - ones*'0')
		sum += luhnWord((load64(d, 0) - ones*'0') << (8 * (24 - n) & 63))
	}
	return sum%10 == 0
}

// luhnWord is the Luhn sum of the eight digit values of v (bytes, the
// last digit in the top byte): the bytes in even places, 0 2 4 6, are
// the doubled ones, and a doubled digit of 5 or more loses 9 (2d-9 is
// the digit sum of 2d). Every byte stays below 19 and the total below
// 73, so nothing carries between bytes.
func luhnWord(v uint64) uint64 {
	const doubled = 0x00ff00ff00ff00ff
	dbl := v & doubled
	big := (dbl + 0x0003000300030003) >> 3 & 0x0001000100010001 // d+3 >= 8: d >= 5
	return (v + dbl - 9*big) * ones >> 56
}

// luhnLoop is luhn a digit at a time, for lengths the word version does
// not take.
func luhnLoop[S string | []byte](d S) bool {
	sum := 0
	n := len(d)
	for i := n - 1; i >= 0; i -= 2 {
		sum += int(d[i] - '0')
	}
	for i := n - 2; i >= 0; i -= 2 {
		sum += int(luhnDouble[d[i]-'0'])
	}
	return sum%10 == 0
}

// ValidMobile reports whether s is a mainland mobile number: 11 digits in
// an allocated segment, optionally after +86, 0086 or 86, and optionally
// grouped with spaces or hyphens ("138 0013 8000", "+86-138-0013-8000").
func ValidMobile(s string) bool {
	var d [16]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if n == len(d) {
				return false
			}
			d[n] = c
			n++
		case c == ' ' || c == '-':
			if i == 0 || i == len(s)-1 || !isDigit(s[i-1]) {
				return false
			}
		case c == '+' && i == 0:
		default:
			return false
		}
	}
	if s != "" && s[0] == '+' && (n != 13 || d[0] != '8' || d[1] != '6') {
		return false
	}
	return mobileDigits(d[:n]) > 0
}

// mobileDigits returns the length of the country prefix plus one when d is
// a mobile number with an optional 86/0086 prefix, and 0 when it is not.
func mobileDigits(d []byte) int {
	switch {
	case len(d) == 11 && validSegment(d):
		return 1
	case len(d) == 13 && d[0] == '8' && d[1] == '6' && validSegment(d[2:]):
		return 3
	case len(d) == 15 && d[0] == '0' && d[1] == '0' && d[2] == '8' && d[3] == '6' && validSegment(d[4:]):
		return 5
	}
	return 0
}

func validSegment(d []byte) bool {
	return d[0] == '1' && segments[int(d[1]-'0')*10+int(d[2]-'0')]
}
