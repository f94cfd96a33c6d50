// Package webauthn makes Gatehouse a WebAuthn relying party
// (github.com/go-webauthn/webauthn): it registers users' passkeys and
// security keys (ent WebAuthnDevice) and verifies their assertions, for a
// known user (a second factor) and for a discoverable credential that
// names its user (passwordless login).
//
// The relying party is GATEHOUSE_PUBLIC_URL: its host is the RP ID and its
// origin the only origin accepted (plain http only for localhost, as
// browsers allow). Every ceremony is a Begin, which returns the options for
// the browser as JSON and a Session the caller keeps server-side (a stage
// keeps it in its state in the execution), and a Finish, which takes that
// Session and the browser's credential as JSON. A Session is bound to its
// ceremony and user and is single use in the caller's hands (the
// execution's compare-and-set makes each answer count once).
//
// # User handles
//
// The user handle a credential carries (WebAuthnID) is not the database ID
// but 32 random bytes kept on the user (users.webauthn_user_handle), made
// when the user's first registration begins and never changed: it reveals
// nothing about the account (not its age, not how many users there are),
// survives a database export and import, and is what a discoverable
// credential names its user by.
//
// # Signature counters
//
// Each login advances the device's sign_count by compare-and-set (UPDATE …
// WHERE sign_count < new): an assertion whose counter does not grow — a
// cloned authenticator, or a replay — is refused and changes nothing, and
// of two concurrent logins with one counter value exactly one succeeds.
// Authenticators that keep no counter (always zero, as synced passkeys do)
// are accepted while both values are zero.
package webauthn

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// Ceremony names what a Session was begun for.
const (
	CeremonyRegistration = "registration"
	CeremonyLogin        = "login"
	CeremonyDiscoverable = "discoverable"
)

// ErrRefused is returned for a credential or an assertion that does not
// verify: malformed JSON, another origin or relying party, another
// challenge, a bad signature, user verification required but not done, a
// credential that is not the user's (or not anyone's), a signature counter
// that did not grow, a credential already registered. Nothing was changed.
var ErrRefused = errors.New("webauthn: refused")

// ErrPublicURL is returned by NewRelyingParty for a public URL WebAuthn
// cannot use (not https, or an IP address): a configuration error.
var ErrPublicURL = errors.New("webauthn: unusable public URL")

// ErrNoDevices is returned by BeginLogin for a user without devices.
var ErrNoDevices = errors.New("webauthn: the user has no devices")

// RelyingParty is Gatehouse as a WebAuthn relying party.
type RelyingParty struct {
	wa *webauthn.WebAuthn
	// ID is the RP ID: the public URL's host name.
	ID string
	// Origin is the public URL's origin, the only one accepted.
	Origin string
}

// NewRelyingParty returns the relying party at publicURL (an origin such
// as https://login.example.com, or http://localhost:8080 in development),
// shown to people as name.
func NewRelyingParty(publicURL, name string) (*RelyingParty, error) {
	u, err := url.Parse(strings.TrimSuffix(publicURL, "/"))
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("%w: %q is not an origin (set GATEHOUSE_PUBLIC_URL)", ErrPublicURL, publicURL)
	}
	host := strings.ToLower(u.Hostname())
	switch u.Scheme {
	case "https":
	case "http":
		if host != "localhost" && !strings.HasSuffix(host, ".localhost") {
			return nil, fmt.Errorf("%w: %q: WebAuthn needs https and a domain name "+
				"(set GATEHOUSE_PUBLIC_URL; http://localhost:<port> in development)", ErrPublicURL, publicURL)
		}
	default:
		return nil, fmt.Errorf("%w: %q: WebAuthn needs https (set GATEHOUSE_PUBLIC_URL)", ErrPublicURL, publicURL)
	}
	if strings.TrimSpace(name) == "" {
		name = "Gatehouse"
	}
	origin := u.Scheme + "://" + strings.ToLower(u.Host)
	wa, err := webauthn.New(&webauthn.Config{
		RPID:                  host,
		RPDisplayName:         name,
		RPOrigins:             []string{origin},
		AttestationPreference: protocol.PreferNoAttestation,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %q: WebAuthn needs a domain name, not an IP address (set GATEHOUSE_PUBLIC_URL): %w", ErrPublicURL, publicURL, err)
	}
	return &RelyingParty{wa: wa, ID: host, Origin: origin}, nil
}

// Session is what a ceremony's Begin returns and its Finish needs. Keep it
// server-side (it holds the challenge); it is plain JSON.
type Session struct {
	// Ceremony is CeremonyRegistration, CeremonyLogin or CeremonyDiscoverable.
	Ceremony string `json:"ceremony"`
	// UserID is the user the ceremony is for; zero for a discoverable login.
	UserID int `json:"user_id,omitempty"`
	// Data is the library's session data (challenge, RP ID, allowed
	// credentials, user verification).
	Data webauthn.SessionData `json:"data"`
}

// refused wraps a verification failure as ErrRefused; the library's reason
// stays in the chain for debugging, never shown to the client.
func refused(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return fmt.Errorf("%w: %s: %s", ErrRefused, pe.Details, pe.DevInfo)
	}
	return fmt.Errorf("%w: %w", ErrRefused, err)
}
