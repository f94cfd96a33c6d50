package config_test

import (
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/authn"
	"github.com/gatehouse-id/gatehouse/config"
)

// env is a fake environment for Load.
type env map[string]string

func (e env) getenv(key string) string { return e[key] }

// key32 is a secret exactly as long as config requires.
var key32 = strings.Repeat("k", config.MinSecretKeyLength)

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env{}.getenv)
	require.NoError(t, err)
	require.Equal(t, &config.Config{
		Listen:             "127.0.0.1:9000",
		DataDir:            "./data",
		RedisPrefix:        "gatehouse:",
		LogLevel:           "info",
		Worker:             true,
		ShutdownTimeout:    30 * time.Second,
		MaxBodyBytes:       1 << 20,
		EventRetention:     365 * 24 * time.Hour,
		DevicePollInterval: 5 * time.Second,

		FlowStartsPerIP:      300,
		FlowStartsPerSession: 30,
	}, cfg, "every other setting is empty: embedded database, no Redis, generated key")
}

func TestLoadReadsEveryVariable(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("t", config.MinBootstrapTokenLength)
	metricsToken := strings.Repeat("m", config.MinMetricsTokenLength)
	cfg, err := config.Load(env{
		"GATEHOUSE_LISTEN":                    "0.0.0.0:8080",
		"GATEHOUSE_DATA_DIR":                  "/var/lib/gatehouse",
		"GATEHOUSE_DATABASE_URL":              "postgresql://gatehouse@db:5432/gatehouse",
		"GATEHOUSE_REDIS_URL":                 "rediss://cache:6380/1",
		"GATEHOUSE_REDIS_PREFIX":              "prod:",
		"GATEHOUSE_SECRET_KEY":                key32,
		"GATEHOUSE_PUBLIC_URL":                "https://login.example.com",
		"GATEHOUSE_BOOTSTRAP_PASSWORD":        "correct horse",
		"GATEHOUSE_BOOTSTRAP_EMAIL":           "ops@example.com",
		"GATEHOUSE_BOOTSTRAP_TOKEN":           token,
		"GATEHOUSE_DEV":                       "true",
		"GATEHOUSE_LOG_LEVEL":                 "debug",
		"GATEHOUSE_LOG_FORMAT":                "json",
		"GATEHOUSE_WORKER":                    "false",
		"GATEHOUSE_TRUSTED_PROXIES":           "10.0.0.0/8,fd00::/8",
		"GATEHOUSE_ALLOWED_ORIGINS":           "https://app.example.com,http://localhost:5173",
		"GATEHOUSE_SHUTDOWN_TIMEOUT":          "5s",
		"GATEHOUSE_MAX_BODY_BYTES":            "2048",
		"GATEHOUSE_EVENT_RETENTION":           "720h",
		"GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL": "2s",

		"GATEHOUSE_FLOW_STARTS_PER_IP":      "1000",
		"GATEHOUSE_FLOW_STARTS_PER_SESSION": "0",
		"GATEHOUSE_METRICS_LISTEN":          "127.0.0.1:9300",
		"GATEHOUSE_METRICS_TOKEN":           metricsToken,
		"GATEHOUSE_SMTP_URL":                "smtp://mailer:s3cret@mail.example.com:2525?tls=implicit",
		"GATEHOUSE_SMTP_FROM":               "Gatehouse <login@example.com>",
	}.getenv)
	require.NoError(t, err)
	require.Equal(t, &config.Config{
		Listen:             "0.0.0.0:8080",
		DataDir:            "/var/lib/gatehouse",
		DatabaseURL:        "postgresql://gatehouse@db:5432/gatehouse",
		RedisURL:           "rediss://cache:6380/1",
		RedisPrefix:        "prod:",
		SecretKey:          key32,
		PublicURL:          "https://login.example.com",
		BootstrapPassword:  "correct horse",
		BootstrapEmail:     "ops@example.com",
		BootstrapToken:     token,
		Dev:                true,
		LogLevel:           "debug",
		LogFormat:          "json",
		Worker:             false,
		TrustedProxies:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")},
		AllowedOrigins:     []string{"https://app.example.com", "http://localhost:5173"},
		ShutdownTimeout:    5 * time.Second,
		MaxBodyBytes:       2048,
		EventRetention:     30 * 24 * time.Hour,
		DevicePollInterval: 2 * time.Second,

		FlowStartsPerIP:      1000,
		FlowStartsPerSession: 0,
		MetricsListen:        "127.0.0.1:9300",
		MetricsToken:         metricsToken,
		SMTPURL:              "smtp://mailer:s3cret@mail.example.com:2525?tls=implicit",
		SMTPFrom:             "Gatehouse <login@example.com>",
	}, cfg)
	smtp, ok := cfg.MailServer()
	require.True(t, ok)
	require.Equal(t, config.SMTP{
		Host: "mail.example.com", Port: 2525, Username: "mailer", Password: "s3cret",
		TLS: config.SMTPImplicitTLS, From: "Gatehouse <login@example.com>",
	}, smtp)
	require.Equal(t, "mail.example.com:2525", smtp.Addr())
}

func TestMailServerDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env{}.getenv)
	require.NoError(t, err)
	_, ok := cfg.MailServer()
	require.False(t, ok, "no SMTP without GATEHOUSE_SMTP_URL")
	for url, want := range map[string]config.SMTP{
		"smtp://mail.example.com":                  {Host: "mail.example.com", Port: 587, TLS: config.SMTPStartTLS},
		"smtp://mail.example.com?tls=implicit":     {Host: "mail.example.com", Port: 465, TLS: config.SMTPImplicitTLS},
		"smtp://127.0.0.1:25?tls=none":             {Host: "127.0.0.1", Port: 25, TLS: config.SMTPNoTLS},
		"smtp://only-user@[::1]:2525?tls=starttls": {Host: "::1", Port: 2525, Username: "only-user", TLS: config.SMTPStartTLS},
	} {
		cfg, err := config.Load(env{"GATEHOUSE_SMTP_URL": url, "GATEHOUSE_SMTP_FROM": "login@example.com"}.getenv)
		require.NoError(t, err, url)
		got, ok := cfg.MailServer()
		require.True(t, ok, url)
		want.From = "login@example.com"
		require.Equal(t, want, got, url)
	}
}

// TestLoadAsksForEveryDeclaredVariable keeps Load's list of variables in
// step with the struct tags: a field whose variable getenv is never asked
// for could never be set.
func TestLoadAsksForEveryDeclaredVariable(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	asked := map[string]bool{}
	_, err := config.Load(func(key string) string {
		mu.Lock()
		defer mu.Unlock()
		asked[key] = true
		return ""
	})
	require.NoError(t, err)
	typ := reflect.TypeFor[config.Config]()
	declared := 0
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if name == "-" {
			name = f.Tag.Get("envvar") // parsed by Load itself
		}
		if name == "" {
			continue
		}
		declared++
		require.True(t, asked[name], "Load never reads %s (field %s)", name, f.Name)
	}
	require.Equal(t, typ.NumField(), declared, "every setting has a variable")
}

func TestLoadAcceptsValidValues(t *testing.T) {
	t.Parallel()
	for name, vars := range map[string]env{
		"postgres:// URL":                    {"GATEHOUSE_DATABASE_URL": "postgres://u@db/gh"},
		"postgresql:// URL":                  {"GATEHOUSE_DATABASE_URL": "postgresql://u@db/gh"},
		"redis:// URL":                       {"GATEHOUSE_REDIS_URL": "redis://cache:6379/0"},
		"rediss:// URL":                      {"GATEHOUSE_REDIS_URL": "rediss://cache:6379/0"},
		"unix:// URL":                        {"GATEHOUSE_REDIS_URL": "unix:///run/redis/redis.sock?db=1"},
		"secret key of the minimum length":   {"GATEHOUSE_SECRET_KEY": key32},
		"bootstrap token of minimum length":  {"GATEHOUSE_BOOTSTRAP_TOKEN": strings.Repeat("t", config.MinBootstrapTokenLength)},
		"http public URL with a port":        {"GATEHOUSE_PUBLIC_URL": "http://localhost:9000"},
		"public URL with a trailing slash":   {"GATEHOUSE_PUBLIC_URL": "https://login.example.com/"},
		"every log level":                    {"GATEHOUSE_LOG_LEVEL": "warn"},
		"text log format":                    {"GATEHOUSE_LOG_FORMAT": "text"},
		"body limit at the minimum":          {"GATEHOUSE_MAX_BODY_BYTES": "1024"},
		"error log level":                    {"GATEHOUSE_LOG_LEVEL": "error"},
		"allowed origin with a port":         {"GATEHOUSE_ALLOWED_ORIGINS": "http://localhost:5173"},
		"single IPv6 trusted proxy":          {"GATEHOUSE_TRUSTED_PROXIES": "::1/128"},
		"shutdown timeout in other units":    {"GATEHOUSE_SHUTDOWN_TIMEOUT": "1m30s"},
		"worker switched off with 0 instead": {"GATEHOUSE_WORKER": "0"},
		"metrics on a separate port":         {"GATEHOUSE_METRICS_LISTEN": ":9300"},
		"metrics on an IPv6 loopback":        {"GATEHOUSE_METRICS_LISTEN": "[::1]:9300"},
		"metrics on any free port":           {"GATEHOUSE_METRICS_LISTEN": "127.0.0.1:0"},
		"metrics token of minimum length":    {"GATEHOUSE_METRICS_TOKEN": strings.Repeat("m", config.MinMetricsTokenLength)},
		"SMTP with a display-name sender":    {"GATEHOUSE_SMTP_URL": "smtp://mail:25?tls=none", "GATEHOUSE_SMTP_FROM": "Login <login@example.com>"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(vars.getenv)
			require.NoError(t, err)
		})
	}
}

func TestLoadRejectsInvalidValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		vars     env
		variable string
	}{
		{name: "database URL of another scheme", vars: env{"GATEHOUSE_DATABASE_URL": "mysql://u@db/gh"}, variable: "GATEHOUSE_DATABASE_URL"},
		{name: "database URL that is a path", vars: env{"GATEHOUSE_DATABASE_URL": "/var/lib/gatehouse.db"}, variable: "GATEHOUSE_DATABASE_URL"},
		{name: "redis URL of another scheme", vars: env{"GATEHOUSE_REDIS_URL": "http://cache:6379"}, variable: "GATEHOUSE_REDIS_URL"},
		{name: "redis address without scheme", vars: env{"GATEHOUSE_REDIS_URL": "cache:6379"}, variable: "GATEHOUSE_REDIS_URL"},
		{name: "short secret key", vars: env{"GATEHOUSE_SECRET_KEY": key32[1:]}, variable: "GATEHOUSE_SECRET_KEY"},
		{name: "short bootstrap token", vars: env{"GATEHOUSE_BOOTSTRAP_TOKEN": strings.Repeat("t", config.MinBootstrapTokenLength-1)}, variable: "GATEHOUSE_BOOTSTRAP_TOKEN"},
		{name: "public URL with a path", vars: env{"GATEHOUSE_PUBLIC_URL": "https://example.com/login"}, variable: "GATEHOUSE_PUBLIC_URL"},
		{name: "public URL without scheme", vars: env{"GATEHOUSE_PUBLIC_URL": "login.example.com"}, variable: "GATEHOUSE_PUBLIC_URL"},
		{name: "public URL of another scheme", vars: env{"GATEHOUSE_PUBLIC_URL": "ftp://login.example.com"}, variable: "GATEHOUSE_PUBLIC_URL"},
		{name: "public URL without host", vars: env{"GATEHOUSE_PUBLIC_URL": "https://"}, variable: "GATEHOUSE_PUBLIC_URL"},
		{name: "allowed origin without scheme", vars: env{"GATEHOUSE_ALLOWED_ORIGINS": "https://ok.example.com,app.example.com"}, variable: "GATEHOUSE_ALLOWED_ORIGINS"},
		{name: "allowed origin with a path", vars: env{"GATEHOUSE_ALLOWED_ORIGINS": "https://app.example.com/spa"}, variable: "GATEHOUSE_ALLOWED_ORIGINS"},
		{name: "unknown log level", vars: env{"GATEHOUSE_LOG_LEVEL": "verbose"}, variable: "GATEHOUSE_LOG_LEVEL"},
		{name: "log level in capitals", vars: env{"GATEHOUSE_LOG_LEVEL": "INFO"}, variable: "GATEHOUSE_LOG_LEVEL"},
		{name: "unknown log format", vars: env{"GATEHOUSE_LOG_FORMAT": "xml"}, variable: "GATEHOUSE_LOG_FORMAT"},
		{name: "tiny body limit", vars: env{"GATEHOUSE_MAX_BODY_BYTES": "1023"}, variable: "GATEHOUSE_MAX_BODY_BYTES"},
		{name: "negative flow start limit", vars: env{"GATEHOUSE_FLOW_STARTS_PER_IP": "-1"}, variable: "GATEHOUSE_FLOW_STARTS_PER_IP"},
		{name: "short event retention", vars: env{"GATEHOUSE_EVENT_RETENTION": "30m"}, variable: "GATEHOUSE_EVENT_RETENTION"},
		{name: "device poll interval not whole seconds", vars: env{"GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL": "1500ms"}, variable: "GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL"},
		{name: "device poll interval too long", vars: env{"GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL": "2m"}, variable: "GATEHOUSE_OIDC_DEVICE_POLL_INTERVAL"},
		{name: "negative body limit", vars: env{"GATEHOUSE_MAX_BODY_BYTES": "-1"}, variable: "GATEHOUSE_MAX_BODY_BYTES"},
		{name: "metrics address without port", vars: env{"GATEHOUSE_METRICS_LISTEN": "127.0.0.1"}, variable: "GATEHOUSE_METRICS_LISTEN"},
		{name: "metrics address with a named port", vars: env{"GATEHOUSE_METRICS_LISTEN": "127.0.0.1:metrics"}, variable: "GATEHOUSE_METRICS_LISTEN"},
		{name: "metrics address that is a URL", vars: env{"GATEHOUSE_METRICS_LISTEN": "http://127.0.0.1:9300"}, variable: "GATEHOUSE_METRICS_LISTEN"},
		{name: "short metrics token", vars: env{"GATEHOUSE_METRICS_TOKEN": strings.Repeat("m", config.MinMetricsTokenLength-1)}, variable: "GATEHOUSE_METRICS_TOKEN"},
		{name: "SMTP URL of another scheme", vars: env{"GATEHOUSE_SMTP_URL": "smtps://mail:465", "GATEHOUSE_SMTP_FROM": "a@example.com"}, variable: "GATEHOUSE_SMTP_URL"},
		{name: "SMTP URL with an unknown TLS mode", vars: env{"GATEHOUSE_SMTP_URL": "smtp://mail?tls=ssl", "GATEHOUSE_SMTP_FROM": "a@example.com"}, variable: "GATEHOUSE_SMTP_URL"},
		{name: "SMTP URL with an unknown parameter", vars: env{"GATEHOUSE_SMTP_URL": "smtp://mail?auth=plain", "GATEHOUSE_SMTP_FROM": "a@example.com"}, variable: "GATEHOUSE_SMTP_URL"},
		{name: "SMTP URL with a bad port", vars: env{"GATEHOUSE_SMTP_URL": "smtp://mail:0", "GATEHOUSE_SMTP_FROM": "a@example.com"}, variable: "GATEHOUSE_SMTP_URL"},
		{name: "SMTP URL with a path", vars: env{"GATEHOUSE_SMTP_URL": "smtp://mail/relay", "GATEHOUSE_SMTP_FROM": "a@example.com"}, variable: "GATEHOUSE_SMTP_URL"},
		{name: "SMTP URL without a sender", vars: env{"GATEHOUSE_SMTP_URL": "smtp://mail:25"}, variable: "GATEHOUSE_SMTP_FROM"},
		{name: "SMTP sender that is no address", vars: env{"GATEHOUSE_SMTP_URL": "smtp://mail:25", "GATEHOUSE_SMTP_FROM": "login at example"}, variable: "GATEHOUSE_SMTP_FROM"},
		{name: "SMTP sender without a server", vars: env{"GATEHOUSE_SMTP_FROM": "a@example.com"}, variable: "GATEHOUSE_SMTP_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(tc.vars.getenv)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.variable)
		})
	}
}

func TestLoadNamesTheBadAllowedOrigin(t *testing.T) {
	t.Parallel()
	_, err := config.Load(env{"GATEHOUSE_ALLOWED_ORIGINS": "https://ok.example.com,app.example.com"}.getenv)
	require.ErrorContains(t, err, `"app.example.com"`)
	require.NotContains(t, err.Error(), `"https://ok.example.com"`, "only bad entries are reported")
}

func TestLoadReportsEveryError(t *testing.T) {
	t.Parallel()
	_, err := config.Load(env{
		"GATEHOUSE_DATABASE_URL":   "mysql://db",
		"GATEHOUSE_REDIS_URL":      "cache:6379",
		"GATEHOUSE_SECRET_KEY":     "short",
		"GATEHOUSE_PUBLIC_URL":     "https://example.com/login",
		"GATEHOUSE_LOG_LEVEL":      "loud",
		"GATEHOUSE_LOG_FORMAT":     "xml",
		"GATEHOUSE_MAX_BODY_BYTES": "10",
	}.getenv)
	require.Error(t, err)
	for _, v := range []string{
		"GATEHOUSE_DATABASE_URL", "GATEHOUSE_REDIS_URL", "GATEHOUSE_SECRET_KEY", "GATEHOUSE_PUBLIC_URL",
		"GATEHOUSE_LOG_LEVEL", "GATEHOUSE_LOG_FORMAT", "GATEHOUSE_MAX_BODY_BYTES",
	} {
		require.Contains(t, err.Error(), v)
	}
}

func TestLoadTrustedProxies(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env{"GATEHOUSE_TRUSTED_PROXIES": "10.0.0.0/8,192.168.1.0/24,fd00::/8,203.0.113.7/32"}.getenv)
	require.NoError(t, err)
	require.Equal(t, []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("192.168.1.0/24"),
		netip.MustParsePrefix("fd00::/8"),
		netip.MustParsePrefix("203.0.113.7/32"),
	}, cfg.TrustedProxies)

	for _, bad := range []string{"10.0.0.0/33", "10.0.0.1", "proxy.internal/8", "10.0.0.0/8,nonsense"} {
		t.Run(bad, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(env{"GATEHOUSE_TRUSTED_PROXIES": bad}.getenv)
			require.Error(t, err)
		})
	}
}

// TestLoadUnparsableValuesNameTheVariable holds values that do not parse
// to the standard of the validation errors: the operator sets variables,
// so the message must say which one is wrong.
func TestLoadUnparsableValuesNameTheVariable(t *testing.T) {
	t.Parallel()
	for variable, value := range map[string]string{
		"GATEHOUSE_TRUSTED_PROXIES":  "10.0.0.1",
		"GATEHOUSE_SHUTDOWN_TIMEOUT": "30",
		"GATEHOUSE_MAX_BODY_BYTES":   "1MiB",
		"GATEHOUSE_WORKER":           "maybe",
		"GATEHOUSE_DEV":              "yes",
	} {
		t.Run(variable, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(env{variable: value}.getenv)
			require.Error(t, err)
			require.Contains(t, err.Error(), variable)
		})
	}
}

func TestLoadAllowedOrigins(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env{"GATEHOUSE_ALLOWED_ORIGINS": "https://a.example.com,https://b.example.com:8443,http://localhost:5173"}.getenv)
	require.NoError(t, err)
	require.Equal(t, []string{"https://a.example.com", "https://b.example.com:8443", "http://localhost:5173"}, cfg.AllowedOrigins)
}

// TestLoadedOriginsSuitCrossOriginGuard checks Load against its consumer:
// server.go hands PublicOrigin and AllowedOrigins to authn.CrossOriginGuard,
// so any value Load accepts must be one the guard accepts too, or the
// server refuses to start on a configuration that validated.
func TestLoadedOriginsSuitCrossOriginGuard(t *testing.T) {
	t.Parallel()
	for name, vars := range map[string]env{
		"plain origins":                        {"GATEHOUSE_PUBLIC_URL": "https://login.example.com", "GATEHOUSE_ALLOWED_ORIGINS": "https://app.example.com"},
		"public URL with a trailing slash":     {"GATEHOUSE_PUBLIC_URL": "https://login.example.com/"},
		"allowed origin with a trailing slash": {"GATEHOUSE_ALLOWED_ORIGINS": "https://app.example.com/"},
		"allowed origin with a query":          {"GATEHOUSE_ALLOWED_ORIGINS": "https://app.example.com?x=1"},
		"allowed origin with a fragment":       {"GATEHOUSE_ALLOWED_ORIGINS": "https://app.example.com#top"},
		"public URL with a query":              {"GATEHOUSE_PUBLIC_URL": "https://login.example.com?x=1"},
		"public URL with a fragment":           {"GATEHOUSE_PUBLIC_URL": "https://login.example.com#top"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(vars.getenv)
			if err != nil {
				return // refused up front: fine
			}
			_, err = authn.CrossOriginGuard(append([]string{cfg.PublicOrigin("127.0.0.1:9000")}, cfg.AllowedOrigins...))
			require.NoError(t, err, "config.Load accepted %v, but the server could not start with it", map[string]string(vars))
		})
	}
}

// TestMetricsOnMainListener: the main listener serves /metrics in dev mode
// or behind a token, never when a separate listener serves it, and not in
// production with neither set.
func TestMetricsOnMainListener(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("m", config.MinMetricsTokenLength)
	for _, tc := range []struct {
		name string
		vars env
		want bool
	}{
		{"production default", env{}, false},
		{"dev mode", env{"GATEHOUSE_DEV": "true"}, true},
		{"token", env{"GATEHOUSE_METRICS_TOKEN": token}, true},
		{"separate listener", env{"GATEHOUSE_METRICS_LISTEN": "127.0.0.1:9300"}, false},
		{"separate listener in dev mode", env{"GATEHOUSE_METRICS_LISTEN": "127.0.0.1:9300", "GATEHOUSE_DEV": "true"}, false},
		{"separate listener with a token", env{"GATEHOUSE_METRICS_LISTEN": "127.0.0.1:9300", "GATEHOUSE_METRICS_TOKEN": token}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tc.vars.getenv)
			require.NoError(t, err)
			require.Equal(t, tc.want, cfg.MetricsOnMainListener())
		})
	}
}

func TestPublicOrigin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		publicURL, listen, want string
	}{
		{publicURL: "", listen: "127.0.0.1:9000", want: "http://127.0.0.1:9000"},
		{publicURL: "", listen: "[::1]:8080", want: "http://[::1]:8080"},
		{publicURL: "https://login.example.com", listen: "127.0.0.1:9000", want: "https://login.example.com"},
		{publicURL: "https://login.example.com/", listen: "127.0.0.1:9000", want: "https://login.example.com"},
		{publicURL: "http://localhost:9000/", listen: "0.0.0.0:9000", want: "http://localhost:9000"},
	} {
		t.Run(tc.publicURL+"|"+tc.listen, func(t *testing.T) {
			t.Parallel()
			cfg := &config.Config{PublicURL: tc.publicURL}
			require.Equal(t, tc.want, cfg.PublicOrigin(tc.listen))
		})
	}
}

func TestResolveSecretKeyConfigured(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	cfg := &config.Config{DataDir: dir, SecretKey: key32}
	key, created, err := cfg.ResolveSecretKey()
	require.NoError(t, err)
	require.Equal(t, key32, key)
	require.False(t, created)
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, os.ErrNotExist, "a configured key writes nothing")
}

func TestResolveSecretKeyGenerated(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	cfg := &config.Config{DataDir: dir}
	key, created, err := cfg.ResolveSecretKey()
	require.NoError(t, err)
	require.True(t, created)
	require.Len(t, key, 64)
	_, err = hex.DecodeString(key)
	require.NoError(t, err, "the key is hex")

	path := filepath.Join(dir, "secret.key")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), di.Mode().Perm(), "the data directory is private")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, key, strings.TrimSpace(string(b)))

	again, created, err := (&config.Config{DataDir: dir}).ResolveSecretKey()
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, key, again)

	other, _, err := (&config.Config{DataDir: filepath.Join(t.TempDir(), "data")}).ResolveSecretKey()
	require.NoError(t, err)
	require.NotEqual(t, key, other, "every installation gets its own random key")
}

func TestResolveSecretKeyReadsExistingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	want := strings.Repeat("ab", 20)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secret.key"), []byte("  "+want+"\n\n"), 0o600))
	key, created, err := (&config.Config{DataDir: dir}).ResolveSecretKey()
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, want, key, "surrounding whitespace is not part of the key")
}

func TestResolveSecretKeyRefusesShortFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "secret.key")
	require.NoError(t, os.WriteFile(path, []byte("short\n"), 0o600))
	_, _, err := (&config.Config{DataDir: dir}).ResolveSecretKey()
	require.ErrorContains(t, err, path)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "short\n", string(b), "an operator's file is never overwritten")
}

func TestResolveSecretKeyUnreadableDataDir(t *testing.T) {
	t.Parallel()
	notDir := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(notDir, nil, 0o600))
	_, _, err := (&config.Config{DataDir: notDir}).ResolveSecretKey()
	require.Error(t, err)
}

// TestResolveSecretKeyConcurrent starts several resolutions on one new
// data directory at once, as servers and workers sharing a volume do: they
// must all end with the same key, exactly one of them having created it.
func TestResolveSecretKeyConcurrent(t *testing.T) {
	t.Parallel()
	const rounds, workers = 50, 8
	for round := range rounds {
		dir := filepath.Join(t.TempDir(), "data")
		type result struct {
			key     string
			created bool
			err     error
		}
		results := make(chan result, workers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				<-start
				key, created, err := (&config.Config{DataDir: dir}).ResolveSecretKey()
				results <- result{key, created, err}
			})
		}
		close(start)
		wg.Wait()
		close(results)
		keys, creators := map[string]bool{}, 0
		for r := range results {
			require.NoError(t, r.err, "round %d", round)
			keys[r.key] = true
			if r.created {
				creators++
			}
		}
		require.Len(t, keys, 1, "round %d: everyone uses one key", round)
		require.Equal(t, 1, creators, "round %d", round)
	}
}

func TestLogger(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		vars env
		json bool
	}{
		{name: "default is JSON", vars: env{}, json: true},
		{name: "dev is text", vars: env{"GATEHOUSE_DEV": "true"}, json: false},
		{name: "explicit text", vars: env{"GATEHOUSE_LOG_FORMAT": "text"}, json: false},
		{name: "explicit JSON wins over dev", vars: env{"GATEHOUSE_DEV": "true", "GATEHOUSE_LOG_FORMAT": "json"}, json: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tc.vars.getenv)
			require.NoError(t, err)
			f, err := os.CreateTemp(t.TempDir(), "log")
			require.NoError(t, err)
			defer f.Close()
			cfg.Logger(f).Info("hello", "user", "alice")
			b, err := os.ReadFile(f.Name())
			require.NoError(t, err)
			line := strings.TrimSpace(string(b))
			require.NotContains(t, line, "\n", "one record, one line")
			var rec map[string]any
			if tc.json {
				require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
				require.Equal(t, "hello", rec["msg"])
				require.Equal(t, "INFO", rec["level"])
				require.Equal(t, "alice", rec["user"])
				return
			}
			require.Error(t, json.Unmarshal([]byte(line), &rec), "text, not JSON: %s", line)
			require.True(t, strings.HasPrefix(line, "time="), line)
			require.Contains(t, line, "level=INFO")
			require.Contains(t, line, "msg=hello")
			require.Contains(t, line, "user=alice")
		})
	}
}

func TestLoggerLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level   string
		debug   bool
		info    bool
		warning bool
	}{
		{level: "debug", debug: true, info: true, warning: true},
		{level: "info", info: true, warning: true},
		{level: "warn", warning: true},
		{level: "error"},
	} {
		t.Run(tc.level, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(env{"GATEHOUSE_LOG_LEVEL": tc.level}.getenv)
			require.NoError(t, err)
			f, err := os.CreateTemp(t.TempDir(), "log")
			require.NoError(t, err)
			defer f.Close()
			logger := cfg.Logger(f)
			logger.Debug("debug-line")
			logger.Info("info-line")
			logger.Warn("warn-line")
			logger.Error("error-line")
			b, err := os.ReadFile(f.Name())
			require.NoError(t, err)
			out := string(b)
			require.Equal(t, tc.debug, strings.Contains(out, "debug-line"), out)
			require.Equal(t, tc.info, strings.Contains(out, "info-line"), out)
			require.Equal(t, tc.warning, strings.Contains(out, "warn-line"), out)
			require.Contains(t, out, "error-line")
		})
	}
}
