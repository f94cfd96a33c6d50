// Package device is the user's side of the OAuth 2.0 device authorization
// grant (RFC 8628): a device (a TV, a CLI) asks the provider for a device
// code and a short user code, shows the user code, and polls the token
// endpoint; the user opens the verification URI in a browser, signs in and
// types the user code. This package is what the browser side shares
// between the provider (oidc/provider) and the device_code stage that
// reads the code (executor/stages/devicecode):
//
//	device ──POST /oauth2/device_authorization──▶ provider: row with Hash(device code), Hash(user code)
//	user ──GET /device?user_code=…──▶ provider ──302──▶ brand's device-code flow (device_code stage)
//	device_code stage ── Claim(user code, user) ──▶ row.device_user_id = user (a compare-and-set)
//	                  ──RedirectTo(ContinueURL(id))──▶ provider: application policies, authorization flow
//	device ──POST /oauth2/token (device_code)──▶ provider: pending … tokens once authorized
//
// A user code is bound to the first user who enters it: nobody else can
// finish that authorization.
package device

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/oauth2authrequest"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
)

// Paths of the browser side, served by the provider.
const (
	// VerificationPath is the verification URI the device shows: it
	// sends the browser to the brand's device-code flow, the user code
	// (verification_uri_complete) carried along.
	VerificationPath = "/device"
	// ContinuePath goes on with an authorization whose user code was
	// entered: the application's policies, then its authorization flow.
	ContinuePath = "/oauth2/device/continue"
	// UserCodeParam carries a user code in the verification URI and in
	// the device-code flow's query.
	UserCodeParam = "user_code"
	// RequestParam names the authorization request in ContinuePath.
	RequestParam = "request"
)

// UserCodeAlphabet is the alphabet of user codes: consonants only, so no
// word can be spelt and no letter is mistaken for a digit (RFC 8628 §6.1).
const UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

// ErrInvalidCode is a user code that names no pending authorization: it
// is unknown, expired, already answered, or entered by another user.
var ErrInvalidCode = errors.New("the code is not valid or has expired")

// Normalize returns code as it was issued: upper case, without the
// separators and spaces a person types or copies along.
func Normalize(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r == '-' || r == ' ' || r == '\t' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Hash is the stored form of a device or user code (the user code
// normalized first).
func Hash(code string) string { return credential.HashTokenSecret(code) }

// UserCodeHash is the stored form of a user code as typed.
func UserCodeHash(typed string) string { return Hash(Normalize(typed)) }

// ContinueURL is where the browser goes on with request id.
func ContinueURL(id string) string {
	return ContinuePath + "?" + url.Values{RequestParam: {id}}.Encode()
}

// Claim binds the pending device authorization whose user code is typed
// to userID and returns its ID. The first user to enter a code wins (a
// compare-and-set); entering it again as the same user is allowed.
// ErrInvalidCode when the code names no authorization userID may answer.
func Claim(ctx context.Context, client *ent.Client, typed string, userID int, now time.Time) (string, error) {
	code := Normalize(typed)
	if code == "" || len(code) > 32 {
		return "", ErrInvalidCode
	}
	ctx = viewer.SystemContext(ctx)
	h := UserCodeHash(code)
	n, err := client.OAuth2AuthRequest.Update().
		Where(
			oauth2authrequest.UserCodeHash(h),
			oauth2authrequest.ExpiresAtGT(now),
			oauth2authrequest.AuthorizedAtIsNil(),
			oauth2authrequest.DeniedAtIsNil(),
			oauth2authrequest.Or(oauth2authrequest.DeviceUserIDIsNil(), oauth2authrequest.DeviceUserID(userID)),
		).
		SetDeviceUserID(userID).
		Save(ctx)
	if err != nil {
		return "", fmt.Errorf("claim device code: %w", err)
	}
	if n == 0 {
		return "", ErrInvalidCode
	}
	id, err := client.OAuth2AuthRequest.Query().Where(oauth2authrequest.UserCodeHash(h)).OnlyID(ctx)
	if err != nil {
		return "", fmt.Errorf("read device authorization: %w", err)
	}
	return id, nil
}
