package webauthn_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
	"github.com/gatehouse-id/gatehouse/internal/fakeclock"
	"github.com/gatehouse-id/gatehouse/internal/racetest"
	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/internal/webauthntest"
	"github.com/gatehouse-id/gatehouse/mfa/webauthn"
)

const origin = "https://login.example.com"

func TestNewRelyingParty(t *testing.T) {
	t.Parallel()
	rp, err := webauthn.NewRelyingParty("https://Login.Example.com:8443/", "Acme")
	require.NoError(t, err)
	require.Equal(t, "login.example.com", rp.ID)
	require.Equal(t, "https://login.example.com:8443", rp.Origin)
	rp, err = webauthn.NewRelyingParty("http://localhost:8080", "")
	require.NoError(t, err, "development on localhost")
	require.Equal(t, "localhost", rp.ID)
	for _, bad := range []string{"", "http://login.example.com", "https://127.0.0.1", "ftp://x.example", "https://x.example/path", "::"} {
		_, err := webauthn.NewRelyingParty(bad, "Acme")
		require.ErrorIs(t, err, webauthn.ErrPublicURL, bad)
	}
}

type bundle struct {
	ctx     context.Context
	client  *ent.Client
	clock   *fakeclock.Clock
	devices *webauthn.Devices
	grace   *ent.User
	alan    *ent.User
	auth    *webauthntest.Authenticator
}

func setup(t *testing.T, d string) bundle {
	t.Helper()
	db := servicetest.Database(t, d)
	ctx := viewer.SystemContext(t.Context())
	clock := fakeclock.New(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	rp, err := webauthn.NewRelyingParty(origin, "Gatehouse")
	require.NoError(t, err)
	return bundle{
		ctx: ctx, client: db.Ent, clock: clock, devices: webauthn.NewDevices(db.Ent, rp, clock.Now),
		grace: db.Ent.User.Create().SetUsername("grace").SetName("Grace Hopper").SaveX(ctx),
		alan:  db.Ent.User.Create().SetUsername("alan").SaveX(ctx),
		auth:  webauthntest.New(origin),
	}
}

var required = webauthn.RegistrationOptions{
	UserVerification: webauthn.VerificationRequired, ResidentKey: webauthn.ResidentKeyRequired,
}

// register registers a device of u's with auth.
func register(t *testing.T, b bundle, u *ent.User, auth *webauthntest.Authenticator) *ent.WebAuthnDevice {
	t.Helper()
	options, s, err := b.devices.BeginRegistration(b.ctx, u, required)
	require.NoError(t, err)
	resp, err := auth.Create(options)
	require.NoError(t, err)
	dev, err := b.devices.FinishRegistration(b.ctx, u, s, "Key", resp)
	require.NoError(t, err)
	return dev
}

// snapshot is what refusals must leave unchanged.
func snapshot(t *testing.T, b bundle) string {
	t.Helper()
	devs := b.client.WebAuthnDevice.Query().Order(ent.Asc(webauthndevice.FieldID)).AllX(b.ctx)
	out, err := json.Marshal(devs)
	require.NoError(t, err)
	return string(out)
}

func TestRegistration(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			t.Run("options and a saved device", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				options, s, err := b.devices.BeginRegistration(b.ctx, b.grace, webauthn.RegistrationOptions{
					UserVerification: webauthn.VerificationPreferred, ResidentKey: webauthn.ResidentKeyRequired,
					Attachment: webauthn.AttachmentCrossPlatform,
				})
				require.NoError(t, err)
				var o struct {
					PublicKey struct {
						RP        struct{ ID, Name string }
						User      struct{ ID, Name, DisplayName string }
						Challenge string
						Selection struct {
							AuthenticatorAttachment, ResidentKey, UserVerification string
							RequireResidentKey                                     bool
						} `json:"authenticatorSelection"`
						Attestation string
					}
				}
				require.NoError(t, json.Unmarshal([]byte(options), &o))
				require.Equal(t, "login.example.com", o.PublicKey.RP.ID)
				require.Equal(t, "Gatehouse", o.PublicKey.RP.Name)
				require.Equal(t, "grace", o.PublicKey.User.Name)
				require.Equal(t, "Grace Hopper", o.PublicKey.User.DisplayName)
				require.Len(t, o.PublicKey.User.ID, 43, "32 random bytes in base64url")
				require.Equal(t, "cross-platform", o.PublicKey.Selection.AuthenticatorAttachment)
				require.Equal(t, "required", o.PublicKey.Selection.ResidentKey)
				require.True(t, o.PublicKey.Selection.RequireResidentKey)
				require.Equal(t, "preferred", o.PublicKey.Selection.UserVerification)
				require.Equal(t, "none", o.PublicKey.Attestation)
				require.Equal(t, webauthn.CeremonyRegistration, s.Ceremony)
				require.NotContains(t, options, `"id":"`+b.grace.Username, "the user handle is not the username")

				resp, err := b.auth.Create(options)
				require.NoError(t, err)
				dev, err := b.devices.FinishRegistration(b.ctx, b.grace, s, "YubiKey", resp)
				require.NoError(t, err)
				dev = b.client.WebAuthnDevice.GetX(b.ctx, dev.ID)
				require.Equal(t, b.grace.ID, dev.UserID)
				require.Equal(t, "YubiKey", dev.Name)
				require.Equal(t, b.auth.Credentials()[0].ID, dev.CredentialID)
				require.Equal(t, "none", dev.AttestationFormat)
				require.Equal(t, []string{"usb"}, dev.Transports)
				require.Equal(t, "cross-platform", dev.Attachment)
				require.True(t, dev.UserVerified)
				require.Zero(t, dev.SignCount)
				require.GreaterOrEqual(t, dev.ID, 115964116992, "the table's global-ID range")

				handle := b.client.User.GetX(b.ctx, b.grace.ID).WebauthnUserHandle
				require.NotNil(t, handle)
				require.Len(t, *handle, webauthn.HandleLen)
				require.Equal(t, *handle, b.auth.Credentials()[0].UserHandle)

				options, _, err = b.devices.BeginRegistration(b.ctx, b.grace, required)
				require.NoError(t, err)
				require.Contains(t, options, "excludeCredentials", "the device is excluded from a second registration")
				_, err = b.auth.Create(options)
				require.ErrorIs(t, err, webauthntest.ErrExcluded)
				require.Equal(t, *handle, *b.client.User.GetX(b.ctx, b.grace.ID).WebauthnUserHandle, "the handle stays")
			})
			t.Run("refused registrations save nothing", func(t *testing.T) {
				t.Parallel()
				refusedRegistrations(t, setup(t, d))
			})
			t.Run("one credential finished concurrently: exactly one device", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				options, s, err := b.devices.BeginRegistration(b.ctx, b.grace, required)
				require.NoError(t, err)
				resp, err := b.auth.Create(options)
				require.NoError(t, err)
				racetest.RequireOneWinner(t, 10, webauthn.ErrRefused, func(int) error {
					_, err := b.devices.FinishRegistration(b.ctx, b.grace, s, "Key", resp)
					return err
				})
				require.Equal(t, 1, b.client.WebAuthnDevice.Query().CountX(b.ctx))
			})
			t.Run("concurrent first registrations share one user handle", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				const n = 8
				handles := make([]string, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						u := b.client.User.GetX(b.ctx, b.grace.ID)
						h, err := b.devices.Handle(b.ctx, u)
						if err == nil {
							handles[i] = string(h)
						}
					})
				}
				wg.Wait()
				for _, h := range handles {
					require.Len(t, h, webauthn.HandleLen)
					require.Equal(t, handles[0], h)
				}
			})
		})
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			t.Run("a known user logs in and the counter advances", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				has, err := webauthn.HasDevices(b.ctx, b.client, b.grace.ID)
				require.NoError(t, err)
				require.False(t, has)
				dev := register(t, b, b.grace, b.auth)
				has, err = webauthn.HasDevices(b.ctx, b.client, b.grace.ID)
				require.NoError(t, err)
				require.True(t, has)
				_, _, err = b.devices.BeginLogin(b.ctx, b.alan, webauthn.VerificationRequired)
				require.ErrorIs(t, err, webauthn.ErrNoDevices)

				b.clock.Advance(time.Minute)
				options, s, err := b.devices.BeginLogin(b.ctx, b.grace, webauthn.VerificationRequired)
				require.NoError(t, err)
				require.Contains(t, options, `"rpId":"login.example.com"`)
				require.Contains(t, options, `"userVerification":"required"`)
				resp, err := b.auth.Get(options)
				require.NoError(t, err)
				used, err := b.devices.FinishLogin(b.ctx, b.grace, s, resp)
				require.NoError(t, err)
				require.Equal(t, dev.ID, used.ID)
				got := b.client.WebAuthnDevice.GetX(b.ctx, dev.ID)
				require.Equal(t, int64(1), got.SignCount)
				require.Equal(t, b.clock.Now(), got.LastUsedAt.UTC())

				_, err = b.devices.FinishLogin(b.ctx, b.grace, s, resp)
				require.ErrorIs(t, err, webauthn.ErrRefused, "a replayed assertion: the counter did not grow")
				require.Equal(t, int64(1), b.client.WebAuthnDevice.GetX(b.ctx, dev.ID).SignCount)
			})
			t.Run("refused logins change nothing", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				register(t, b, b.grace, b.auth)
				alanAuth := webauthntest.New(origin)
				register(t, b, b.alan, alanAuth)
				before := snapshot(t, b)

				attempt := func(name string, uv webauthn.UserVerification, answer func(options string) string, who *ent.User) {
					t.Helper()
					options, s, err := b.devices.BeginLogin(b.ctx, b.grace, uv)
					require.NoError(t, err)
					resp := answer(options)
					_, err = b.devices.FinishLogin(b.ctx, who, s, resp)
					require.ErrorIs(t, err, webauthn.ErrRefused, name)
					t.Logf("%s: %v", name, err)
					require.Equal(t, before, snapshot(t, b), name)
				}
				with := func(tweak func(a *webauthntest.Authenticator)) func(string) string {
					return func(options string) string {
						a := b.auth.Clone()
						tweak(a)
						resp, err := a.Assert(b.auth.Credentials()[0], options)
						require.NoError(t, err)
						b.auth.Credentials()[0].SignCount--
						return resp
					}
				}
				attempt("wrong origin", webauthn.VerificationRequired, with(func(a *webauthntest.Authenticator) { a.Origin = "https://login.example.com.evil.example" }), b.grace)
				attempt("wrong RP", webauthn.VerificationRequired, with(func(a *webauthntest.Authenticator) { a.RPID = "example.com" }), b.grace)
				attempt("user verification required but not performed", webauthn.VerificationRequired, with(func(a *webauthntest.Authenticator) { a.UserVerified = false }), b.grace)
				attempt("malformed JSON", webauthn.VerificationPreferred, func(string) string { return `{"id": 1` }, b.grace)
				attempt("empty", webauthn.VerificationPreferred, func(string) string { return "" }, b.grace)
				attempt("another user's credential", webauthn.VerificationPreferred, func(options string) string {
					resp, err := alanAuth.Assert(alanAuth.Credentials()[0], options)
					require.NoError(t, err)
					alanAuth.Credentials()[0].SignCount--
					return resp
				}, b.grace)
				attempt("a session for another user", webauthn.VerificationPreferred, func(options string) string {
					resp, err := b.auth.Get(options)
					require.NoError(t, err)
					b.auth.Credentials()[0].SignCount--
					return resp
				}, b.alan)
				attempt("another challenge", webauthn.VerificationPreferred, func(string) string {
					other, _, err := b.devices.BeginLogin(b.ctx, b.grace, webauthn.VerificationPreferred)
					require.NoError(t, err)
					resp, err := b.auth.Get(other)
					require.NoError(t, err)
					b.auth.Credentials()[0].SignCount--
					return resp
				}, b.grace)
				attempt("a registration answer", webauthn.VerificationPreferred, func(string) string {
					options, _, err := b.devices.BeginRegistration(b.ctx, b.grace, required)
					require.NoError(t, err)
					resp, err := webauthntest.New(origin).Create(options)
					require.NoError(t, err)
					return resp
				}, b.grace)

				// The registration session is not a login session.
				_, regSession, err := b.devices.BeginRegistration(b.ctx, b.grace, required)
				require.NoError(t, err)
				options, _, err := b.devices.BeginLogin(b.ctx, b.grace, webauthn.VerificationPreferred)
				require.NoError(t, err)
				resp, err := b.auth.Get(options)
				require.NoError(t, err)
				_, err = b.devices.FinishLogin(b.ctx, b.grace, regSession, resp)
				require.ErrorIs(t, err, webauthn.ErrRefused)
			})
			t.Run("a regressed counter is refused (a cloned authenticator)", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				dev := register(t, b, b.grace, b.auth)
				login := func() error {
					options, s, err := b.devices.BeginLogin(b.ctx, b.grace, webauthn.VerificationRequired)
					require.NoError(t, err)
					resp, err := b.auth.Get(options)
					require.NoError(t, err)
					_, err = b.devices.FinishLogin(b.ctx, b.grace, s, resp)
					return err
				}
				b.auth.Credentials()[0].SignCount = 41
				require.NoError(t, login())
				require.Equal(t, int64(42), b.client.WebAuthnDevice.GetX(b.ctx, dev.ID).SignCount)
				b.auth.Credentials()[0].SignCount = 10 // the clone's counter is behind
				require.ErrorIs(t, login(), webauthn.ErrRefused)
				b.auth.Credentials()[0].SignCount = 41 // the same counter again
				require.ErrorIs(t, login(), webauthn.ErrRefused)
				require.Equal(t, int64(42), b.client.WebAuthnDevice.GetX(b.ctx, dev.ID).SignCount)
				require.NoError(t, login(), "the counter grows again")
			})
			t.Run("authenticators without a counter", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				b.auth.ZeroCounter = true
				register(t, b, b.grace, b.auth)
				for range 2 {
					options, s, err := b.devices.BeginLogin(b.ctx, b.grace, webauthn.VerificationRequired)
					require.NoError(t, err)
					resp, err := b.auth.Get(options)
					require.NoError(t, err)
					_, err = b.devices.FinishLogin(b.ctx, b.grace, s, resp)
					require.NoError(t, err)
				}
			})
			t.Run("concurrent logins with one counter value: exactly one succeeds", func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				register(t, b, b.grace, b.auth)
				const n = 10
				type try struct {
					s    webauthn.Session
					resp string
				}
				tries := make([]try, n)
				for i := range n {
					options, s, err := b.devices.BeginLogin(b.ctx, b.grace, webauthn.VerificationRequired)
					require.NoError(t, err)
					b.auth.Credentials()[0].SignCount = 4
					resp, err := b.auth.Get(options)
					require.NoError(t, err)
					tries[i] = try{s, resp}
				}
				racetest.RequireOneWinner(t, n, webauthn.ErrRefused, func(i int) error {
					_, err := b.devices.FinishLogin(b.ctx, b.grace, tries[i].s, tries[i].resp)
					return err
				})
			})
		})
	}
}

func TestDiscoverableLogin(t *testing.T) {
	t.Parallel()
	for _, d := range servicetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			b := setup(t, d)
			dev := register(t, b, b.grace, b.auth)
			alanAuth := webauthntest.New(origin)
			register(t, b, b.alan, alanAuth)

			options, s, err := b.devices.BeginDiscoverableLogin(b.ctx, webauthn.VerificationRequired)
			require.NoError(t, err)
			require.NotContains(t, options, "allowCredentials")
			resp, err := b.auth.Get(options)
			require.NoError(t, err)
			u, used, err := b.devices.FinishDiscoverableLogin(b.ctx, s, resp)
			require.NoError(t, err)
			require.Equal(t, b.grace.ID, u.ID)
			require.Equal(t, dev.ID, used.ID)

			before := snapshot(t, b)
			refuse := func(name string, answer func(options string) string) {
				t.Helper()
				options, s, err := b.devices.BeginDiscoverableLogin(b.ctx, webauthn.VerificationRequired)
				require.NoError(t, err)
				_, _, err = b.devices.FinishDiscoverableLogin(b.ctx, s, answer(options))
				require.ErrorIs(t, err, webauthn.ErrRefused, name)
				t.Logf("%s: %v", name, err)
				require.Equal(t, before, snapshot(t, b), name)
			}
			refuse("replay", func(string) string { return resp })
			refuse("malformed", func(string) string { return strings.Repeat("{", 10) })
			refuse("wrong origin", func(options string) string {
				a := b.auth.Clone()
				a.Origin = "https://evil.example.com"
				resp, err := a.Get(options)
				require.NoError(t, err)
				return resp
			})
			refuse("wrong RP", func(options string) string {
				a := b.auth.Clone()
				a.RPID = "evil.example.com"
				resp, err := a.Get(options)
				require.NoError(t, err)
				return resp
			})
			refuse("a credential claiming another user's handle", func(options string) string {
				cred := *b.auth.Credentials()[0]
				cred.UserHandle = alanAuth.Credentials()[0].UserHandle
				resp, err := b.auth.Assert(&cred, options)
				require.NoError(t, err)
				return resp
			})
			refuse("user verification required but not performed", func(options string) string {
				b.auth.UserVerified = false
				defer func() { b.auth.UserVerified = true }()
				resp, err := b.auth.Get(options)
				require.NoError(t, err)
				return resp
			})
			require.NoError(t, b.client.User.UpdateOneID(b.grace.ID).SetIsActive(false).Exec(b.ctx))
			refuse("an inactive user", func(options string) string {
				resp, err := b.auth.Get(options)
				require.NoError(t, err)
				return resp
			})
			_, _, err = b.devices.FinishDiscoverableLogin(b.ctx, webauthn.Session{Ceremony: webauthn.CeremonyLogin, Data: s.Data}, resp)
			require.ErrorIs(t, err, webauthn.ErrRefused, "a known-user session")
		})
	}
}

// refusedRegistrations checks that registrations that do not verify save
// nothing.
func refusedRegistrations(t *testing.T, b bundle) {
	t.Helper()
	cases := map[string]struct {
		setting func(a *webauthntest.Authenticator)
		resp    func(resp string) string
		user    func(b bundle) *ent.User
	}{
		"wrong origin": {setting: func(a *webauthntest.Authenticator) { a.Origin = "https://evil.example.com" }},
		"wrong RP":     {setting: func(a *webauthntest.Authenticator) { a.RPID = "evil.example.com" }},
		"user verification required but not done": {setting: func(a *webauthntest.Authenticator) { a.UserVerified = false }},
		"user not present":                        {setting: func(a *webauthntest.Authenticator) { a.UserPresent = false }},
		"malformed JSON":                          {resp: func(resp string) string { return resp[:len(resp)/2] }},
		"not JSON of a credential":                {resp: func(string) string { return `{"id":"x"}` }},
		"another user's session":                  {user: func(b bundle) *ent.User { return b.alan }},
	}
	for name, c := range cases {
		auth := webauthntest.New(origin)
		if c.setting != nil {
			c.setting(auth)
		}
		options, s, err := b.devices.BeginRegistration(b.ctx, b.grace, required)
		require.NoError(t, err)
		resp, err := auth.Create(options)
		require.NoError(t, err)
		if c.resp != nil {
			resp = c.resp(resp)
		}
		u := b.grace
		if c.user != nil {
			u = c.user(b)
		}
		_, err = b.devices.FinishRegistration(b.ctx, u, s, "Key", resp)
		require.ErrorIs(t, err, webauthn.ErrRefused, name)
		t.Logf("%s: %v", name, err)
	}
	require.Zero(t, b.client.WebAuthnDevice.Query().CountX(b.ctx))

	options, s, err := b.devices.BeginRegistration(b.ctx, b.grace, required)
	require.NoError(t, err)
	resp, err := b.auth.Create(options)
	require.NoError(t, err)
	_, err = b.devices.FinishRegistration(b.ctx, b.grace, s, "Key", resp)
	require.NoError(t, err)
	_, err = b.devices.FinishRegistration(b.ctx, b.grace, s, "Key", resp)
	require.ErrorIs(t, err, webauthn.ErrRefused, "the same credential twice")
	require.Equal(t, 1, b.client.WebAuthnDevice.Query().CountX(b.ctx))
}
