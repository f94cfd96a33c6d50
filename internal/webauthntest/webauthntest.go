// Package webauthntest is a software WebAuthn authenticator and client for
// tests: it answers the options of navigator.credentials.create with an
// attestation "none" and those of .get with signed assertions (ES256), as
// the JSON a browser's PublicKeyCredential.toJSON() gives, with a
// configurable origin, flags and signature counter. Test code only.
package webauthntest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// Authenticator flags (WebAuthn §6.1).
const (
	flagUP = 0x01
	flagUV = 0x04
	flagBE = 0x08
	flagBS = 0x10
	flagAT = 0x40
)

// Credential is a key pair the authenticator made.
type Credential struct {
	// ID is the credential ID (16 random bytes).
	ID []byte
	// Key is the private key.
	Key *ecdsa.PrivateKey
	// RPID is the relying party it was made for.
	RPID string
	// UserHandle is the user.id of the creation options.
	UserHandle []byte
	// SignCount is the signature counter of the last assertion; the next
	// one carries SignCount+1 unless the Authenticator's ZeroCounter is set.
	SignCount uint32
}

// Authenticator is a software authenticator with the client (browser)
// around it. Change its fields between calls to test refusals.
type Authenticator struct {
	// Origin is the origin the client reports in clientDataJSON.
	Origin string
	// RPID, when set, replaces the RP ID of the options in authenticator
	// data (a credential for another relying party).
	RPID string
	// UserPresent and UserVerified set the UP and UV flags.
	UserPresent, UserVerified bool
	// BackupEligible and BackupState set the BE and BS flags.
	BackupEligible, BackupState bool
	// ZeroCounter keeps signature counters at zero, as synced passkeys do.
	ZeroCounter bool
	// Attachment is what the client reports as authenticatorAttachment.
	Attachment string

	mu    sync.Mutex
	creds []*Credential
}

// New returns an authenticator at origin that tests and verifies the user.
func New(origin string) *Authenticator {
	return &Authenticator{Origin: origin, UserPresent: true, UserVerified: true, Attachment: "cross-platform"}
}

// Credentials returns the credentials made so far, oldest first.
func (a *Authenticator) Credentials() []*Credential {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*Credential(nil), a.creds...)
}

var b64 = base64.RawURLEncoding

const publicKey = "public-key"

type creationOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Exclude []struct {
			ID string `json:"id"`
		} `json:"excludeCredentials"` //nolint:tagliatelle // WebAuthn's JSON names
	} `json:"publicKey"` //nolint:tagliatelle // WebAuthn's JSON names
}

type requestOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"` //nolint:tagliatelle // WebAuthn's JSON names
		Allow     []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"` //nolint:tagliatelle // WebAuthn's JSON names
	} `json:"publicKey"` //nolint:tagliatelle // WebAuthn's JSON names
}

// ErrExcluded is returned by Create when the authenticator holds a
// credential the options exclude (the browser's InvalidStateError).
var ErrExcluded = errors.New("webauthntest: a credential of this authenticator is excluded")

// ErrNoCredential is returned by Get when no credential is allowed (the
// browser's NotAllowedError).
var ErrNoCredential = errors.New("webauthntest: no credential allowed")

// Create answers creation options (the JSON of {"publicKey": …}) with a
// new credential: the JSON of the PublicKeyCredential a browser returns.
func (a *Authenticator) Create(options string) (string, error) {
	var o creationOptions
	if err := json.Unmarshal([]byte(options), &o); err != nil {
		return "", fmt.Errorf("webauthntest: creation options: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ex := range o.PublicKey.Exclude {
		id, err := b64.DecodeString(ex.ID)
		if err != nil {
			return "", fmt.Errorf("webauthntest: excluded id: %w", err)
		}
		for _, c := range a.creds {
			if bytes.Equal(c.ID, id) {
				return "", ErrExcluded
			}
		}
	}
	handle, err := b64.DecodeString(o.PublicKey.User.ID)
	if err != nil {
		return "", fmt.Errorf("webauthntest: user id: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("webauthntest: key: %w", err)
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", fmt.Errorf("webauthntest: id: %w", err)
	}
	cred := &Credential{ID: id, Key: key, RPID: o.PublicKey.RP.ID, UserHandle: handle}
	cose, err := coseKey(&key.PublicKey)
	if err != nil {
		return "", err
	}
	attested := make([]byte, 0, 16+2+len(id)+len(cose))
	attested = append(attested, make([]byte, 16)...)                    // AAGUID: zero for attestation none
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(id))) //nolint:gosec // 16 bytes
	attested = append(attested, id...)
	attested = append(attested, cose...)
	authData := a.authData(cred.RPID, flagAT, 0, attested)
	attObj, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		return "", fmt.Errorf("webauthntest: attestation object: %w", err)
	}
	clientData, err := a.clientData("webauthn.create", o.PublicKey.Challenge)
	if err != nil {
		return "", err
	}
	a.creds = append(a.creds, cred)
	return a.credentialJSON(id, map[string]any{
		"clientDataJSON":    b64.EncodeToString(clientData),
		"attestationObject": b64.EncodeToString(attObj),
		"transports":        []string{"usb"},
	})
}

// Get answers request options with an assertion by the first of the
// authenticator's credentials for the options' RP ID that the options
// allow (any, for a discoverable login).
func (a *Authenticator) Get(options string) (string, error) {
	var o requestOptions
	if err := json.Unmarshal([]byte(options), &o); err != nil {
		return "", fmt.Errorf("webauthntest: request options: %w", err)
	}
	a.mu.Lock()
	var found *Credential
	for _, c := range a.creds {
		if c.RPID != o.PublicKey.RPID {
			continue
		}
		if len(o.PublicKey.Allow) == 0 {
			found = c
			break
		}
		for _, al := range o.PublicKey.Allow {
			if id, err := b64.DecodeString(al.ID); err == nil && bytes.Equal(id, c.ID) {
				found = c
				break
			}
		}
		if found != nil {
			break
		}
	}
	a.mu.Unlock()
	if found == nil {
		return "", ErrNoCredential
	}
	return a.Assert(found, options)
}

// Assert answers request options with an assertion by c, whether or not
// the options allow it.
func (a *Authenticator) Assert(c *Credential, options string) (string, error) {
	var o requestOptions
	if err := json.Unmarshal([]byte(options), &o); err != nil {
		return "", fmt.Errorf("webauthntest: request options: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.ZeroCounter {
		c.SignCount++
	}
	authData := a.authData(c.RPID, 0, c.SignCount, nil)
	clientData, err := a.clientData("webauthn.get", o.PublicKey.Challenge)
	if err != nil {
		return "", err
	}
	hash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(append([]byte(nil), authData...), hash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.Key, digest[:])
	if err != nil {
		return "", fmt.Errorf("webauthntest: sign: %w", err)
	}
	return a.credentialJSON(c.ID, map[string]any{
		"clientDataJSON":    b64.EncodeToString(clientData),
		"authenticatorData": b64.EncodeToString(authData),
		"signature":         b64.EncodeToString(sig),
		"userHandle":        b64.EncodeToString(c.UserHandle),
	})
}

// authData builds authenticator data for rpID with the authenticator's
// flags, extra flags, a counter and attested credential data.
func (a *Authenticator) authData(rpID string, extra byte, count uint32, attested []byte) []byte {
	if a.RPID != "" {
		rpID = a.RPID
	}
	h := sha256.Sum256([]byte(rpID))
	flags := extra
	if a.UserPresent {
		flags |= flagUP
	}
	if a.UserVerified {
		flags |= flagUV
	}
	if a.BackupEligible {
		flags |= flagBE
	}
	if a.BackupState {
		flags |= flagBS
	}
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, count)
	return append(out, attested...)
}

// clientData is the collected client data of a ceremony.
func (a *Authenticator) clientData(typ, challenge string) ([]byte, error) {
	b, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: client data: %w", err)
	}
	return b, nil
}

// coseKey encodes an ES256 public key as a COSE_Key.
func coseKey(pub *ecdsa.PublicKey) ([]byte, error) {
	raw, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, fmt.Errorf("webauthntest: public key: %w", err)
	}
	b, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: raw[1:33], -3: raw[33:65]})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: COSE key: %w", err)
	}
	return b, nil
}

// credentialJSON is a PublicKeyCredential's JSON with response.
func (a *Authenticator) credentialJSON(id []byte, response map[string]any) (string, error) {
	b, err := json.Marshal(map[string]any{
		"id": b64.EncodeToString(id), "rawId": b64.EncodeToString(id), "type": publicKey,
		"authenticatorAttachment": a.Attachment, "response": response,
		"clientExtensionResults": map[string]any{},
	})
	if err != nil {
		return "", fmt.Errorf("webauthntest: %w", err)
	}
	return string(b), nil
}

// Clone returns an authenticator with a's settings holding a's credentials
// (shared: their counters advance for both), to change settings for one
// ceremony.
func (a *Authenticator) Clone() *Authenticator {
	a.mu.Lock()
	defer a.mu.Unlock()
	return &Authenticator{
		Origin: a.Origin, RPID: a.RPID, UserPresent: a.UserPresent, UserVerified: a.UserVerified,
		BackupEligible: a.BackupEligible, BackupState: a.BackupState, ZeroCounter: a.ZeroCounter,
		Attachment: a.Attachment, creds: append([]*Credential(nil), a.creds...),
	}
}
