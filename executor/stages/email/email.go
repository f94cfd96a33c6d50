// Package email is the stage that proves control of an address by a link
// in a mail: sign-up verification (it may activate the user) and account
// recovery.
//
// When the flow reaches the stage it makes a FlowToken (a random secret;
// only its SHA-256 is stored) bound to the pending user and the flow,
// holding the execution as the executor's versioned JSON document, and
// queues the mail with the link in the same transaction
// (executor.Deps.Mail). The person sees an EmailChallenge ("check your
// mail", with resend). The link starts the flow with the token in its
// query (executor.ResumeParam); that execution shows an
// EmailContinueChallenge, whose confirmation redeems the token (intent,
// flow, expiry and user checked at use; consumed by compare-and-set unless
// single_use is off) and resumes the saved execution at the stage after
// this one, on the device that opened the link. The first device's
// execution is told: after a verification it may go on (EmailChallenge
// verified, answered with email: {}), after a recovery it ends (it is
// never signed in there).
//
// For a user the flow only pretends exists (or one that cannot receive
// the mail) the stage shows the same challenge and does the same work,
// but stores no token and sends nothing.
//
// An administrator's recovery link (executor.SendLink) is made by the
// same stage (SendLink, link.go): the same token and mail, for an
// execution planned up to this stage but never run, with no first
// device to tell.
package email

import (
	"io"

	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Kind is the stage kind's persisted name.
const Kind = executor.ResumeKind

// Template is which mail the stage sends.
type Template string

// Templates.
const (
	// TemplateVerification verifies the address (sign-up).
	TemplateVerification Template = jobargs.TemplateVerification
	// TemplateRecovery recovers the account.
	TemplateRecovery Template = jobargs.TemplateRecovery
)

// Templates lists every Template.
var Templates = []Template{TemplateVerification, TemplateRecovery}

// MarshalGQL implements graphql.Marshaler.
func (t Template) MarshalGQL(w io.Writer) { enum.MarshalGQL(w, t) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (t *Template) UnmarshalGQL(v any) error { return enum.UnmarshalGQL(v, t, Templates) }

// intent is the token intent of the template.
func (t Template) intent() enum.TokenIntent {
	if t == TemplateRecovery {
		return enum.TokenIntentRecovery
	}
	return enum.TokenIntentVerification
}

// Defaults and bounds of Config.
const (
	DefaultTokenExpiry = 30 * 60
	MaxTokenExpiry     = 7 * 24 * 60 * 60
	DefaultResendLimit = 3
	MaxResendLimit     = 20
)

// Definition describes the kind for the stage registry.
func Definition() executor.StageKind {
	return executor.Define(Kind, func() *Config {
		return &Config{Template: TemplateVerification, TokenExpiry: DefaultTokenExpiry, SingleUse: true, ResendLimit: DefaultResendLimit}
	}, New)
}

// Config configures an email stage.
type Config struct {
	// Template is the mail sent: verification or recovery (which is also
	// the token's intent).
	Template Template `json:"template"`
	// TokenExpiry is how long a link is valid, in seconds.
	TokenExpiry int `json:"token_expiry"`
	// ActivateUserOnSuccess activates the user when the link is used.
	ActivateUserOnSuccess bool `json:"activate_user_on_success"`
	// SingleUse makes a link work once; off, it works until it expires.
	SingleUse bool `json:"single_use"`
	// ResendLimit is how many times one execution may ask for the mail
	// again.
	ResendLimit int `json:"resend_limit"`
}

// StageKind implements executor.StageConfig.
func (*Config) StageKind() string { return Kind }

// Validate implements typedconfig.Config.
func (c *Config) Validate() error {
	if c.Template != TemplateVerification && c.Template != TemplateRecovery {
		return problem.Invalid("template", "must be verification or recovery")
	}
	if c.TokenExpiry < 60 || c.TokenExpiry > MaxTokenExpiry {
		return problem.Invalid("token_expiry", "must be between 60 and %d seconds", MaxTokenExpiry)
	}
	if c.ResendLimit < 0 || c.ResendLimit > MaxResendLimit {
		return problem.Invalid("resend_limit", "must be between 0 and %d", MaxResendLimit)
	}
	return nil
}

// Challenge asks the person to open the link in the mail.
type Challenge struct {
	executor.ChallengeBase

	// To is the address the mail went to, masked ("a***@example.com");
	// empty after an identification by username (the account's address).
	To string `json:"to"`
	// Verified is set when the link was confirmed on another device after
	// a verification: answer (Response{}) to go on.
	Verified bool `json:"verified"`
}

// Response answers the challenge: Resend asks for the mail again; without
// it the flow goes on once the link was confirmed elsewhere.
type Response struct {
	Resend bool `json:"resend"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// ContinueChallenge is shown by the link: it asks the person to continue,
// so that fetching the link consumes nothing.
type ContinueChallenge struct {
	executor.ChallengeBase
}

// ContinueResponse confirms the link (Confirm must be true).
type ContinueResponse struct {
	Confirm bool `json:"confirm"`
}

// ResponseKind implements executor.Response.
func (ContinueResponse) ResponseKind() string { return Kind }

// Stage sends the link, and resumes from it.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds an email stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }
