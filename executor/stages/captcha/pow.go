package captcha

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/bits"
	"strconv"
)

// MaxNonceBytes bounds a proof of work's nonce: our solver's decimal
// counters need about ten; the bound keeps hashing an answer cheap.
const MaxNonceBytes = 64

// powChallenge returns the proof-of-work challenge of the plan entry at
// position in the execution executionID, after attempt submits: an HMAC
// keyed with the execution's secret ID, base64url without padding (43
// characters, so a challenge and a short nonce fit one SHA-256 block).
// It cannot be guessed without the ID, and differs between executions,
// entries (a restart numbers its entries anew) and attempts.
func powChallenge(executionID string, position, attempt int) (string, error) {
	if executionID == "" {
		return "", errors.New("captcha: the execution has no ID yet")
	}
	mac := hmac.New(sha256.New, []byte(executionID))
	mac.Write([]byte("gatehouse captcha v1\x00" + strconv.Itoa(position) + "\x00" + strconv.Itoa(attempt)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Solves reports whether nonce answers challenge at difficulty: the
// SHA-256 of the UTF-8 bytes of challenge followed by nonce has at least
// difficulty leading zero bits. It is the whole contract clients solve.
func Solves(challenge, nonce string, difficulty int) bool {
	return LeadingZeroBits(sha256.Sum256([]byte(challenge+nonce))) >= difficulty
}

// LeadingZeroBits counts the zero bits at the start of sum, most
// significant bit of the first byte first.
func LeadingZeroBits(sum [sha256.Size]byte) int {
	n := 0
	for _, b := range sum {
		if b != 0 {
			return n + bits.LeadingZeros8(b)
		}
		n += 8
	}
	return n
}
