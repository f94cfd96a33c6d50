// Package brand finds the brand that serves a request: the brand whose
// domain is the request's host name, else the default brand. A brand names
// the flows a visitor is sent to (log in, log out, settings, recovery) and
// how the pages look; the web frontend and the "/" redirect read it here
// (ForHost). The password change flow takes more reading (the
// authentication flow's password stages and their configure flows), so it
// is found apart (PasswordChangeFlow), only for the settings page that
// offers it.
package brand

import (
	"context"
	"fmt"
	"strings"

	"github.com/gatehouse-id/gatehouse/ent"
	entbrand "github.com/gatehouse-id/gatehouse/ent/brand"
	"github.com/gatehouse-id/gatehouse/ent/configreference"
	"github.com/gatehouse-id/gatehouse/ent/flow"
	"github.com/gatehouse-id/gatehouse/ent/flowstagebinding"
	"github.com/gatehouse-id/gatehouse/ent/privacy"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/ent/stage"
)

// DefaultTitle is the title of a brand that sets none, and of requests no
// brand serves.
const DefaultTitle = "Gatehouse"

// Site is what any visitor may know of the brand serving a request. Flow
// slugs are empty when the brand has no such flow.
type Site struct {
	Title   string
	Logo    string
	Favicon string

	AuthenticationFlow string
	InvalidationFlow   string
	RecoveryFlow       string
	UserSettingsFlow   string
	UnenrollmentFlow   string
	DeviceCodeFlow     string
}

// ForHost returns the brand serving host (a lower-case host name without a
// port): the brand with that domain, else the default brand, else a Site
// with the default title and no flows. It reads only the brands and their
// flows, with the system's rights: a brand's public side is shown to
// anonymous visitors.
func ForHost(ctx context.Context, client *ent.Client, host string) (Site, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	host = strings.ToLower(host)
	q := client.Brand.Query().
		Where(entbrand.Or(entbrand.Domain(host), entbrand.IsDefault(true))).
		WithFlowAuthentication().WithFlowInvalidation().WithFlowRecovery().WithFlowUserSettings().WithFlowUnenrollment().WithFlowDeviceCode()
	brands, err := q.All(ctx)
	if err != nil {
		return Site{}, fmt.Errorf("brand: read brands: %w", err)
	}
	var b *ent.Brand
	for _, c := range brands {
		if c.Domain == host {
			b = c
			break
		}
		if c.IsDefault {
			b = c
		}
	}
	if b == nil {
		return Site{Title: DefaultTitle}, nil
	}
	s := Site{
		Title:              b.BrandingTitle,
		Logo:               b.BrandingLogo,
		Favicon:            b.BrandingFavicon,
		AuthenticationFlow: slugOf(b.Edges.FlowAuthentication),
		InvalidationFlow:   slugOf(b.Edges.FlowInvalidation),
		RecoveryFlow:       slugOf(b.Edges.FlowRecovery),
		UserSettingsFlow:   slugOf(b.Edges.FlowUserSettings),
		UnenrollmentFlow:   slugOf(b.Edges.FlowUnenrollment),
		DeviceCodeFlow:     slugOf(b.Edges.FlowDeviceCode),
	}
	if s.Title == "" {
		s.Title = DefaultTitle
	}
	return s, nil
}

// PasswordChangeFlow returns the flow a signed-in user runs to change the
// password, for a brand whose authentication flow is the slug authFlow
// (Site.AuthenticationFlow): the configure flow of the first password
// stage of that flow (by binding order) that names one; "" when none does
// or authFlow is empty. It reads with the system's rights, as ForHost.
func PasswordChangeFlow(ctx context.Context, client *ent.Client, authFlow string) (string, error) {
	if authFlow == "" {
		return "", nil
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	bindings, err := client.FlowStageBinding.Query().
		Where(flowstagebinding.HasFlowWith(flow.Slug(authFlow)), flowstagebinding.HasStageWith(stage.Kind("password"))).
		Order(flowstagebinding.ByOrder()).
		All(ctx)
	if err != nil {
		return "", fmt.Errorf("brand: read the authentication flow's password stages: %w", err)
	}
	for _, fsb := range bindings {
		ref, err := client.ConfigReference.Query().
			Where(configreference.OwnerStageID(fsb.StageID), configreference.Field("configure_flow"),
				configreference.HasTargetFlowWith(flow.DesignationEQ(enum.FlowDesignationStageConfiguration))).
			WithTargetFlow().
			First(ctx)
		if ent.IsNotFound(err) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("brand: read a password stage's configure flow: %w", err)
		}
		return slugOf(ref.Edges.TargetFlow), nil
	}
	return "", nil
}

func slugOf(f *ent.Flow) string {
	if f == nil {
		return ""
	}
	return f.Slug
}
