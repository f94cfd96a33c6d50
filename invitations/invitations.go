// Package invitations issues and redeems invitations: links that let
// someone sign up through one enrolment flow. The link carries a random
// token of which only a hash is stored; redeeming it checks the flow and
// the expiry at use, and spends a single-use invitation by
// compare-and-set, so that of two sign-ups with one link exactly one
// passes.
package invitations

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/invitation"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/problem"
)

// QueryParam is the flow query parameter that carries the token.
const QueryParam = "itoken"

// ErrInvalid is the one answer for a token that is unknown, for another
// flow, expired or spent: the invitee learns nothing more.
var ErrInvalid = errors.New("invitation not valid")

// Params describe a new invitation.
type Params struct {
	Name string
	// FlowID is the enrolment flow the invitation signs up through.
	FlowID int
	// Expires, when set, must be in the future.
	Expires *time.Time
	// FixedData is merged into the sign-up's prompt answers.
	FixedData map[string]any
	SingleUse bool
	// CreatedBy is the administrator's user ID; 0 for none.
	CreatedBy int
}

// Create stores a new invitation and returns it with its token, which is
// never stored and cannot be shown again.
func Create(ctx context.Context, client *ent.Client, p Params, now time.Time) (*ent.Invitation, string, error) {
	f, err := client.Flow.Get(ctx, p.FlowID)
	if ent.IsNotFound(err) {
		return nil, "", problem.Invalid("flow_id", "is not a flow")
	}
	if err != nil {
		return nil, "", fmt.Errorf("load invitation flow: %w", err)
	}
	if f.Designation != enum.FlowDesignationEnrollment {
		return nil, "", problem.Invalid("flow_id", "must be an enrollment flow")
	}
	if p.Expires != nil && !p.Expires.After(now) {
		return nil, "", problem.Invalid("expires", "must be in the future")
	}
	token, err := credential.NewTokenSecret()
	if err != nil {
		return nil, "", fmt.Errorf("invitation token: %w", err)
	}
	fixed := p.FixedData
	if fixed == nil {
		fixed = map[string]any{}
	}
	create := client.Invitation.Create().
		SetName(p.Name).
		SetKeyHash(credential.HashTokenSecret(token)).
		SetFlowID(p.FlowID).
		SetNillableExpires(p.Expires).
		SetFixedData(fixed).
		SetSingleUse(p.SingleUse)
	if p.CreatedBy != 0 {
		create.SetCreatedByID(p.CreatedBy)
	}
	inv, err := create.Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("create invitation: %w", err)
	}
	return inv, token, nil
}

// Link returns the invitation's link: the flow's page on the public URL
// with the token.
func Link(publicURL, flowSlug, token string) string {
	return publicURL + "/if/flow/" + url.PathEscape(flowSlug) + "/?" + url.Values{QueryParam: {token}}.Encode()
}

// Redeem spends one use of the invitation whose token is given, for a
// sign-up through flowID at now. It returns ErrInvalid when the token is
// unknown, belongs to another flow, has expired, or was a single-use
// invitation already used (also by a concurrent sign-up).
func Redeem(ctx context.Context, client *ent.Client, token string, flowID int, now time.Time) (*ent.Invitation, error) {
	if token == "" || len(token) > 256 {
		return nil, ErrInvalid
	}
	inv, err := client.Invitation.Query().Where(invitation.KeyHash(credential.HashTokenSecret(token))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("load invitation: %w", err)
	}
	if inv.FlowID != flowID || (inv.Expires != nil && !inv.Expires.After(now)) {
		return nil, ErrInvalid
	}
	// The checks again, in the update: a concurrent redemption or an
	// expiry in between changes nothing.
	update := client.Invitation.Update().
		Where(invitation.ID(inv.ID), invitation.Or(invitation.ExpiresIsNil(), invitation.ExpiresGT(now))).
		AddUses(1)
	if inv.SingleUse {
		update.Where(invitation.Uses(0))
	}
	n, err := update.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("redeem invitation: %w", err)
	}
	if n == 0 {
		return nil, ErrInvalid
	}
	inv.Uses++
	return inv, nil
}
