package captcha

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/problem"
)

// VerifyTimeout bounds one call of a provider's verify endpoint.
const VerifyTimeout = 10 * time.Second

// MaxTokenBytes bounds a third-party token (Turnstile's are at most 2048
// characters; hCaptcha's and reCAPTCHA's are of the same order).
const MaxTokenBytes = 8192

// maxVerdictBytes bounds what is read of a verify endpoint's answer.
const maxVerdictBytes = 64 << 10

// Endpoints and scripts of the third-party providers, as their
// documentation gives them. The web frontend's Content-Security-Policy
// allows the scripts' hosts (web/web.go).
var (
	// verifyURLs are the providers' server-side verify endpoints.
	verifyURLs = map[Provider]string{
		ProviderTurnstile:   "https://challenges.cloudflare.com/turnstile/v0/siteverify",
		ProviderHCaptcha:    "https://api.hcaptcha.com/siteverify",
		ProviderRecaptchaV3: "https://www.google.com/recaptcha/api/siteverify",
	}
	// scriptURLs are the widgets' scripts, explicit rendering.
	scriptURLs = map[Provider]string{
		ProviderTurnstile:   "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit",
		ProviderHCaptcha:    "https://js.hcaptcha.com/1/api.js?render=explicit&recaptchacompat=off",
		ProviderRecaptchaV3: "https://www.google.com/recaptcha/api.js?render=",
	}
)

// scriptURL returns the script a client loads for the provider's widget;
// reCAPTCHA v3 names the site key in it.
func (c *Config) scriptURL() string {
	u := scriptURLs[c.Provider]
	if c.Provider == ProviderRecaptchaV3 {
		u += url.QueryEscape(c.SiteKey)
	}
	return u
}

// endpoint returns where tokens are verified.
func (c *Config) endpoint() string {
	if c.VerifyURL != "" {
		return c.VerifyURL
	}
	return verifyURLs[c.Provider]
}

// httpClient calls the verify endpoints; its connections are reused
// across stages.
var httpClient = &http.Client{Timeout: VerifyTimeout}

// verdict is a verify endpoint's answer. The three providers share the
// shape (success, error-codes); reCAPTCHA v3 adds score and action.
type verdict struct {
	Success    bool     `json:"success"`
	ErrorCodes []string `json:"error-codes"` //nolint:tagliatelle // the providers' wire format
	Score      *float64 `json:"score"`
	Action     string   `json:"action"`
}

// configErrorCodes say the stage's settings are wrong, not the token: an
// administrator must act, so they are errors, not retries.
var configErrorCodes = []string{"missing-input-secret", "invalid-input-secret", "sitekey-secret-mismatch"}

// errVerifyUnavailable marks answers that are no verdict.
var errVerifyUnavailable = errors.New("captcha: the verify endpoint gave no verdict")

// verify asks the provider's endpoint about token, for a client at ip
// (invalid: not sent). It returns the verdict; an endpoint that cannot be
// reached, answers with an error status or with something that is not a
// verdict, or reports its own failure, is a problem.Unavailable error; a
// verdict that blames the configuration is a plain error.
func (c *Config) verify(ctx context.Context, token string, ip netip.Addr) (*verdict, error) {
	form := url.Values{"secret": {c.Secret}, "response": {token}}
	if ip.IsValid() {
		form.Set("remoteip", ip.Unmap().String())
	}
	if c.Provider == ProviderHCaptcha {
		form.Set("sitekey", c.SiteKey) // refuses tokens made for another site key
	}
	ctx, cancel := context.WithTimeout(ctx, VerifyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("captcha: verify request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		// The URL is the operator's; the error may quote it, never the form.
		return nil, problem.Unavailable(fmt.Errorf("captcha: %s verify endpoint: %w", c.Provider, err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxVerdictBytes))
	if err != nil {
		return nil, problem.Unavailable(fmt.Errorf("captcha: read the %s verify answer: %w", c.Provider, err))
	}
	if resp.StatusCode != http.StatusOK {
		return nil, problem.Unavailable(fmt.Errorf("%w: %s answered HTTP %d", errVerifyUnavailable, c.Provider, resp.StatusCode))
	}
	var v verdict
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, problem.Unavailable(fmt.Errorf("%w: %s answered something that is not JSON", errVerifyUnavailable, c.Provider))
	}
	if !v.Success {
		for _, code := range v.ErrorCodes {
			if slices.Contains(configErrorCodes, code) {
				return nil, fmt.Errorf("captcha: %s refuses the stage's site key or secret (%s); fix the stage's settings", c.Provider, strings.Join(v.ErrorCodes, ", "))
			}
		}
		if slices.Contains(v.ErrorCodes, "internal-error") {
			return nil, problem.Unavailable(fmt.Errorf("%w: %s reports an internal error", errVerifyUnavailable, c.Provider))
		}
	}
	return &v, nil
}
