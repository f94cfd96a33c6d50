package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/gatehouse-id/gatehouse/celeval"
	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/problem"
)

// Webhook headers.
const (
	// HeaderSignature carries "sha256=" and the hex HMAC-SHA256 of the raw
	// body under the transport's secret.
	HeaderSignature = "X-Gatehouse-Signature"
	// HeaderDelivery identifies the delivery: the same on every retry of
	// it, so a receiver can drop a duplicate.
	HeaderDelivery = "X-Gatehouse-Delivery"
)

// maxRedirects bounds the redirects a webhook call follows (to its own
// host only).
const maxRedirects = 3

// ErrForbiddenAddress is a webhook target on a loopback, private,
// link-local or otherwise internal address, refused unless the server
// allows private targets (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE).
var ErrForbiddenAddress = errors.New("webhook target is a loopback, private or link-local address (set GATEHOUSE_WEBHOOK_ALLOW_PRIVATE=true to allow)")

// ErrRedirectElsewhere is a webhook answer redirecting to another host,
// which is never followed.
var ErrRedirectElsewhere = errors.New("webhook redirected to another host; not followed")

// WebhookError is a webhook call that did not succeed. Its message is safe
// to show administrators (transport.lastError): it never holds the URL
// (whose path or query may carry a token), the secret or the body.
type WebhookError struct {
	// Status is the HTTP status answered; 0 when there was no answer.
	Status int
	// Reason says what went wrong.
	Reason string
	err    error
}

func (e *WebhookError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("webhook answered HTTP %d", e.Status)
	}
	return "webhook call failed: " + e.Reason
}

// Unwrap returns the cause.
func (e *WebhookError) Unwrap() error { return e.err }

// forbidden are ranges no webhook may reach by default, beyond what
// netip's predicates name: this network, shared address space (CGNAT),
// benchmarking and the IPv6 NAT64/discard prefixes.
var forbidden = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("100::/64"),
}

// Public reports whether a webhook may reach ip without
// GATEHOUSE_WEBHOOK_ALLOW_PRIVATE.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range forbidden {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// WebhookClient calls webhooks: TLS verified, no proxy, no redirect to
// another host, and — unless allowPrivate — no connection to an address
// Public refuses, checked on the address actually dialled (after DNS
// resolution, so a name that resolves, or re-resolves, to an internal
// address is refused too). It is safe for concurrent use.
type WebhookClient struct {
	http *http.Client
}

// NewWebhookClient returns a client; allowPrivate lets webhooks reach
// loopback and private addresses (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE).
func NewWebhookClient(allowPrivate bool) *WebhookClient {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !Public(ap.Addr()) {
				return ErrForbiddenAddress
			}
			return nil
		}
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would be the one dialled, defeating the address check
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &WebhookClient{http: &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return errors.New("too many redirects")
			}
			if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
				return ErrRedirectElsewhere
			}
			return nil
		},
	}}
}

// Sign returns the X-Gatehouse-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// DeliveryID is the stable ID of the delivery of event eventID through
// transport transportID to user userID (0: once per event).
func DeliveryID(eventID, transportID, userID int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "gatehouse-delivery:%d:%d:%d", eventID, transportID, userID))
	return hex.EncodeToString(sum[:16])
}

// Encode returns the raw body a webhook of t receives: body as JSON, or
// what t's CEL mapping makes of it (a map; the expression sees the body
// as the variable body).
func Encode(ctx context.Context, t *ent.NotificationTransport, body map[string]any) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode webhook body: %w", err)
	}
	if t.WebhookMapping == "" {
		return raw, nil
	}
	var plain map[string]any // JSON types only, as CEL knows them
	if err := json.Unmarshal(raw, &plain); err != nil {
		return nil, fmt.Errorf("encode webhook body: %w", err)
	}
	prg, err := Mapping(t.WebhookMapping)
	if err != nil {
		return nil, err
	}
	out, _, err := prg.ContextEval(ctx, map[string]any{"body": plain})
	if err != nil {
		return nil, fmt.Errorf("webhook mapping: %w", err)
	}
	mapped, err := celeval.NativeMap(out)
	if err != nil {
		return nil, fmt.Errorf("webhook mapping: %w", err)
	}
	raw, err = json.Marshal(mapped)
	if err != nil {
		return nil, fmt.Errorf("encode mapped webhook body: %w", err)
	}
	return raw, nil
}

// Mapping compiles a webhook mapping: a CEL expression over the variable
// body (a map) that yields a map with string keys. Its errors are
// *problem.FieldError on celeval.Field.
func Mapping(source string) (cel.Program, error) {
	env, err := celeval.NewEnv("body")
	if err != nil {
		return nil, fmt.Errorf("webhook mapping environment: %w", err)
	}
	ast, err := celeval.Compile(env, source)
	if err != nil {
		return nil, err
	}
	if !celeval.StringMap(ast.OutputType()) {
		return nil, problem.Invalid(celeval.Field, "a webhook mapping must produce a map with string keys")
	}
	return celeval.Program(env, ast)
}

// Send POSTs raw to t's URL with the delivery header and, when secret (t's
// opened webhook secret, see Secrets.Open) is not empty, the signature
// header, under t's timeout. Any answer but 2xx is a *WebhookError.
func (c *WebhookClient) Send(ctx context.Context, t *ent.NotificationTransport, secret string, raw []byte, deliveryID string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(t.WebhookTimeout)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.WebhookURL, bytes.NewReader(raw))
	if err != nil {
		return &WebhookError{Reason: "invalid URL", err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Gatehouse-Webhook")
	if secret != "" {
		req.Header.Set(HeaderSignature, Sign(secret, raw))
	}
	req.Header.Set(HeaderDelivery, deliveryID)
	resp, err := c.http.Do(req)
	if err != nil {
		return &WebhookError{Reason: reason(err), err: err}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &WebhookError{Status: resp.StatusCode}
	}
	return nil
}

// reason describes a failed call without the URL that url.Error quotes.
func reason(err error) string {
	switch {
	case errors.Is(err, ErrForbiddenAddress):
		return ErrForbiddenAddress.Error()
	case errors.Is(err, ErrRedirectElsewhere):
		return ErrRedirectElsewhere.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	if _, ok := errors.AsType[*net.DNSError](err); ok {
		return "cannot resolve the host"
	}
	if op, ok := errors.AsType[*net.OpError](err); ok {
		return op.Op + ": " + op.Err.Error()
	}
	return err.Error()
}
