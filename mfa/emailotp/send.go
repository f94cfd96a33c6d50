package emailotp

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

// Mailer queues mail in a transaction: executor.Mailer (jobs.Queue).
type Mailer interface {
	// EnqueueTx queues m in tx, sealing data into the job.
	EnqueueTx(ctx context.Context, tx *ent.Tx, m jobargs.SendMail, data map[string]string) error
}

// Letter is what a code's mail says besides the code.
type Letter struct {
	// Brand is the brand's title.
	Brand string
	// Username greets the user.
	Username string
}

// Issuer stores a new code in tx: Begin or Issue, bound to their
// arguments.
type Issuer func(ctx context.Context, tx *ent.Tx) (Code, error)

// Send stores a code with issue and queues its mail to the device's
// address, in one transaction: the mail is sent only if the code is
// stored, and the code is stored only if the mail is queued.
func (c *Codes) Send(ctx context.Context, mailer Mailer, letter Letter, issue Issuer) (code Code, err error) {
	tx, err := c.client.Tx(ctx)
	if err != nil {
		return Code{}, fmt.Errorf("emailotp: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if code, err = issue(ctx, tx); err != nil {
		return Code{}, err
	}
	m := jobargs.SendMail{
		// The expiry tells apart two issues of one code to one user.
		Key: "email_code:" + code.Hash + ":" + strconv.FormatInt(code.Device.CodeExpiresAt.UnixNano(), 36),
		To:  code.Device.Email, Template: jobargs.TemplateEmailOTP, Brand: letter.Brand,
		Validity: jobargs.Validity{Kind: jobargs.ValidityEmailCode, Ref: code.Hash},
	}
	if err = mailer.EnqueueTx(ctx, tx, m, map[string]string{"code": code.Digits, "username": letter.Username}); err != nil {
		return Code{}, fmt.Errorf("emailotp: queue mail: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return Code{}, fmt.Errorf("emailotp: commit: %w", err)
	}
	return code, nil
}
