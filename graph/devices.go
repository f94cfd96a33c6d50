package graph

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/ent/viewer"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorvalidate"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/mfa/devices"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/session"
)

// Second factors (devices.graphqls), through package mfa/devices. Privacy
// rules (rule.TOTPDevicePolicy, rule.StaticDevicePolicy, …) limit a user
// to their own devices; the viewer's fields also filter by the viewer, so
// a superuser manages only their own there, and other users' through the
// @superuser fields (User.authenticatorDevices,
// deleteUserAuthenticatorDevice).

// devices is the domain service over the resolver's dependencies.
func (r *Resolver) devices() *devices.Devices {
	return &devices.Devices{Auditor: r.Auditor}
}

// viewerDevices lists ctx's user's devices.
func (r *Resolver) viewerDevices(ctx context.Context) ([]*model.AuthenticatorDevice, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return []*model.AuthenticatorDevice{}, nil
	}
	return r.devicesOf(ctx, v.UserID)
}

// devicesOf lists userID's devices.
func (r *Resolver) devicesOf(ctx context.Context, userID int) ([]*model.AuthenticatorDevice, error) {
	list, err := r.devices().List(ctx, r.client(ctx), userID)
	if err != nil {
		return nil, err
	}
	out := make([]*model.AuthenticatorDevice, len(list))
	for i, d := range list {
		out[i] = deviceModel(d)
	}
	return out, nil
}

func deviceModel(d devices.Device) *model.AuthenticatorDevice {
	return &model.AuthenticatorDevice{
		ID: strconv.Itoa(d.ID), DeviceClass: authenticatorvalidate.DeviceClass(d.Class), Name: d.Name,
		CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt, RemainingCodes: d.RemainingCodes,
	}
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
	d, err := r.devices().Rename(ctx, r.client(ctx), v.UserID, nid, strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	return deviceModel(d), nil
}

// deleteDevice deletes the viewer's device id; their last second factor
// needs a session that passed one recently (MFA_REQUIRED).
func (r *Resolver) deleteDevice(ctx context.Context, id string) (string, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.User {
		return "", problem.ErrUnauthenticated
	}
	nid, err := parseID(id)
	if err != nil {
		return "", err
	}
	s, err := r.currentSession(ctx)
	if err != nil {
		return "", err
	}
	p := devices.DeleteParams{ID: nid, Owner: &v.UserID, Session: s}
	if err := r.devices().Delete(ctx, r.client(ctx), p); err != nil {
		return "", err
	}
	return id, nil
}

// deleteAnyDevice deletes anyone's device id: an admin's action.
func (r *Resolver) deleteAnyDevice(ctx context.Context, id string) (string, error) {
	nid, err := parseID(id)
	if err != nil {
		return "", err
	}
	if err := r.devices().Delete(ctx, r.client(ctx), devices.DeleteParams{ID: nid}); err != nil {
		return "", err
	}
	return id, nil
}

// currentSession is the session the request presented; nil for none (an
// API token).
func (r *Resolver) currentSession(ctx context.Context) (*session.Session, error) {
	id := authn.SessionID(ctx)
	if id == "" || r.Sessions == nil {
		return nil, nil //nolint:nilnil // no session is a normal state
	}
	s, err := r.Sessions.Resume(ctx, id)
	if errors.Is(err, session.ErrNotFound) {
		return nil, nil //nolint:nilnil // ended meanwhile: no session
	}
	return s, err
}
