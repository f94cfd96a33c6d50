package identification

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/predicate"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/internal/passcheck"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// MaxIdentifierLength bounds what a user may type as identifier, in bytes.
// Longer identifiers, and identifiers with control characters (which no
// username or address holds, and PostgreSQL refuses in text), match no one
// and are refused without a lookup.
const MaxIdentifierLength = 320

// fieldUID is the response's identifier field, in GraphQL spelling.
const fieldUID = "uidField"

// Messages of the stage.
const (
	messageRequired      = "Enter your username or email address."
	messageFailed        = "Failed to authenticate."
	messagePasswordEmpty = "Enter your password."
)

// Challenge asks who the user is.
type Challenge struct {
	executor.ChallengeBase

	// UserFields are what the identifier may be (for the input's label).
	UserFields []UserField `json:"user_fields"`
	// PasswordFields asks for the password on the same screen.
	PasswordFields    bool `json:"password_fields"`
	AllowShowPassword bool `json:"allow_show_password"`
	// EnrollURL, RecoveryURL and PasswordlessURL link to the configured
	// flows; empty when not configured.
	EnrollURL       string `json:"enroll_url"`
	RecoveryURL     string `json:"recovery_url"`
	PasswordlessURL string `json:"passwordless_url"`
	// PrimaryAction labels the submit button.
	PrimaryAction    string `json:"primary_action"`
	EnableRememberMe bool   `json:"enable_remember_me"`
	// LoginHint fills in the identifier: an SSO client's login_hint (the
	// flow's query), empty without one.
	LoginHint string `json:"login_hint"`
}

// Response identifies the user, with the password when the challenge asked
// for it.
type Response struct {
	UIDField string  `json:"uid_field"`
	Password *string `json:"password,omitempty"`
}

// ResponseKind implements executor.Response.
func (Response) ResponseKind() string { return Kind }

// Stage identifies the user.
type Stage struct {
	cfg     *Config
	deps    executor.Deps
	checker *passcheck.Checker
}

// New builds an identification stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{
		cfg:     cfg,
		deps:    deps,
		checker: &passcheck.Checker{Client: deps.Client, Hasher: deps.Hasher, Counters: deps.Counters, Lockouts: deps.Lockouts, NowFunc: deps.Now},
	}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Skip implements executor.Skipper: when an earlier step already identified
// the user (a recovery link, a login hint) and no password is asked here,
// there is nothing to ask.
func (s *Stage) Skip(_ context.Context, req *executor.Request) (executor.Result, bool, error) {
	if s.cfg.PasswordStageID != nil {
		return executor.Result{}, false, nil
	}
	if _, ok := req.Execution.Context.PendingUserID(); ok {
		return executor.Next(), true, nil
	}
	return executor.Result{}, false, nil
}

// Challenge implements executor.Interactive.
func (s *Stage) Challenge(ctx context.Context, req *executor.Request) (executor.Challenge, error) {
	c := &Challenge{
		UserFields:       s.cfg.UserFields,
		PasswordFields:   s.cfg.PasswordStageID != nil,
		PrimaryAction:    "Continue",
		EnableRememberMe: s.cfg.EnableRememberMe,
		LoginHint:        loginHint(req.Execution.Query),
	}
	if c.PasswordFields {
		c.PrimaryAction = "Log in"
		set, err := passcheck.StageSettings(ctx, s.deps, *s.cfg.PasswordStageID)
		if err != nil {
			return nil, err
		}
		c.AllowShowPassword = set.AllowShowPassword
	}
	var err error
	if c.EnrollURL, err = s.flowURL(ctx, s.cfg.EnrollmentFlowID); err != nil {
		return nil, err
	}
	if c.RecoveryURL, err = s.flowURL(ctx, s.cfg.RecoveryFlowID); err != nil {
		return nil, err
	}
	if c.RecoveryURL == "" && req.Flow.Designation == enum.FlowDesignationAuthentication {
		// Without a recovery flow of its own, the brand's.
		site, err := brand.ForHost(ctx, s.deps.Client, requestinfo.FromContext(ctx).Host)
		if err != nil {
			return nil, err
		}
		if site.RecoveryFlow != "" {
			c.RecoveryURL = executor.FlowPath(site.RecoveryFlow)
		}
	}
	if c.PasswordlessURL, err = s.flowURL(ctx, s.cfg.PasswordlessFlowID); err != nil {
		return nil, err
	}
	return c, nil
}

// MaxLoginHint bounds the login hint taken from a flow's query.
const MaxLoginHint = 255

// loginHint is the login_hint of a flow's query, if it is short enough
// to be a user's identifier.
func loginHint(query string) string {
	q, err := url.ParseQuery(query)
	if err != nil {
		return ""
	}
	h := strings.TrimSpace(q.Get("login_hint"))
	if len(h) > MaxLoginHint || !utf8.ValidString(h) {
		return ""
	}
	return h
}

func (s *Stage) flowURL(ctx context.Context, id *int) (string, error) {
	if id == nil {
		return "", nil
	}
	f, err := s.deps.Client.Flow.Get(ctx, *id)
	if ent.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load linked flow: %w", err)
	}
	return executor.FlowPath(f.Slug), nil
}

// Submit implements executor.Interactive. With pretend_user_exists an
// unknown identifier goes on exactly as a known one does; with an embedded
// password, unknown users and wrong passwords get the same answer.
//
// The matched user becomes the pending user only when the stage completes.
// A rejected response leaves no pending user behind: it would be shown on
// the retried challenge (as the matched username rather than what was
// typed) and so reveal that the identifier exists before its password was
// right.
func (s *Stage) Submit(ctx context.Context, req *executor.Request, resp executor.Response) (executor.Result, error) {
	r, ok := resp.(*Response)
	uid := ""
	if ok {
		uid = strings.TrimSpace(r.UIDField)
	}
	if uid == "" {
		return executor.Retry(executor.FieldError{Field: fieldUID, Message: messageRequired, Code: "required"}), nil
	}
	if len(uid) > MaxIdentifierLength || strings.ContainsFunc(uid, unicode.IsControl) {
		return executor.Retry(executor.FieldError{Field: fieldUID, Message: messageFailed, Code: "invalid"}), nil
	}
	u, err := s.lookup(ctx, uid)
	if err != nil {
		return executor.Result{}, err
	}
	if err := req.Execution.Context.Set(executor.KeyPendingUserIdentifier, uid); err != nil {
		return executor.Result{}, err
	}
	if err := req.Execution.Context.Set(executor.KeyShowIdentifier, !s.cfg.ShowMatchedUser); err != nil {
		return executor.Result{}, err
	}
	delete(req.Execution.Context, executor.KeyPendingUser)
	if s.cfg.PasswordStageID != nil {
		res, err := s.checkPassword(ctx, req, r, u, uid)
		if err != nil || res.Kind() != executor.ResultNext {
			return res, err
		}
	} else if u == nil && !s.cfg.PretendUserExists {
		return executor.Retry(executor.FieldError{Field: fieldUID, Message: messageFailed, Code: "invalid"}), nil
	}
	if u != nil {
		if err := req.Execution.Context.Set(executor.KeyPendingUser, u.ID); err != nil {
			return executor.Result{}, err
		}
	}
	return executor.Next(), nil
}

func (s *Stage) checkPassword(ctx context.Context, req *executor.Request, r *Response, u *ent.User, uid string) (executor.Result, error) {
	if r.Password == nil || *r.Password == "" {
		return executor.Retry(executor.FieldError{Field: "password", Message: messagePasswordEmpty, Code: "required"}), nil
	}
	set, err := passcheck.StageSettings(ctx, s.deps, *s.cfg.PasswordStageID)
	if err != nil {
		return executor.Result{}, err
	}
	verdict, method, err := s.checker.Check(ctx, passcheck.Attempt{
		User: u, Identifier: uid, Password: *r.Password, IP: req.Client.IP, Backends: set.Backends,
	})
	if err != nil {
		return executor.Result{}, fmt.Errorf("check password: %w", err)
	}
	return passcheck.Judge(ctx, s.deps, req, u, verdict, method, uid, set.FailedAttemptsBeforeCancel, "password")
}

// lookup finds the one user uid names, trying the configured fields in
// order; an identifier that matches several users matches none, rather
// than the wrong one.
//
// An email address is matched by its normalised key (emailkey.Of), which
// is unique among users, so every variant in letter case and Unicode
// composition names the one account that holds the address; without
// case-insensitive matching the address must also be typed as stored. An
// account left without a key (a duplicate address from before addresses
// were unique) is not found by its address.
//
// Case-insensitive username matching also accepts an exact match: SQLite's
// lower() folds ASCII letters only, so a folded comparison alone never
// matches a stored value with a non-ASCII capital ("Émile"), even typed as
// stored. On SQLite such a username therefore matches only exactly as
// stored.
func (s *Stage) lookup(ctx context.Context, uid string) (*ent.User, error) {
	for _, f := range s.cfg.UserFields {
		var p predicate.User
		switch f {
		case UserFieldUsername:
			p = user.Username(uid)
			if s.cfg.CaseInsensitiveMatching {
				p = user.Or(p, user.UsernameEqualFold(uid))
			}
		case UserFieldEmail:
			// By the unique normalised key, so at most one user matches.
			p = user.EmailKey(emailkey.Of(uid))
			if !s.cfg.CaseInsensitiveMatching {
				p = user.And(p, user.Email(uid))
			}
		case UserFieldUPN:
			p = func(s *sql.Selector) {
				s.Where(sqljson.ValueEQ(s.C(user.FieldAttributes), uid, sqljson.Path("upn")))
			}
		default:
			continue
		}
		users, err := s.deps.Client.User.Query().Where(p).Limit(2).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("look up user: %w", err)
		}
		if len(users) == 1 {
			return users[0], nil
		}
	}
	return nil, nil //nolint:nilnil // no one matched: a normal outcome
}
