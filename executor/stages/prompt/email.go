package prompt

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/gatehouse-id/gatehouse/counter"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/emailkey"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/executor"
)

// EmailFieldKey is the field key whose answer user_write stores as the
// user's email address, and which must therefore be free.
const EmailFieldKey = "email"

// CodeRateLimited refuses an email address when the client's address has
// checked too many addresses (see EmailCheckLimits).
const CodeRateLimited = "rate_limited"

// EmailCheckLimits bound how many email addresses one client address may
// have checked for being taken.
type EmailCheckLimits struct {
	// PerIP is the number of checks per client address within Window.
	PerIP int64
	// Window is the fixed window, from the first check.
	Window time.Duration
}

// DefaultEmailCheckLimits allow 20 checks per client address in 15
// minutes: a sign-up rarely needs more than two.
var DefaultEmailCheckLimits = EmailCheckLimits{PerIP: 20, Window: 15 * time.Minute}

// Messages of the email check.
const (
	messageEmailTaken   = "This email address is already taken."
	messageEmailLimited = "Too many attempts. Try again later."
)

// checkEmail refuses the answer to the email field when another user has
// the address (code "taken"), compared by emailkey.Of, and returns errs
// with that error in the field's place. The flow's own user keeps their
// address without a check.
//
// Whether an address is taken is what sign-up must tell, and so what an
// attacker could ask about every address on a list. Each check is
// therefore counted per client address before the lookup, taken or not;
// past DefaultEmailCheckLimits the field answers "rate_limited" without a
// lookup, the same for every address.
func (s *Stage) checkEmail(ctx context.Context, req *executor.Request, u *ent.User, answers map[string]any, errs []executor.FieldError) ([]executor.FieldError, error) {
	address, ok := answers[EmailFieldKey].(string)
	if !ok || address == "" {
		return errs, nil
	}
	key := emailkey.Of(address)
	if u != nil && u.EmailKey != nil && *u.EmailKey == key {
		return errs, nil
	}
	limits := DefaultEmailCheckLimits
	n, err := s.deps.Counters.Add(ctx, emailChecksKey(req.Client.IP), 1, limits.Window, counter.Fixed)
	if err != nil {
		return nil, fmt.Errorf("count email check: %w", err)
	}
	var refusal executor.FieldError
	switch {
	case n > limits.PerIP:
		refusal = executor.FieldError{Field: EmailFieldKey, Message: messageEmailLimited, Code: CodeRateLimited}
	default:
		q := s.deps.Client.User.Query().Where(user.EmailKey(key))
		if u != nil {
			q.Where(user.IDNEQ(u.ID))
		}
		taken, err := q.Exist(ctx)
		if err != nil {
			return nil, fmt.Errorf("check email address: %w", err)
		}
		if !taken {
			return errs, nil
		}
		refusal = executor.FieldError{Field: EmailFieldKey, Message: messageEmailTaken, Code: CodeTaken}
	}
	return s.inFieldOrder(append(errs, refusal)), nil
}

// emailChecksKey is the counter of email checks from ip.
func emailChecksKey(ip netip.Addr) string {
	return "email_checks:ip:" + ip.Unmap().WithZone("").String()
}

// inFieldOrder sorts field errors by their field's display position,
// keeping the order of errors of one field.
func (s *Stage) inFieldOrder(errs []executor.FieldError) []executor.FieldError {
	pos := func(key string) int {
		return slices.IndexFunc(s.fields, func(f Field) bool { return f.FieldKey == key })
	}
	slices.SortStableFunc(errs, func(a, b executor.FieldError) int { return pos(a.Field) - pos(b.Field) })
	return errs
}
