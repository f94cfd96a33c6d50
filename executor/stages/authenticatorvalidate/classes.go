package authenticatorvalidate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/mfa/recovery"
	"github.com/gatehouse-id/gatehouse/mfa/totp"
)

// class is one device class the stage checks. A class answered with a
// typed code implements codeClass (EMAIL's codes are mailed first:
// email.go); WEBAUTHN is answered with an assertion (passkey.go).
type class interface {
	// devices reports whether userID has a usable device of the class,
	// and when one was last used (zero: never).
	devices(ctx context.Context, userID int) (has bool, lastUsed time.Time, err error)
}

// codeClass is a class whose devices are answered with a typed code.
type codeClass interface {
	class
	// redeem reports whether code is a code of one of u's devices, and
	// uses it up if it is (single use, by compare-and-set).
	redeem(ctx context.Context, u *ent.User, code string) (bool, error)
}

// implemented are the classes classes() returns.
var implemented = []DeviceClass{ClassTOTP, ClassStatic, ClassWebAuthn, ClassEmail}

// classes returns the implemented classes, in the order codes are tried.
func classes(deps executor.Deps) (map[DeviceClass]class, error) {
	box, err := deps.Secrets.Box(totp.Purpose)
	if err != nil {
		return nil, fmt.Errorf("authenticator_validate: %w", err)
	}
	key, err := deps.Secrets.Derive(recovery.Purpose)
	if err != nil {
		return nil, fmt.Errorf("authenticator_validate: %w", err)
	}
	mailed, err := emailCodes(deps)
	if err != nil {
		return nil, err
	}
	return map[DeviceClass]class{
		ClassTOTP:     totpClass{client: deps.Client, store: totp.NewDevices(deps.Client, box, deps.Now)},
		ClassStatic:   staticClass{client: deps.Client, codes: recovery.New(deps.Client, key, deps.Now)},
		ClassWebAuthn: webauthnClass{client: deps.Client},
		ClassEmail:    emailClass{codes: mailed},
	}, nil
}

// codeOrder is the order classes are tried for a code: authenticator
// apps first, recovery codes last (they are the scarce ones).
var codeOrder = []DeviceClass{ClassTOTP, ClassEmail, ClassStatic}

// totpClass is authenticator apps.
type totpClass struct {
	client *ent.Client
	store  *totp.Devices
}

func (c totpClass) confirmed(ctx context.Context, userID int) ([]*ent.TOTPDevice, error) {
	devs, err := c.client.TOTPDevice.Query().
		Where(totpdevice.UserID(userID), totpdevice.Confirmed(true)).
		Order(totpdevice.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load totp devices: %w", err)
	}
	return devs, nil
}

func (c totpClass) devices(ctx context.Context, userID int) (bool, time.Time, error) {
	devs, err := c.confirmed(ctx, userID)
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

func (c totpClass) redeem(ctx context.Context, u *ent.User, code string) (bool, error) {
	devs, err := c.confirmed(ctx, u.ID)
	if err != nil {
		return false, err
	}
	for _, d := range devs {
		err := c.store.Verify(ctx, d, code)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, totp.ErrInvalidCode) {
			return false, err
		}
	}
	return false, nil
}

// staticClass is recovery codes.
type staticClass struct {
	client *ent.Client
	codes  *recovery.Codes
}

func (c staticClass) devices(ctx context.Context, userID int) (bool, time.Time, error) {
	dev, err := c.client.StaticDevice.Query().Where(staticdevice.UserID(userID)).Only(ctx)
	if ent.IsNotFound(err) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("load recovery codes: %w", err)
	}
	left, err := c.codes.Remaining(ctx, userID)
	if err != nil {
		return false, time.Time{}, err
	}
	var last time.Time
	if dev.LastUsedAt != nil {
		last = *dev.LastUsedAt
	}
	return left > 0, last, nil
}

func (c staticClass) redeem(ctx context.Context, u *ent.User, code string) (bool, error) {
	err := c.codes.Redeem(ctx, u.ID, code)
	if errors.Is(err, recovery.ErrInvalidCode) {
		return false, nil
	}
	return err == nil, err
}
