// Package captcha is the stage that makes a client prove it is not a cheap
// bot before a flow goes on: bound first in the enrollment flow, a bot
// spends its work before the server spends any.
//
// The default provider is a self-hosted proof of work (ProviderPOW): no
// third party, works offline. The challenge names a string and a
// difficulty d; the answer is a nonce such that SHA-256 of the UTF-8 bytes
// of the challenge followed by the nonce has at least d leading zero bits
// (about 2^d hashes of work). Each challenge is bound to its execution and
// single-use: it is an HMAC of the execution's secret ID, the stage's
// place in the plan and a counter in the stage's state that every submit
// bumps, so a solution works once, in one execution, and a wrong answer
// gets a new challenge.
//
// Cloudflare Turnstile, hCaptcha and reCAPTCHA v3 are options: the client
// renders the provider's widget, and the stage checks its token with the
// provider's documented verify endpoint (configurable, so tests use a
// local server). An endpoint that does not answer is an infrastructure
// failure (problem.Unavailable), never a pass. The secret those providers
// need is write-only: the API shows whether one is set, blueprints export
// without it, and an update's config replaces it like any other setting.
package captcha

import (
	"io"
	"net/url"
	"regexp"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = "captcha"

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, DefaultConfig, New)
}

// Provider is who sets and judges the check.
type Provider string

// Providers.
const (
	// ProviderPOW is the built-in proof of work.
	ProviderPOW Provider = "pow"
	// ProviderTurnstile is Cloudflare Turnstile.
	ProviderTurnstile Provider = "turnstile"
	// ProviderHCaptcha is hCaptcha.
	ProviderHCaptcha Provider = "hcaptcha"
	// ProviderRecaptchaV3 is Google reCAPTCHA v3 (a score, no puzzle).
	ProviderRecaptchaV3 Provider = "recaptcha_v3"
)

// Providers lists every Provider.
var Providers = []Provider{ProviderPOW, ProviderTurnstile, ProviderHCaptcha, ProviderRecaptchaV3}

// MarshalGQL implements graphql.Marshaler.
func (p Provider) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, p) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (p *Provider) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, p, Providers) }

// thirdParty reports whether p is a third-party service (with a site key,
// a secret and a verify endpoint).
func (p Provider) thirdParty() bool { return p != ProviderPOW }

// Bounds and defaults of the settings.
const (
	// MinDifficulty and MaxDifficulty bound Difficulty, in leading zero
	// bits: 2^8 hashes are nothing, 2^28 take a browser minutes.
	MinDifficulty = 8
	MaxDifficulty = 28
	// DefaultDifficulty makes our frontend work about a second in
	// Debian's chromium on a laptop-class core (measured: see
	// docs/decisions.md, "Flow engine"), a bot as long per sign-up in
	// JavaScript and a few milliseconds natively.
	DefaultDifficulty = 20
	// DefaultMinScore is reCAPTCHA v3's suggested threshold.
	DefaultMinScore = 0.5
	// MaxKeyLength bounds SiteKey and Secret.
	MaxKeyLength = 256
	// MaxVerifyURLLength bounds VerifyURL.
	MaxVerifyURLLength = 2048
)

// Config configures a captcha stage.
type Config struct {
	// Provider sets and judges the check.
	Provider Provider `json:"provider"`
	// Difficulty is the proof of work's leading zero bits (POW).
	Difficulty int `json:"difficulty"`
	// SiteKey is the third-party provider's public key for the widget.
	SiteKey string `json:"site_key"`
	// Secret is the third-party provider's secret for the verify
	// endpoint. Write-only: never shown by the API, never exported.
	Secret string `json:"secret" secret:"true"`
	// VerifyURL replaces the provider's verify endpoint (a proxy, tests);
	// empty uses the provider's.
	VerifyURL string `json:"verify_url"`
	// MinScore is the lowest reCAPTCHA v3 score that passes (0 to 1).
	MinScore float64 `json:"min_score"`
}

// SecretSet reports whether a third-party secret is set: what the API
// shows instead of the secret.
func (c *Config) SecretSet() bool { return c.Secret != "" }

// DefaultConfig returns the defaults: the built-in proof of work at
// DefaultDifficulty.
func DefaultConfig() *Config {
	return &Config{Provider: ProviderPOW, Difficulty: DefaultDifficulty, MinScore: DefaultMinScore}
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// keyPattern is what site keys look like at every provider (Turnstile
// "0x4AAA…", hCaptcha UUIDs, reCAPTCHA "6Le…"); they go into URLs and
// pages, so nothing else is taken.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// secretPattern is printable ASCII without spaces.
var secretPattern = regexp.MustCompile(`^[!-~]+$`)

// Validate implements typedconfig.Config. Messages never quote the secret.
func (c *Config) Validate() error {
	if _, err := enum.Parse(string(c.Provider), Providers); err != nil {
		return problem.Invalid("provider", "%v", err)
	}
	if c.Difficulty < MinDifficulty || c.Difficulty > MaxDifficulty {
		return problem.Invalid("difficulty", "must be between %d and %d (leading zero bits)", MinDifficulty, MaxDifficulty)
	}
	if c.MinScore < 0 || c.MinScore > 1 {
		return problem.Invalid("min_score", "must be between 0 and 1")
	}
	if !c.Provider.thirdParty() {
		// Settings of a third party have no meaning here; a secret kept
		// for nothing is a secret to leak.
		for _, f := range [...]struct{ name, value string }{{"site_key", c.SiteKey}, {"secret", c.Secret}, {"verify_url", c.VerifyURL}} {
			if f.value != "" {
				return problem.Invalid(f.name, "must be empty for the built-in proof of work (only third-party providers take it)")
			}
		}
		return nil
	}
	switch {
	case c.SiteKey == "":
		return problem.Invalid("site_key", "is required for %s", c.Provider)
	case len(c.SiteKey) > MaxKeyLength || !keyPattern.MatchString(c.SiteKey):
		return problem.Invalid("site_key", "must be at most %d letters, digits, '-' and '_'", MaxKeyLength)
	case c.Secret == "":
		return problem.Invalid("secret", "is required for %s", c.Provider)
	case len(c.Secret) > MaxKeyLength || !secretPattern.MatchString(c.Secret):
		return problem.Invalid("secret", "must be at most %d printable ASCII characters without spaces", MaxKeyLength)
	}
	if c.VerifyURL != "" && !validVerifyURL(c.VerifyURL) {
		return problem.Invalid("verify_url", "must be an absolute http(s) URL of at most %d characters, or empty for the provider's", MaxVerifyURLLength)
	}
	return nil
}

func validVerifyURL(s string) bool {
	if len(s) > MaxVerifyURLLength {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil && u.Fragment == ""
}
