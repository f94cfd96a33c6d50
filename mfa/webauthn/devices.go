package webauthn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
)

// MaxResponseLen bounds a credential's JSON from the browser.
const MaxResponseLen = 64 << 10

// Devices registers and checks users' WebAuthn devices for one relying
// party.
type Devices struct {
	client *ent.Client
	rp     *RelyingParty
	now    func() time.Time
}

// NewDevices returns Devices over client for rp, telling time with now
// (nil: time.Now).
func NewDevices(client *ent.Client, rp *RelyingParty, now func() time.Time) *Devices {
	if now == nil {
		now = time.Now
	}
	return &Devices{client: client, rp: rp, now: now}
}

// encode returns v (the options for the browser) as JSON.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("webauthn: encode options: %w", err)
	}
	return string(b), nil
}

// BeginRegistration starts registering a new device for u with opts: it
// returns the options for navigator.credentials.create (JSON of
// {"publicKey": …}) and the Session for FinishRegistration. u's existing
// credentials are excluded, so an authenticator cannot register twice.
func (d *Devices) BeginRegistration(ctx context.Context, u *ent.User, opts RegistrationOptions) (string, Session, error) {
	if _, err := d.Handle(ctx, u); err != nil {
		return "", Session{}, err
	}
	acc, err := d.load(ctx, u)
	if err != nil {
		return "", Session{}, err
	}
	selection := protocol.AuthenticatorSelection{
		AuthenticatorAttachment: opts.Attachment.protocol(),
		UserVerification:        opts.UserVerification.protocol(),
		ResidentKey:             protocol.ResidentKeyRequirement(opts.ResidentKey),
	}
	if opts.ResidentKey == ResidentKeyRequired {
		selection.RequireResidentKey = protocol.ResidentKeyRequired()
	} else {
		selection.RequireResidentKey = protocol.ResidentKeyNotRequired()
	}
	creation, data, err := d.rp.wa.BeginRegistration(acc,
		webauthn.WithAuthenticatorSelection(selection),
		webauthn.WithExclusions(webauthn.Credentials(acc.WebAuthnCredentials()).CredentialDescriptors()),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
	)
	if err != nil {
		return "", Session{}, fmt.Errorf("webauthn: begin registration: %w", err)
	}
	options, err := encode(creation)
	if err != nil {
		return "", Session{}, err
	}
	return options, Session{Ceremony: CeremonyRegistration, UserID: u.ID, Data: *data}, nil
}

// FinishRegistration verifies response, the JSON of the credential
// navigator.credentials.create returned, against s (from
// BeginRegistration for u) and saves it as a device of u's named name.
// ErrRefused when it does not verify; nothing is saved then.
func (d *Devices) FinishRegistration(ctx context.Context, u *ent.User, s Session, name, response string) (*ent.WebAuthnDevice, error) {
	if s.Ceremony != CeremonyRegistration || s.UserID != u.ID || len(response) > MaxResponseLen {
		return nil, fmt.Errorf("%w: not this user's registration", ErrRefused)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes([]byte(response))
	if err != nil {
		return nil, refused(err)
	}
	acc, err := d.load(ctx, u)
	if err != nil {
		return nil, err
	}
	cred, err := d.rp.wa.CreateCredential(acc, s.Data, parsed)
	if err != nil {
		return nil, refused(err)
	}
	transports := make([]string, 0, len(cred.Transport))
	for _, t := range cred.Transport {
		transports = append(transports, string(t))
	}
	now := d.now()
	dev, err := d.client.WebAuthnDevice.Create().
		SetUserID(u.ID).
		SetName(name).
		SetCredentialID(cred.ID).
		SetPublicKey(cred.PublicKey).
		SetAttestationType(cred.AttestationType).
		SetAttestationFormat(cred.AttestationFormat).
		SetAaguid(cred.Authenticator.AAGUID).
		SetSignCount(int64(cred.Authenticator.SignCount)).
		SetTransports(transports).
		SetAttachment(string(cred.Authenticator.Attachment)).
		SetBackupEligible(cred.Flags.BackupEligible).
		SetBackupState(cred.Flags.BackupState).
		SetUserVerified(cred.Flags.UserVerified).
		SetCreatedAt(now).SetUpdatedAt(now).
		Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, fmt.Errorf("%w: the credential is already registered", ErrRefused)
	}
	if err != nil {
		return nil, fmt.Errorf("webauthn: save device: %w", err)
	}
	return dev, nil
}

// BeginLogin starts a login of u (a second factor): it returns the options
// for navigator.credentials.get, allowing u's devices only, and the
// Session for FinishLogin. ErrNoDevices when u has none.
func (d *Devices) BeginLogin(ctx context.Context, u *ent.User, uv UserVerification) (string, Session, error) {
	acc, err := d.load(ctx, u)
	if err != nil {
		return "", Session{}, err
	}
	if len(acc.devices) == 0 || len(acc.handle) == 0 {
		return "", Session{}, ErrNoDevices
	}
	assertion, data, err := d.rp.wa.BeginLogin(acc, webauthn.WithUserVerification(uv.protocol()))
	if err != nil {
		return "", Session{}, fmt.Errorf("webauthn: begin login: %w", err)
	}
	options, err := encode(assertion)
	if err != nil {
		return "", Session{}, err
	}
	return options, Session{Ceremony: CeremonyLogin, UserID: u.ID, Data: *data}, nil
}

// FinishLogin verifies response, the JSON of the credential
// navigator.credentials.get returned, against s (from BeginLogin for u),
// and advances the device's signature counter. It returns the device used;
// ErrRefused when the assertion does not verify, is for a credential
// that is not u's, or its counter did not grow.
func (d *Devices) FinishLogin(ctx context.Context, u *ent.User, s Session, response string) (*ent.WebAuthnDevice, error) {
	if s.Ceremony != CeremonyLogin || s.UserID != u.ID || len(response) > MaxResponseLen {
		return nil, fmt.Errorf("%w: not this user's login", ErrRefused)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(response))
	if err != nil {
		return nil, refused(err)
	}
	acc, err := d.load(ctx, u)
	if err != nil {
		return nil, err
	}
	cred, err := d.rp.wa.ValidateLogin(acc, s.Data, parsed)
	if err != nil {
		return nil, refused(err)
	}
	return d.used(ctx, acc, cred, parsed)
}

// BeginDiscoverableLogin starts a passwordless login: the options for
// navigator.credentials.get allow any of the relying party's discoverable
// credentials (passkeys); the credential names its user.
func (d *Devices) BeginDiscoverableLogin(_ context.Context, uv UserVerification) (string, Session, error) {
	assertion, data, err := d.rp.wa.BeginDiscoverableLogin(webauthn.WithUserVerification(uv.protocol()))
	if err != nil {
		return "", Session{}, fmt.Errorf("webauthn: begin discoverable login: %w", err)
	}
	options, err := encode(assertion)
	if err != nil {
		return "", Session{}, err
	}
	return options, Session{Ceremony: CeremonyDiscoverable, Data: *data}, nil
}

// FinishDiscoverableLogin verifies response against s (from
// BeginDiscoverableLogin): the credential must be a device of the active
// user whose handle it carries. It returns that user and the device, the
// counter advanced as FinishLogin does; ErrRefused otherwise.
func (d *Devices) FinishDiscoverableLogin(ctx context.Context, s Session, response string) (*ent.User, *ent.WebAuthnDevice, error) {
	if s.Ceremony != CeremonyDiscoverable || len(response) > MaxResponseLen {
		return nil, nil, fmt.Errorf("%w: not a discoverable login", ErrRefused)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(response))
	if err != nil {
		return nil, nil, refused(err)
	}
	var acc *account
	var lookupErr error
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		acc, lookupErr = d.discover(ctx, rawID, userHandle)
		if lookupErr != nil {
			return nil, lookupErr
		}
		return acc, nil
	}
	_, cred, err := d.rp.wa.ValidatePasskeyLogin(handler, s.Data, parsed)
	if lookupErr != nil && !errors.Is(lookupErr, ErrRefused) {
		return nil, nil, lookupErr
	}
	if err != nil {
		return nil, nil, refused(err)
	}
	dev, err := d.used(ctx, acc, cred, parsed)
	if err != nil {
		return nil, nil, err
	}
	return acc.u, dev, nil
}

// discover finds the account of a discoverable credential: the active
// user whose handle is userHandle, who must own credential rawID.
func (d *Devices) discover(ctx context.Context, rawID, userHandle []byte) (*account, error) {
	u, err := d.client.User.Query().Where(user.WebauthnUserHandle(userHandle)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("%w: unknown user handle", ErrRefused)
	}
	if err != nil {
		return nil, fmt.Errorf("webauthn: find user: %w", err)
	}
	if !u.IsActive {
		return nil, fmt.Errorf("%w: the user is inactive", ErrRefused)
	}
	acc, err := d.load(ctx, u)
	if err != nil {
		return nil, err
	}
	if acc.device(rawID) == nil {
		return nil, fmt.Errorf("%w: the credential is not the user's", ErrRefused)
	}
	return acc, nil
}

// used records a verified assertion: the device's signature counter
// advances by compare-and-set; a counter that did not grow (the library's
// clone warning) or lost to a concurrent login is refused.
func (d *Devices) used(ctx context.Context, acc *account, cred *webauthn.Credential, parsed *protocol.ParsedCredentialAssertionData) (*ent.WebAuthnDevice, error) {
	dev := acc.device(cred.ID)
	if dev == nil || !bytes.Equal(dev.CredentialID, parsed.RawID) {
		return nil, fmt.Errorf("%w: unknown credential", ErrRefused)
	}
	if cred.Authenticator.CloneWarning {
		return nil, fmt.Errorf("%w: the signature counter did not grow", ErrRefused)
	}
	count := int64(parsed.Response.AuthenticatorData.Counter)
	update := d.client.WebAuthnDevice.Update().Where(webauthndevice.ID(dev.ID))
	if count == 0 {
		update.Where(webauthndevice.SignCount(0))
	} else {
		update.Where(webauthndevice.SignCountLT(count))
	}
	now := d.now()
	n, err := update.
		SetSignCount(count).
		SetBackupState(parsed.Response.AuthenticatorData.Flags.HasBackupState()).
		SetLastUsedAt(now).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("webauthn: record use: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: the signature counter did not grow", ErrRefused)
	}
	dev.SignCount, dev.LastUsedAt = count, &now
	dev.BackupState = parsed.Response.AuthenticatorData.Flags.HasBackupState()
	return dev, nil
}

// Name trims a device name for storage: at most 100 characters, fallback
// when empty.
func Name(name, fallback string) string {
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "" {
		return fallback
	}
	return name
}
