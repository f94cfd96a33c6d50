package authenticatorvalidate

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gatehouse-id/gatehouse/brand"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/emailotp"
	"github.com/gatehouse-id/gatehouse/requestinfo"
)

// Codes by mail (EMAIL). A code is mailed when the user asks for one
// (`sendEmail`), or at once when codes by mail are the only class the user
// is shown; it goes to the user's first confirmed email device, replaces
// the one sent before and is answered in `code` like any other. Mails are
// counted per user by emailotp.CountMail (shared with the setup stage)
// before they are queued. A user the flow only pretends exists is never
// shown EMAIL (pretended), so a request for a mail is refused for them as
// for a user without such a device.

// FieldSendEmail is the response's field asking for a code by mail.
const FieldSendEmail = "sendEmail"

// Messages about codes by mail.
const (
	messageRequiredEmail = "Enter the code we sent you by email."
	messageNoEmail       = "There is no email address to send a code to."
	messageMailLimit     = "Too many emails were sent. Try again later."
	messageMailDown      = "Email cannot be sent right now. Use another way to sign in."
)

// emailValidity is how long a code mailed at login is accepted.
const emailValidity = emailotp.DefaultValidity

// emailClass is codes by mail.
type emailClass struct {
	codes *emailotp.Codes
}

func (c emailClass) devices(ctx context.Context, userID int) (bool, time.Time, error) {
	devs, err := c.codes.Confirmed(ctx, userID)
	if err != nil {
		return false, time.Time{}, err
	}
	var last time.Time
	for _, d := range devs {
		if d.LastUsedAt != nil && d.LastUsedAt.After(last) {
			last = *d.LastUsedAt
		}
	}
	return len(devs) > 0, last, nil
}

func (c emailClass) redeem(ctx context.Context, u *ent.User, code string) (bool, error) {
	err := c.codes.Redeem(ctx, u.ID, code)
	if errors.Is(err, emailotp.ErrInvalidCode) {
		return false, nil
	}
	return err == nil, err
}

// emailCodes returns the store of codes by mail.
func emailCodes(deps executor.Deps) (*emailotp.Codes, error) {
	return emailotp.ForServer(deps.Client, deps.Secrets, deps.Now)
}

// autoSend mails u a code when codes by mail are the only class st shows
// and none was mailed in this execution yet. A limit reached or mail that
// cannot be sent leaves the challenge as it is: asking again tells why.
func (s *Stage) autoSend(ctx context.Context, u *ent.User, st *state) error {
	if u == nil || st.EmailTo != "" || !slices.Equal(st.Classes, []DeviceClass{ClassEmail}) || s.deps.MailUnavailable() != "" {
		return nil
	}
	_, err := s.mail(ctx, u, st)
	return err
}

// sendEmail answers a request for a code by mail.
func (s *Stage) sendEmail(ctx context.Context, req *executor.Request, st state, u *ent.User) (executor.Result, error) {
	if u == nil || !slices.Contains(st.Classes, ClassEmail) {
		return executor.Retry(executor.FieldError{Field: FieldSendEmail, Message: messageNoEmail, Code: codeInvalid}), nil
	}
	if s.deps.MailUnavailable() != "" {
		return executor.Retry(executor.FieldError{Field: FieldSendEmail, Message: messageMailDown, Code: "unavailable"}), nil
	}
	refused, err := s.mail(ctx, u, &st)
	if err != nil {
		return executor.Result{}, err
	}
	if refused != nil {
		return executor.Retry(*refused), nil
	}
	return executor.Retry(), req.SaveState(st)
}

// mail counts a mail of u's and sends a new code to u's first email
// device, noting where in st; a non-nil FieldError refuses.
func (s *Stage) mail(ctx context.Context, u *ent.User, st *state) (*executor.FieldError, error) {
	limited, err := emailotp.CountMail(ctx, s.deps.Counters, u.ID)
	if err != nil {
		return nil, err
	}
	if limited {
		return &executor.FieldError{Field: FieldSendEmail, Message: messageMailLimit, Code: codeRateLimited}, nil
	}
	codes, err := emailCodes(s.deps)
	if err != nil {
		return nil, err
	}
	devs, err := codes.Confirmed(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if len(devs) == 0 {
		return &executor.FieldError{Field: FieldSendEmail, Message: messageNoEmail, Code: codeInvalid}, nil
	}
	site, err := brand.ForHost(ctx, s.deps.Client, requestinfo.FromContext(ctx).Host)
	if err != nil {
		return nil, err
	}
	dev := devs[0]
	if _, err := codes.Send(ctx, s.deps.Mail, emailotp.Letter{Brand: site.Title, Username: u.Username},
		func(ctx context.Context, tx *ent.Tx) (emailotp.Code, error) {
			return codes.Issue(ctx, tx, u.ID, dev.ID, emailValidity)
		}); err != nil {
		return nil, err
	}
	st.EmailTo = emailkey.Mask(dev.Email)
	return nil, nil //nolint:nilnil // sent: no refusal
}
