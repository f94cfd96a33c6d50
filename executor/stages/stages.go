// Package stages lists every stage kind Gatehouse ships. Each kind lives in
// its own package under this directory; they never import each other.
package stages

import (
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatoremail"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorstatic"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatortotp"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorvalidate"
	"github.com/gatehouse-id/gatehouse/executor/stages/authenticatorwebauthn"
	"github.com/gatehouse-id/gatehouse/executor/stages/captcha"
	"github.com/gatehouse-id/gatehouse/executor/stages/consent"
	"github.com/gatehouse-id/gatehouse/executor/stages/deny"
	"github.com/gatehouse-id/gatehouse/executor/stages/devicecode"
	"github.com/gatehouse-id/gatehouse/executor/stages/dummy"
	"github.com/gatehouse-id/gatehouse/executor/stages/email"
	"github.com/gatehouse-id/gatehouse/executor/stages/identification"
	"github.com/gatehouse-id/gatehouse/executor/stages/invitation"
	"github.com/gatehouse-id/gatehouse/executor/stages/password"
	"github.com/gatehouse-id/gatehouse/executor/stages/prompt"
	"github.com/gatehouse-id/gatehouse/executor/stages/redirect"
	"github.com/gatehouse-id/gatehouse/executor/stages/userdelete"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogin"
	"github.com/gatehouse-id/gatehouse/executor/stages/userlogout"
	"github.com/gatehouse-id/gatehouse/executor/stages/userwrite"
)

// All returns a registry of every shipped stage kind.
func All() *executor.StageKinds {
	return executor.NewStageKinds(
		authenticatoremail.Definition(),
		authenticatorstatic.Definition(),
		authenticatortotp.Definition(),
		authenticatorvalidate.Definition(),
		authenticatorwebauthn.Definition(),
		captcha.Definition(),
		consent.Definition(),
		deny.Definition(),
		devicecode.Definition(),
		dummy.Definition(),
		email.Definition(),
		identification.Definition(),
		invitation.Definition(),
		password.Definition(),
		prompt.Definition(),
		redirect.Definition(),
		userdelete.Definition(),
		userlogin.Definition(),
		userlogout.Definition(),
		userwrite.Definition(),
	)
}
