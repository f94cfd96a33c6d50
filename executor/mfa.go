package executor

import (
	"context"

	"github.com/gatehouse-id/gatehouse/ent"
)

// Context keys of second factors.
const (
	// KeyMFAMethod is the second factor the pending user passed in this
	// execution ("totp", "static"); a login stage records it in the
	// session's Methods after KeyAuthMethod.
	KeyMFAMethod = "mfa_method"
	// KeyDeviceSetupUser is the ID of a user who is not signed in yet but
	// may set up a second factor in this execution: an
	// authenticator_validate stage that configures a missing factor sets
	// it, for the pending user it was about, before it inserts the setup
	// stage.
	KeyDeviceSetupUser = "device_setup_user"
)

// DeviceUser returns the user a stage that sets up a second factor works
// for: the signed-in user, else the pending user if an
// authenticator_validate stage of this execution allowed them to set one
// up (KeyDeviceSetupUser); nil when there is neither.
func (r *Request) DeviceUser(ctx context.Context, c *ent.Client) (*ent.User, error) {
	if r.User != nil {
		return r.User, nil
	}
	var id int
	ok, err := r.Execution.Context.Get(KeyDeviceSetupUser, &id)
	if err != nil || !ok {
		return nil, err
	}
	if pending, ok := r.Execution.Context.PendingUserID(); !ok || pending != id {
		return nil, nil //nolint:nilnil // the flow is about someone else now
	}
	return r.PendingUser(ctx, c)
}
