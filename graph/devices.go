package graph

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/staticdevice"
	"github.com/gatehouse-id/gatehouse/ent/statictoken"
	"github.com/gatehouse-id/gatehouse/ent/totpdevice"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/ent/webauthndevice"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorvalidate"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Second factors (devices.graphqls). Privacy rules
// (rule.TOTPDevicePolicy, rule.StaticDevicePolicy) limit a user to their
// own devices; the viewer's fields also filter by the viewer, so a
// superuser manages only their own there, and other users' through the
// @superuser fields (User.authenticatorDevices,
// deleteUserAuthenticatorDevice).

// viewerDevices lists ctx's user's devices, oldest first.
func (r *Resolver) viewerDevices(ctx context.Context) ([]*model.AuthenticatorDevice, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return []*model.AuthenticatorDevice{}, nil
	}
	return r.devicesOf(ctx, v.UserID)
}

// devicesOf lists userID's devices, oldest first.
func (r *Resolver) devicesOf(ctx context.Context, userID int) ([]*model.AuthenticatorDevice, error) {
	c := r.client(ctx)
	apps, err := c.TOTPDevice.Query().Where(totpdevice.UserID(userID), totpdevice.Confirmed(true)).Order(totpdevice.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	sets, err := c.StaticDevice.Query().Where(staticdevice.UserID(userID)).Order(staticdevice.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := c.WebAuthnDevice.Query().Where(webauthndevice.UserID(userID)).Order(webauthndevice.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.AuthenticatorDevice, 0, len(apps)+len(sets)+len(keys))
	for _, d := range apps {
		out = append(out, totpModel(d))
	}
	for _, d := range keys {
		out = append(out, webauthnModel(d))
	}
	for _, d := range sets {
		m, err := staticModel(ctx, c, d)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func totpModel(d *ent.TOTPDevice) *model.AuthenticatorDevice {
	return &model.AuthenticatorDevice{
		ID: strconv.Itoa(d.ID), DeviceClass: authenticatorvalidate.ClassTOTP, Name: d.Name,
		CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt,
	}
}

func webauthnModel(d *ent.WebAuthnDevice) *model.AuthenticatorDevice {
	return &model.AuthenticatorDevice{
		ID: strconv.Itoa(d.ID), DeviceClass: authenticatorvalidate.ClassWebAuthn, Name: d.Name,
		CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt,
	}
}

// staticModel shows a set of recovery codes with the count of unused
// codes (the codes are the system's: counted as the system, once the set
// is known to be the viewer's).
func staticModel(ctx context.Context, c *ent.Client, d *ent.StaticDevice) (*model.AuthenticatorDevice, error) {
	left, err := c.StaticToken.Query().Where(statictoken.DeviceID(d.ID), statictoken.UsedAtIsNil()).Count(viewer.SystemContext(ctx))
	if err != nil {
		return nil, err
	}
	return &model.AuthenticatorDevice{
		ID: strconv.Itoa(d.ID), DeviceClass: authenticatorvalidate.ClassStatic, Name: d.Name,
		CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt, RemainingCodes: &left,
	}, nil
}

// renameDevice renames the viewer's device id.
func (r *Resolver) renameDevice(ctx context.Context, id, name string) (*model.AuthenticatorDevice, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return nil, problem.ErrUnauthenticated
	}
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n == 0 || n > 100 {
		return nil, problem.Invalid("name", "must be 1 to 100 characters")
	}
	c := r.client(ctx)
	if n, err := c.TOTPDevice.Update().Where(totpdevice.ID(nid), totpdevice.UserID(v.UserID)).SetName(name).Save(ctx); err != nil || n == 1 {
		if err != nil {
			return nil, err
		}
		d, err := c.TOTPDevice.Get(ctx, nid)
		if err != nil {
			return nil, err
		}
		return totpModel(d), nil
	}
	if n, err := c.WebAuthnDevice.Update().Where(webauthndevice.ID(nid), webauthndevice.UserID(v.UserID)).SetName(name).Save(ctx); err != nil || n == 1 {
		if err != nil {
			return nil, err
		}
		d, err := c.WebAuthnDevice.Get(ctx, nid)
		if err != nil {
			return nil, err
		}
		return webauthnModel(d), nil
	}
	n, err := c.StaticDevice.Update().Where(staticdevice.ID(nid), staticdevice.UserID(v.UserID)).SetName(name).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("device: %w", problem.ErrNotFound)
	}
	d, err := c.StaticDevice.Get(ctx, nid)
	if err != nil {
		return nil, err
	}
	return staticModel(ctx, c, d)
}

// deleteDevice deletes the viewer's device id and audits it.
func (r *Resolver) deleteDevice(ctx context.Context, id string) (string, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return "", problem.ErrUnauthenticated
	}
	return r.deleteDeviceOf(ctx, &v.UserID, id)
}

// deleteDeviceOf deletes device id, of userID when it is set (else of
// anyone: an admin's action), and audits it as the viewer's action.
func (r *Resolver) deleteDeviceOf(ctx context.Context, userID *int, id string) (string, error) {
	nid, err := parseID(id)
	if err != nil {
		return "", err
	}
	c := r.client(ctx)
	apps := c.TOTPDevice.Delete().Where(totpdevice.ID(nid))
	sets := c.StaticDevice.Delete().Where(staticdevice.ID(nid))
	keys := c.WebAuthnDevice.Delete().Where(webauthndevice.ID(nid))
	if userID != nil {
		apps.Where(totpdevice.UserID(*userID))
		sets.Where(staticdevice.UserID(*userID))
		keys.Where(webauthndevice.UserID(*userID))
	}
	owner, class := 0, authenticatorvalidate.ClassTOTP
	if d, err := c.TOTPDevice.Get(ctx, nid); err == nil {
		owner = d.UserID
	} else if d, err := c.StaticDevice.Get(ctx, nid); err == nil {
		owner, class = d.UserID, authenticatorvalidate.ClassStatic
	} else if d, err := c.WebAuthnDevice.Get(ctx, nid); err == nil {
		owner, class = d.UserID, authenticatorvalidate.ClassWebAuthn
	}
	// Global IDs: an ID names one device of one class, so at most one of
	// the deletions matches.
	n := 0
	for _, del := range []func(context.Context) (int, error){apps.Exec, sets.Exec, keys.Exec} {
		if n > 0 {
			break
		}
		if n, err = del(ctx); err != nil {
			return "", err
		}
	}
	if n == 0 {
		return "", fmt.Errorf("device: %w", problem.ErrNotFound)
	}
	if r.Auditor != nil {
		// The event's user is the viewer: the device's owner, or an admin.
		data := map[string]any{"device_class": string(class), "device_id": id, "owner_id": strconv.Itoa(owner)}
		if _, err := r.Auditor.Record(ctx, c, enum.EventActionMFADeviceRemoved, data); err != nil {
			return "", err
		}
	}
	return id, nil
}
