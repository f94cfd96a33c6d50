package captcha_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/executor/stages/captcha"
	"github.com/gatehouse-id/gatehouse/executor/stagetest"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/typedconfig/typedconfigtest"
)

func TestKind(t *testing.T) {
	t.Parallel()
	stagetest.RequireKind(t, "captcha", captcha.Kind, &captcha.Stage{}, captcha.Response{})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	const keys = `"site_key": "0x4AAAAAAAB-c_d", "secret": "0x4AAAAAAAsecret"`
	stagetest.RunValidation(t, captcha.Definition(), []typedconfigtest.Case{
		{Name: "defaults", Want: &captcha.Config{Provider: captcha.ProviderPOW, Difficulty: captcha.DefaultDifficulty, MinScore: 0.5}},
		{Name: "easiest", Config: `{"difficulty": 8}`},
		{Name: "hardest", Config: `{"difficulty": 28}`},
		{Name: "too easy", Config: `{"difficulty": 7}`, Field: "difficulty"},
		{Name: "too hard", Config: `{"difficulty": 29}`, Field: "difficulty"},
		{Name: "fractional difficulty", Config: `{"difficulty": 18.5}`, Field: "difficulty"},
		{Name: "unknown provider", Config: `{"provider": "recaptcha_v2"}`, Field: "provider"},
		{Name: "provider in GraphQL spelling", Config: `{"provider": "POW"}`, Field: "provider"},
		{Name: "no provider", Config: `{"provider": ""}`, Field: "provider"},
		{Name: "site key for proof of work", Config: `{"site_key": "abc"}`, Field: "site_key"},
		{Name: "secret for proof of work", Config: `{"secret": "abc"}`, Field: "secret"},
		{Name: "verify URL for proof of work", Config: `{"verify_url": "https://example.com/"}`, Field: "verify_url"},
		{Name: "turnstile", Config: `{"provider": "turnstile", ` + keys + `}`},
		{Name: "hcaptcha", Config: `{"provider": "hcaptcha", "site_key": "10000000-ffff-ffff-ffff-000000000001", "secret": "0x0000000000000000000000000000000000000000"}`},
		{
			Name: "recaptcha v3, every option", Config: `{"provider": "recaptcha_v3", ` + keys + `, "verify_url": "http://127.0.0.1:8080/siteverify", "min_score": 0.7}`,
			Want: &captcha.Config{
				Provider: captcha.ProviderRecaptchaV3, Difficulty: captcha.DefaultDifficulty, SiteKey: "0x4AAAAAAAB-c_d",
				Secret: "0x4AAAAAAAsecret", VerifyURL: "http://127.0.0.1:8080/siteverify", MinScore: 0.7,
			},
		},
		{Name: "no site key", Config: `{"provider": "turnstile", "secret": "s"}`, Field: "site_key", Message: "required"},
		{Name: "no secret", Config: `{"provider": "hcaptcha", "site_key": "k"}`, Field: "secret", Message: "required"},
		{Name: "site key with markup", Config: `{"provider": "turnstile", "site_key": "k\"><script>", "secret": "s"}`, Field: "site_key"},
		{Name: "site key too long", Config: `{"provider": "turnstile", "site_key": "` + strings.Repeat("k", captcha.MaxKeyLength+1) + `", "secret": "s"}`, Field: "site_key"},
		{Name: "secret with a space", Config: `{"provider": "turnstile", "site_key": "k", "secret": "s s"}`, Field: "secret"},
		{Name: "secret too long", Config: `{"provider": "turnstile", "site_key": "k", "secret": "` + strings.Repeat("s", captcha.MaxKeyLength+1) + `"}`, Field: "secret"},
		{Name: "relative verify URL", Config: `{"provider": "turnstile", ` + keys + `, "verify_url": "/siteverify"}`, Field: "verify_url"},
		{Name: "verify URL not http", Config: `{"provider": "turnstile", ` + keys + `, "verify_url": "ftp://example.com/v"}`, Field: "verify_url"},
		{Name: "verify URL with credentials", Config: `{"provider": "turnstile", ` + keys + `, "verify_url": "https://u:p@example.com/v"}`, Field: "verify_url"},
		{Name: "lowest score", Config: `{"min_score": 0}`},
		{Name: "highest score", Config: `{"min_score": 1}`},
		{Name: "negative score", Config: `{"min_score": -0.1}`, Field: "min_score"},
		{Name: "score above one", Config: `{"min_score": 1.1}`, Field: "min_score"},
		{Name: "unknown field", Config: `{"private_key": "x"}`, Field: "private_key"},
	})
}

// A refused secret is never quoted back: errors are logged and shown.
func TestConfigErrorsHideTheSecret(t *testing.T) {
	t.Parallel()
	kinds := executor.NewStageKinds(captcha.Definition())
	for _, cfg := range []string{
		`{"provider": "turnstile", "site_key": "k", "secret": "hunter2 with spaces"}`,
		`{"provider": "pow", "secret": "hunter2"}`,
	} {
		_, err := kinds.Decode(captcha.Kind, []byte(cfg))
		var fe *problem.FieldError
		require.ErrorAs(t, err, &fe)
		require.NotContains(t, err.Error(), "hunter2")
	}
}

func TestProviderGQL(t *testing.T) {
	t.Parallel()
	typedconfigtest.RunEnum(t, captcha.Providers, "pow", "RECAPTCHA_V2")
}
