// Package config reads Gatehouse's settings from environment variables. The
// README lists them; every one has a safe default, so a bare `gatehouse
// serve` runs on the embedded database with nothing to set up.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config holds every setting.
type Config struct {
	// Listen is the address the HTTP server binds.
	Listen string `env:"GATEHOUSE_LISTEN" envDefault:"127.0.0.1:9000"`
	// DataDir holds the embedded database and the generated secret key.
	DataDir string `env:"GATEHOUSE_DATA_DIR" envDefault:"./data"`
	// DatabaseURL selects PostgreSQL (postgres://…); empty selects the
	// embedded SQLite file.
	DatabaseURL string `env:"GATEHOUSE_DATABASE_URL"`
	// RedisURL selects Redis (redis://, rediss:// or unix:// for a socket)
	// for sessions, flow executions, counters and pub/sub; empty keeps
	// sessions, flow executions and counters in the SQL database and
	// pub/sub in-process.
	RedisURL string `env:"GATEHOUSE_REDIS_URL"`
	// RedisPrefix starts every Redis key and channel Gatehouse uses, so that
	// several deployments can share one Redis.
	RedisPrefix string `env:"GATEHOUSE_REDIS_PREFIX" envDefault:"gatehouse:"`
	// SecretKey signs and encrypts what Gatehouse hands out; empty reads or
	// creates DataDir/secret.key. Every server of one deployment needs the
	// same key.
	SecretKey string `env:"GATEHOUSE_SECRET_KEY"`
	// PublicURL is where users reach Gatehouse (https://login.example.com);
	// empty derives it from Listen.
	PublicURL string `env:"GATEHOUSE_PUBLIC_URL"`
	// Bootstrap* set up the first superuser on first start.
	BootstrapPassword string `env:"GATEHOUSE_BOOTSTRAP_PASSWORD"`
	BootstrapEmail    string `env:"GATEHOUSE_BOOTSTRAP_EMAIL"`
	BootstrapToken    string `env:"GATEHOUSE_BOOTSTRAP_TOKEN"`
	// Dev enables development conveniences: text logs, introspection and
	// field suggestions for everyone, a generated bootstrap API token.
	Dev bool `env:"GATEHOUSE_DEV"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `env:"GATEHOUSE_LOG_LEVEL" envDefault:"info"`
	// LogFormat is json or text; empty means text in dev, json otherwise.
	LogFormat string `env:"GATEHOUSE_LOG_FORMAT"`
	// Worker runs the background job workers inside `serve`; set false when
	// running `gatehouse worker` processes separately.
	Worker bool `env:"GATEHOUSE_WORKER" envDefault:"true"`
	// TrustedProxies are the networks whose X-Forwarded-For is believed
	// (GATEHOUSE_TRUSTED_PROXIES, comma-separated CIDRs; parsed by Load).
	TrustedProxies []netip.Prefix `env:"-" envvar:"GATEHOUSE_TRUSTED_PROXIES"`
	// AllowedOrigins are other origins whose pages may call the API with the
	// session cookie and open subscription websockets.
	AllowedOrigins []string `env:"GATEHOUSE_ALLOWED_ORIGINS" envSeparator:","`
	// ShutdownTimeout bounds the graceful shutdown on SIGTERM.
	ShutdownTimeout time.Duration `env:"GATEHOUSE_SHUTDOWN_TIMEOUT" envDefault:"30s"`
	// EventRetention is how long audit events are kept.
	EventRetention time.Duration `env:"GATEHOUSE_EVENT_RETENTION" envDefault:"8760h"`
	// DevicePollInterval is how often a device signing in with the OAuth
	// 2.0 device authorization grant may poll the token endpoint (RFC 8628
	// §3.2 interval); faster polls are answered slow_down.
	DevicePollInterval time.Duration `env:"GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL" envDefault:"5s"`
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64 `env:"GATEHOUSE_MAX_BODY_BYTES" envDefault:"1048576"`
	// FlowStartsPerIP and FlowStartsPerSession bound how many flows one
	// client address and one session may start in 5 minutes; 0 disables
	// the limit.
	FlowStartsPerIP      int64 `env:"GATEHOUSE_FLOW_STARTS_PER_IP" envDefault:"300"`
	FlowStartsPerSession int64 `env:"GATEHOUSE_FLOW_STARTS_PER_SESSION" envDefault:"30"`
	// MetricsListen, when set, is a second address (127.0.0.1:9300) that
	// serves only /metrics; the main listener then does not serve it.
	MetricsListen string `env:"GATEHOUSE_METRICS_LISTEN"`
	// MetricsToken, when set, is the bearer token /metrics requires,
	// wherever it is served.
	MetricsToken string `env:"GATEHOUSE_METRICS_TOKEN"`
	// SMTPURL is the mail server (smtp://[user:pass@]host:port?tls=…, see
	// MailServer); empty sends no mail (development mode writes mail to
	// the log instead).
	SMTPURL string `env:"GATEHOUSE_SMTP_URL"`
	// SMTPFrom is the sender of every mail; required with SMTPURL.
	SMTPFrom string `env:"GATEHOUSE_SMTP_FROM"`
	// WebhookAllowPrivate lets notification webhooks reach loopback,
	// private and link-local addresses (refused by default: SSRF).
	WebhookAllowPrivate bool `env:"GATEHOUSE_WEBHOOK_ALLOW_PRIVATE"`
}

// MinSecretKeyLength, MinBootstrapTokenLength and MinMetricsTokenLength
// bound the secrets an operator may set, in characters.
const (
	MinSecretKeyLength      = 32
	MinBootstrapTokenLength = 32
	MinMetricsTokenLength   = 32
)

// Load reads the environment (getenv; os.Getenv when nil) and validates the
// result.
func Load(getenv func(string) string) (*Config, error) {
	opts := env.Options{}
	if getenv != nil {
		opts.Environment = environ(getenv)
	}
	cfg := &Config{}
	if err := env.ParseWithOptions(cfg, opts); err != nil {
		return nil, explain(err)
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	var errs []error
	for _, p := range list(getenv("GATEHOUSE_TRUSTED_PROXIES")) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("GATEHOUSE_TRUSTED_PROXIES entry %q must be a network such as 10.0.0.0/8 (a single address is 10.0.0.1/32)", p))
			continue
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, prefix.Masked())
	}
	cfg.normalise()
	errs = append(errs, cfg.validate())
	return cfg, errors.Join(errs...)
}

// list splits a comma-separated value, trimming spaces and dropping empties.
func list(v string) []string {
	var out []string
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// normalise trims what operators commonly add: spaces around list entries
// and a trailing slash on origins.
func (c *Config) normalise() {
	c.PublicURL = strings.TrimSuffix(strings.TrimSpace(c.PublicURL), "/")
	origins := c.AllowedOrigins[:0]
	for _, o := range c.AllowedOrigins {
		if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o != "" {
			origins = append(origins, o)
		}
	}
	c.AllowedOrigins = origins
}

// explain rewrites the env library's parse errors to name the environment
// variable rather than the Go field.
func explain(err error) error {
	agg, ok := errors.AsType[env.AggregateError](err)
	if !ok {
		return fmt.Errorf("read configuration: %w", err)
	}
	var errs []error
	for _, e := range agg.Errors {
		pe, ok := errors.AsType[env.ParseError](e)
		if !ok {
			errs = append(errs, e)
			continue
		}
		name := pe.Name
		if f, ok := reflect.TypeFor[Config]().FieldByName(pe.Name); ok {
			name, _, _ = strings.Cut(f.Tag.Get("env"), ",")
		}
		errs = append(errs, fmt.Errorf("%s: cannot read %s value: %w", name, pe.Type, pe.Err))
	}
	return errors.Join(errs...)
}

// environ snapshots the GATEHOUSE_ variables getenv knows.
func environ(getenv func(string) string) map[string]string {
	out := map[string]string{}
	for _, k := range []string{
		"GATEHOUSE_LISTEN", "GATEHOUSE_DATA_DIR", "GATEHOUSE_DATABASE_URL", "GATEHOUSE_REDIS_URL", "GATEHOUSE_REDIS_PREFIX",
		"GATEHOUSE_SECRET_KEY", "GATEHOUSE_PUBLIC_URL", "GATEHOUSE_BOOTSTRAP_PASSWORD",
		"GATEHOUSE_BOOTSTRAP_EMAIL", "GATEHOUSE_BOOTSTRAP_TOKEN", "GATEHOUSE_DEV", "GATEHOUSE_LOG_LEVEL",
		"GATEHOUSE_LOG_FORMAT", "GATEHOUSE_WORKER", "GATEHOUSE_TRUSTED_PROXIES", "GATEHOUSE_ALLOWED_ORIGINS",
		"GATEHOUSE_SHUTDOWN_TIMEOUT", "GATEHOUSE_MAX_BODY_BYTES", "GATEHOUSE_EVENT_RETENTION", "GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL",
		"GATEHOUSE_FLOW_STARTS_PER_IP", "GATEHOUSE_FLOW_STARTS_PER_SESSION",
		"GATEHOUSE_METRICS_LISTEN", "GATEHOUSE_METRICS_TOKEN", "GATEHOUSE_SMTP_URL", "GATEHOUSE_SMTP_FROM",
		"GATEHOUSE_WEBHOOK_ALLOW_PRIVATE",
	} {
		if v := getenv(k); v != "" {
			out[k] = v
		}
	}
	return out
}

func (c *Config) validate() error {
	return errors.Join(c.validateServices(), c.validateSecrets(), c.validateOrigins(), c.validateLogging(), c.validateSMTP())
}

func (c *Config) validateServices() error {
	var errs []error
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("GATEHOUSE_DATABASE_URL must start with postgres:// or postgresql:// (unset it for the embedded database)"))
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") &&
		!strings.HasPrefix(c.RedisURL, "unix://") {
		errs = append(errs, errors.New("GATEHOUSE_REDIS_URL must start with redis://, rediss:// or unix://"))
	}
	if c.EventRetention < time.Hour {
		errs = append(errs, errors.New("GATEHOUSE_EVENT_RETENTION must be at least 1h"))
	}
	if c.DevicePollInterval < time.Second || c.DevicePollInterval > time.Minute || c.DevicePollInterval%time.Second != 0 {
		errs = append(errs, errors.New("GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL must be whole seconds from 1s to 1m"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("GATEHOUSE_MAX_BODY_BYTES must be at least 1024"))
	}
	if c.FlowStartsPerIP < 0 || c.FlowStartsPerSession < 0 {
		errs = append(errs, errors.New("GATEHOUSE_FLOW_STARTS_PER_IP and GATEHOUSE_FLOW_STARTS_PER_SESSION must be 0 (no limit) or more"))
	}
	if c.MetricsListen != "" && !isHostPort(c.MetricsListen) {
		errs = append(errs, errors.New("GATEHOUSE_METRICS_LISTEN must be an address such as 127.0.0.1:9300"))
	}
	return errors.Join(errs...)
}

// isHostPort reports whether s is host:port with a numeric port.
func isHostPort(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && (n > 0 || port == "0")
}

// MetricsOnMainListener reports whether the main listener serves /metrics:
// never when MetricsListen moves it to its own address; otherwise when
// MetricsToken guards it, or in dev mode. So production without either
// keeps metrics private (the main listener answers 404).
func (c *Config) MetricsOnMainListener() bool {
	return c.MetricsListen == "" && (c.MetricsToken != "" || c.Dev)
}

func (c *Config) validateSecrets() error {
	var errs []error
	if c.SecretKey != "" && len(c.SecretKey) < MinSecretKeyLength {
		errs = append(errs, fmt.Errorf("GATEHOUSE_SECRET_KEY must be at least %d characters", MinSecretKeyLength))
	}
	if c.BootstrapToken != "" && len(c.BootstrapToken) < MinBootstrapTokenLength {
		errs = append(errs, fmt.Errorf("GATEHOUSE_BOOTSTRAP_TOKEN must be at least %d characters; generate one with `openssl rand -hex 32`", MinBootstrapTokenLength))
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < MinMetricsTokenLength {
		errs = append(errs, fmt.Errorf("GATEHOUSE_METRICS_TOKEN must be at least %d characters; generate one with `openssl rand -hex 32`", MinMetricsTokenLength))
	}
	return errors.Join(errs...)
}

func (c *Config) validateOrigins() error {
	var errs []error
	if c.PublicURL != "" && !isOrigin(c.PublicURL) {
		errs = append(errs, errors.New("GATEHOUSE_PUBLIC_URL must be an http(s) origin such as https://login.example.com"))
	}
	for _, o := range c.AllowedOrigins {
		if !isOrigin(o) {
			errs = append(errs, fmt.Errorf("GATEHOUSE_ALLOWED_ORIGINS entry %q must be an origin such as https://app.example.com", o))
		}
	}
	return errors.Join(errs...)
}

// isOrigin reports whether s is exactly scheme://host[:port] with an http(s)
// scheme: no path, query, fragment or user info, as browsers send in Origin.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" && u.User == nil && u.Opaque == ""
}

func (c *Config) validateLogging() error {
	var errs []error
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, errors.New("GATEHOUSE_LOG_LEVEL must be debug, info, warn or error"))
	}
	switch c.LogFormat {
	case "", "json", "text":
	default:
		errs = append(errs, errors.New("GATEHOUSE_LOG_FORMAT must be json or text"))
	}
	return errors.Join(errs...)
}

// Logger returns the logger the settings ask for, writing to w.
func (c *Config) Logger(w *os.File) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel)) // validated
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "text" || (c.LogFormat == "" && c.Dev) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// PublicOrigin returns PublicURL, or http://<listen address> when unset.
func (c *Config) PublicOrigin(listen string) string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + listen
}

// secretKeyFile is the generated key's file in the data directory.
const secretKeyFile = "secret.key"

// ResolveSecretKey returns SecretKey, or the key kept in the data directory,
// creating it (256 random bits, mode 0600) on first use. created reports
// whether a new key was written.
func (c *Config) ResolveSecretKey() (key string, created bool, err error) {
	if c.SecretKey != "" {
		return c.SecretKey, false, nil
	}
	path := filepath.Join(c.DataDir, secretKeyFile)
	if b, err := os.ReadFile(path); err == nil { //nolint:gosec // the operator's own data directory
		k := strings.TrimSpace(string(b))
		if len(k) < MinSecretKeyLength {
			return "", false, fmt.Errorf("%s is shorter than %d characters; delete it to generate a new one", path, MinSecretKeyLength)
		}
		return k, false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("read secret key: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", false, fmt.Errorf("create data directory: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", false, err
	}
	k := hex.EncodeToString(b[:])
	// Write the key to a temporary file and link it into place, so that a
	// process starting at the same moment sees either no key or the whole
	// key, never an empty file; the loser of the race reads the winner's.
	tmp, err := os.CreateTemp(c.DataDir, ".secret.key-*")
	if err != nil {
		return "", false, fmt.Errorf("write secret key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(k + "\n"); err != nil {
		_ = tmp.Close()
		return "", false, fmt.Errorf("write secret key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", false, fmt.Errorf("write secret key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, os.ErrExist) {
		return c.ResolveSecretKey()
	} else if err != nil {
		return "", false, fmt.Errorf("write secret key: %w", err)
	}
	return k, true, nil
}
