package webauthn

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
)

// HandleLen is the length of a user handle in bytes.
const HandleLen = 32

// account adapts a user and their devices to webauthn.User.
type account struct {
	u       *ent.User
	handle  []byte
	devices []*ent.WebAuthnDevice
}

// WebAuthnID implements webauthn.User: the user handle.
func (a *account) WebAuthnID() []byte { return a.handle }

// WebAuthnName implements webauthn.User.
func (a *account) WebAuthnName() string { return a.u.Username }

// WebAuthnDisplayName implements webauthn.User.
func (a *account) WebAuthnDisplayName() string {
	if a.u.Name != "" {
		return a.u.Name
	}
	return a.u.Username
}

// WebAuthnCredentials implements webauthn.User.
func (a *account) WebAuthnCredentials() []webauthn.Credential {
	creds := make([]webauthn.Credential, 0, len(a.devices))
	for _, d := range a.devices {
		creds = append(creds, credential(d))
	}
	return creds
}

// device returns the account's device with credential ID id.
func (a *account) device(id []byte) *ent.WebAuthnDevice {
	for _, d := range a.devices {
		if bytes.Equal(d.CredentialID, id) {
			return d
		}
	}
	return nil
}

// credential is a stored device as the library's credential record.
func credential(d *ent.WebAuthnDevice) webauthn.Credential {
	flags := protocol.FlagUserPresent
	if d.UserVerified {
		flags |= protocol.FlagUserVerified
	}
	if d.BackupEligible {
		flags |= protocol.FlagBackupEligible
	}
	if d.BackupState {
		flags |= protocol.FlagBackupState
	}
	transports := make([]protocol.AuthenticatorTransport, 0, len(d.Transports))
	for _, t := range d.Transports {
		transports = append(transports, protocol.AuthenticatorTransport(t))
	}
	return webauthn.Credential{
		ID:                d.CredentialID,
		PublicKey:         d.PublicKey,
		AttestationType:   d.AttestationType,
		AttestationFormat: d.AttestationFormat,
		Transport:         transports,
		Flags:             webauthn.NewCredentialFlags(flags),
		Authenticator: webauthn.Authenticator{
			AAGUID:     d.Aaguid,
			SignCount:  uint32(min(max(d.SignCount, 0), int64(^uint32(0)))),
			Attachment: protocol.AuthenticatorAttachment(d.Attachment),
		},
	}
}

// load returns the account of u with its devices; handle is u's user
// handle, nil if it has none yet.
func (d *Devices) load(ctx context.Context, u *ent.User) (*account, error) {
	devices, err := d.client.WebAuthnDevice.Query().
		Where(webauthndevice.UserID(u.ID)).
		Order(ent.Asc(webauthndevice.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("webauthn: load devices: %w", err)
	}
	return &account{u: u, handle: handleOf(u), devices: devices}, nil
}

// Handle returns u's user handle, making it (32 random bytes) if u has
// none: by compare-and-set, so two concurrent first registrations agree
// on one.
func (d *Devices) Handle(ctx context.Context, u *ent.User) ([]byte, error) {
	if h := handleOf(u); len(h) > 0 {
		return h, nil
	}
	handle := make([]byte, HandleLen)
	if _, err := rand.Read(handle); err != nil {
		return nil, fmt.Errorf("webauthn: user handle: %w", err)
	}
	if _, err := d.client.User.Update().
		Where(user.ID(u.ID), user.WebauthnUserHandleIsNil()).
		SetWebauthnUserHandle(handle).
		Save(ctx); err != nil {
		return nil, fmt.Errorf("webauthn: save user handle: %w", err)
	}
	fresh, err := d.client.User.Get(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("webauthn: load user: %w", err)
	}
	h := handleOf(fresh)
	if len(h) == 0 {
		return nil, fmt.Errorf("webauthn: user %d has no user handle", u.ID)
	}
	u.WebauthnUserHandle = fresh.WebauthnUserHandle
	return h, nil
}

// handleOf returns u's user handle; nil if it has none.
func handleOf(u *ent.User) []byte {
	if u.WebauthnUserHandle == nil {
		return nil
	}
	return *u.WebauthnUserHandle
}

// HasDevices reports whether user userID has a WebAuthn device (for a
// stage that skips users without one); it needs no relying party.
func HasDevices(ctx context.Context, client *ent.Client, userID int) (bool, error) {
	ok, err := client.WebAuthnDevice.Query().Where(webauthndevice.UserID(userID)).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("webauthn: look up devices: %w", err)
	}
	return ok, nil
}
