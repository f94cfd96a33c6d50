package devices

import (
	"context"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/emaildevice"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/ent/statictoken"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
)

// class is one device class: everything Devices does that depends on
// it. IDs are global (one ent ID range per type), so an ID names a device
// of at most one class.
type class interface {
	class() Class
	// list returns userID's devices, oldest first.
	list(ctx context.Context, c *ent.Client, userID int) ([]Device, error)
	// rename renames device id if it is userID's; false when it is not.
	rename(ctx context.Context, c *ent.Client, userID, id int, name string) (Device, bool, error)
	// owner returns the user of device id; false when there is no such
	// device (that the viewer may see).
	owner(ctx context.Context, c *ent.Client, id int) (int, bool, error)
	// delete deletes device id and returns how many were deleted.
	delete(ctx context.Context, c *ent.Client, id int) (int, error)
	// usable counts userID's devices that work as a second factor,
	// without device except.
	usable(ctx context.Context, c *ent.Client, userID, except int) (int, error)
}

// classes are the implemented classes, in the order List shows them.
var classes = []class{totpClass{}, webauthnClass{}, emailClass{}, staticClass{}}

// totpClass is authenticator apps; one that was never confirmed is no
// device yet.
type totpClass struct{}

func (totpClass) class() Class { return ClassTOTP }

func (totpClass) list(ctx context.Context, c *ent.Client, userID int) ([]Device, error) {
	devs, err := c.TOTPDevice.Query().Where(totpdevice.UserID(userID), totpdevice.Confirmed(true)).Order(totpdevice.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = totpDevice(d)
	}
	return out, nil
}

func totpDevice(d *ent.TOTPDevice) Device {
	return Device{ID: d.ID, Class: ClassTOTP, Name: d.Name, CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt}
}

func (totpClass) rename(ctx context.Context, c *ent.Client, userID, id int, name string) (Device, bool, error) {
	n, err := c.TOTPDevice.Update().Where(totpdevice.ID(id), totpdevice.UserID(userID)).SetName(name).Save(ctx)
	if err != nil || n == 0 {
		return Device{}, false, err
	}
	d, err := c.TOTPDevice.Get(ctx, id)
	if err != nil {
		return Device{}, false, err
	}
	return totpDevice(d), true, nil
}

func (totpClass) owner(ctx context.Context, c *ent.Client, id int) (int, bool, error) {
	d, err := c.TOTPDevice.Get(ctx, id)
	if ent.IsNotFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return d.UserID, true, nil
}

func (totpClass) delete(ctx context.Context, c *ent.Client, id int) (int, error) {
	return c.TOTPDevice.Delete().Where(totpdevice.ID(id)).Exec(ctx)
}

func (totpClass) usable(ctx context.Context, c *ent.Client, userID, except int) (int, error) {
	return c.TOTPDevice.Query().Where(totpdevice.UserID(userID), totpdevice.Confirmed(true), totpdevice.IDNEQ(except)).Count(ctx)
}

// webauthnClass is passkeys and security keys.
type webauthnClass struct{}

func (webauthnClass) class() Class { return ClassWebAuthn }

func (webauthnClass) list(ctx context.Context, c *ent.Client, userID int) ([]Device, error) {
	devs, err := c.WebAuthnDevice.Query().Where(webauthndevice.UserID(userID)).Order(webauthndevice.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = webauthnDevice(d)
	}
	return out, nil
}

func webauthnDevice(d *ent.WebAuthnDevice) Device {
	return Device{ID: d.ID, Class: ClassWebAuthn, Name: d.Name, CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt}
}

func (webauthnClass) rename(ctx context.Context, c *ent.Client, userID, id int, name string) (Device, bool, error) {
	n, err := c.WebAuthnDevice.Update().Where(webauthndevice.ID(id), webauthndevice.UserID(userID)).SetName(name).Save(ctx)
	if err != nil || n == 0 {
		return Device{}, false, err
	}
	d, err := c.WebAuthnDevice.Get(ctx, id)
	if err != nil {
		return Device{}, false, err
	}
	return webauthnDevice(d), true, nil
}

func (webauthnClass) owner(ctx context.Context, c *ent.Client, id int) (int, bool, error) {
	d, err := c.WebAuthnDevice.Get(ctx, id)
	if ent.IsNotFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return d.UserID, true, nil
}

func (webauthnClass) delete(ctx context.Context, c *ent.Client, id int) (int, error) {
	return c.WebAuthnDevice.Delete().Where(webauthndevice.ID(id)).Exec(ctx)
}

func (webauthnClass) usable(ctx context.Context, c *ent.Client, userID, except int) (int, error) {
	return c.WebAuthnDevice.Query().Where(webauthndevice.UserID(userID), webauthndevice.IDNEQ(except)).Count(ctx)
}

// staticClass is sets of recovery codes. The codes themselves
// (StaticToken) are admin-only: they are counted as the system, once the
// set is known to be one the viewer may see.
type staticClass struct{}

func (staticClass) class() Class { return ClassStatic }

func (staticClass) list(ctx context.Context, c *ent.Client, userID int) ([]Device, error) {
	sets, err := c.StaticDevice.Query().Where(staticdevice.UserID(userID)).Order(staticdevice.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Device, len(sets))
	for i, d := range sets {
		if out[i], err = staticDevice(ctx, c, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func staticDevice(ctx context.Context, c *ent.Client, d *ent.StaticDevice) (Device, error) {
	left, err := c.StaticToken.Query().Where(statictoken.DeviceID(d.ID), statictoken.UsedAtIsNil()).Count(viewer.SystemContext(ctx))
	if err != nil {
		return Device{}, err
	}
	return Device{ID: d.ID, Class: ClassStatic, Name: d.Name, CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt, RemainingCodes: &left}, nil
}

func (staticClass) rename(ctx context.Context, c *ent.Client, userID, id int, name string) (Device, bool, error) {
	n, err := c.StaticDevice.Update().Where(staticdevice.ID(id), staticdevice.UserID(userID)).SetName(name).Save(ctx)
	if err != nil || n == 0 {
		return Device{}, false, err
	}
	d, err := c.StaticDevice.Get(ctx, id)
	if err != nil {
		return Device{}, false, err
	}
	dev, err := staticDevice(ctx, c, d)
	return dev, err == nil, err
}

func (staticClass) owner(ctx context.Context, c *ent.Client, id int) (int, bool, error) {
	d, err := c.StaticDevice.Get(ctx, id)
	if ent.IsNotFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return d.UserID, true, nil
}

func (staticClass) delete(ctx context.Context, c *ent.Client, id int) (int, error) {
	return c.StaticDevice.Delete().Where(staticdevice.ID(id)).Exec(ctx)
}

func (staticClass) usable(ctx context.Context, c *ent.Client, userID, except int) (int, error) {
	// Sets the viewer may see (their own), with codes counted as the
	// system.
	ids, err := c.StaticDevice.Query().Where(staticdevice.UserID(userID), staticdevice.IDNEQ(except)).IDs(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return c.StaticDevice.Query().
		Where(staticdevice.IDIn(ids...), staticdevice.HasTokensWith(statictoken.UsedAtIsNil())).
		Count(viewer.SystemContext(ctx))
}

// emailClass is codes by email; a device whose address was never proven
// (an unfinished setup) is no device yet.
type emailClass struct{}

func (emailClass) class() Class { return ClassEmail }

func (emailClass) list(ctx context.Context, c *ent.Client, userID int) ([]Device, error) {
	devs, err := c.EmailDevice.Query().Where(emaildevice.UserID(userID), emaildevice.Confirmed(true)).Order(emaildevice.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = emailDevice(d)
	}
	return out, nil
}

func emailDevice(d *ent.EmailDevice) Device {
	return Device{ID: d.ID, Class: ClassEmail, Name: d.Name, CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt}
}

func (emailClass) rename(ctx context.Context, c *ent.Client, userID, id int, name string) (Device, bool, error) {
	n, err := c.EmailDevice.Update().Where(emaildevice.ID(id), emaildevice.UserID(userID), emaildevice.Confirmed(true)).SetName(name).Save(ctx)
	if err != nil || n == 0 {
		return Device{}, false, err
	}
	d, err := c.EmailDevice.Get(ctx, id)
	if err != nil {
		return Device{}, false, err
	}
	return emailDevice(d), true, nil
}

func (emailClass) owner(ctx context.Context, c *ent.Client, id int) (int, bool, error) {
	d, err := c.EmailDevice.Get(ctx, id)
	if ent.IsNotFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return d.UserID, true, nil
}

func (emailClass) delete(ctx context.Context, c *ent.Client, id int) (int, error) {
	return c.EmailDevice.Delete().Where(emaildevice.ID(id)).Exec(ctx)
}

func (emailClass) usable(ctx context.Context, c *ent.Client, userID, except int) (int, error) {
	return c.EmailDevice.Query().Where(emaildevice.UserID(userID), emaildevice.Confirmed(true), emaildevice.IDNEQ(except)).Count(ctx)
}
