// Package devices is a user's second factors as one list: listing,
// renaming and deleting them whatever their class, and counting what is
// left, for the user's settings and the admin console (graph's
// authenticatorDevices fields and mutations).
//
// Each device class is one entry of classes (classes.go): how its devices
// are listed, renamed and deleted, and which of them still count as a
// second factor. A new class is a new entry; nothing here
// branches on the class otherwise.
//
// Deleting one's own last second factor (Delete with Owner set) needs a
// session that passed a second factor within FreshWindow (Fresh), else
// problem.ErrMFARequired: someone who finds a signed-in browser cannot
// strip the account's second factor. The user confirms one through
// default-mfa-confirmation-flow (blueprints.MFAConfirmationFlow) and
// tries again. An administrator's deletion (Owner nil) is not checked.
package devices

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/audit"
	"github.com/gatehouse-id/gatehouse/database"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/user"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

// Class names a device class as the authenticator_validate stage does
// (its DeviceClass values).
type Class string

// Device classes.
const (
	ClassTOTP     Class = "totp"
	ClassStatic   Class = "static"
	ClassWebAuthn Class = "webauthn"
	ClassEmail    Class = "email"
)

// Device is one second factor of a user.
type Device struct {
	ID        int
	Class     Class
	Name      string
	CreatedAt time.Time
	// LastUsedAt is when it was last accepted; nil: never.
	LastUsedAt *time.Time
	// RemainingCodes counts the unused codes of a set of recovery codes;
	// nil for other classes.
	RemainingCodes *int
}

// FreshWindow is how recently a session must have passed a second
// factor for Delete to remove the owner's last one.
const FreshWindow = 10 * time.Minute

// secondFactors are the session methods (session.Session.Methods: the
// flows' auth_method and mfa_method) that prove a second factor: the
// authenticator_validate stage's device classes, and a passkey login.
var secondFactors = []string{string(ClassTOTP), string(ClassStatic), string(ClassWebAuthn), string(ClassEmail), "passkey"}

// Fresh reports whether s passed a second factor within FreshWindow of
// now: a login (which makes a new session, CreatedAt) whose methods
// include one. A nil session (an API token) never did.
func Fresh(s *session.Session, now time.Time) bool {
	if s == nil || now.Sub(s.CreatedAt) > FreshWindow {
		return false
	}
	return slices.ContainsFunc(s.Methods, func(m string) bool { return slices.Contains(secondFactors, m) })
}

// Auditor records audit events as the context's viewer;
// audit.Recorder implements it.
type Auditor interface {
	Record(ctx context.Context, client *ent.Client, action enum.EventAction, data map[string]any) (*ent.Event, error)
}

// Devices manages users' second factors. Every method works through the
// client it is given (a mutation's transaction), under the context's
// viewer: ent privacy limits a user to their own devices.
type Devices struct {
	// Auditor records MFA_DEVICE_REMOVED; nil records nothing.
	Auditor Auditor
	// NowFunc is the clock (Fresh); nil is time.Now.
	NowFunc func() time.Time
}

func (d *Devices) now() time.Time {
	if d.NowFunc != nil {
		return d.NowFunc()
	}
	return time.Now()
}

// List returns userID's devices, class by class (authenticator apps,
// passkeys, recovery codes), oldest first within a class.
func (d *Devices) List(ctx context.Context, c *ent.Client, userID int) ([]Device, error) {
	var out []Device
	for _, cl := range classes {
		devs, err := cl.list(ctx, c, userID)
		if err != nil {
			return nil, fmt.Errorf("list %s devices: %w", cl.class(), err)
		}
		out = append(out, devs...)
	}
	return out, nil
}

// Rename renames userID's device id; problem.ErrNotFound unless it is
// userID's, *problem.FieldError for a name that is not 1 to 100
// characters (after trimming; name is expected trimmed).
func (d *Devices) Rename(ctx context.Context, c *ent.Client, userID, id int, name string) (Device, error) {
	if n := len([]rune(name)); n == 0 || n > 100 {
		return Device{}, problem.Invalid("name", "must be 1 to 100 characters")
	}
	for _, cl := range classes {
		dev, ok, err := cl.rename(ctx, c, userID, id, name)
		if err != nil || ok {
			return dev, err
		}
	}
	return Device{}, fmt.Errorf("device: %w", problem.ErrNotFound)
}

// DeleteParams say which device Delete removes.
type DeleteParams struct {
	// ID is the device.
	ID int
	// Owner, when set, is the user deleting their own device: another
	// user's is not found, and their last second factor needs a Fresh
	// Session. Nil is an administrator deleting anyone's.
	Owner *int
	// Session is the owner's session (nil: none, an API token).
	Session *session.Session
}

// Delete deletes device p.ID (recovery codes: the whole set) and records
// MFA_DEVICE_REMOVED as the viewer's action. It returns
// problem.ErrNotFound when there is no such device (of p.Owner), and
// problem.ErrMFARequired, deleting nothing, when it is p.Owner's last
// second factor and p.Session is not Fresh.
//
// c must be a transaction's client (a mutation's): the check locks the
// owner's row until it ends, so that of two deletions of the owner's last
// two factors at once the second sees the first's and asks for a fresh
// second factor, instead of each seeing the other's device left.
func (d *Devices) Delete(ctx context.Context, c *ent.Client, p DeleteParams) error {
	var (
		found class
		owner int
	)
	for _, cl := range classes {
		o, ok, err := cl.owner(ctx, c, p.ID)
		if err != nil {
			return err
		}
		if ok && (p.Owner == nil || *p.Owner == o) {
			found, owner = cl, o
			break
		}
	}
	if found == nil {
		return fmt.Errorf("device: %w", problem.ErrNotFound)
	}
	if p.Owner != nil && !Fresh(p.Session, d.now()) {
		if _, err := c.User.Query().Where(user.ID(owner), database.LockForUpdate).OnlyID(ctx); err != nil {
			return fmt.Errorf("lock the owner of device %d: %w", p.ID, err)
		}
		left, err := d.remaining(ctx, c, owner, p.ID)
		if err != nil {
			return err
		}
		if left == 0 {
			return problem.ErrMFARequired
		}
	}
	n, err := found.delete(ctx, c, p.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("device: %w", problem.ErrNotFound)
	}
	if d.Auditor != nil {
		// The event's user is the viewer: the device's owner, or an admin.
		data := map[string]any{"device_class": string(found.class()), "device_id": strconv.Itoa(p.ID), audit.KeySubjectID: strconv.Itoa(owner)}
		if _, err := d.Auditor.Record(ctx, c, enum.EventActionMFADeviceRemoved, data); err != nil {
			return err
		}
	}
	return nil
}

// Remaining counts userID's devices that still work as a second factor
// (confirmed authenticator apps, passkeys, sets with unused codes).
func (d *Devices) Remaining(ctx context.Context, c *ent.Client, userID int) (int, error) {
	return d.remaining(ctx, c, userID, 0)
}

// remaining is Remaining without device except.
func (d *Devices) remaining(ctx context.Context, c *ent.Client, userID, except int) (int, error) {
	total := 0
	for _, cl := range classes {
		n, err := cl.usable(ctx, c, userID, except)
		if err != nil {
			return 0, fmt.Errorf("count %s devices: %w", cl.class(), err)
		}
		total += n
	}
	return total, nil
}
