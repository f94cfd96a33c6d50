package graph

import (
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/oidc/scopes"
)

// scopeMappingSettings decodes createScopeMapping's input.
func scopeMappingSettings(in model.CreateScopeMappingInput) scopes.Settings {
	return scopes.Settings{Name: &in.Name, ScopeName: &in.ScopeName, Description: &in.Description, Expression: &in.Expression}
}

// scopeMappingUpdate decodes updateScopeMapping's input.
func scopeMappingUpdate(in model.UpdateScopeMappingInput) scopes.Settings {
	return scopes.Settings{Name: in.Name, ScopeName: in.ScopeName, Description: in.Description, Expression: in.Expression}
}

// scopeMappingTestResult maps a scope mapping test for the API.
func scopeMappingTestResult(res *scopes.TestResult) *model.ScopeMappingTestResult {
	out := &model.ScopeMappingTestResult{Claims: res.Claims, DroppedClaims: res.Dropped}
	if out.DroppedClaims == nil {
		out.DroppedClaims = []string{}
	}
	if res.Error != "" {
		out.Error = &res.Error
	}
	return out
}
