// Package browsertest drives a real browser for the web frontend's
// end-to-end tests: Debian's chromium (/usr/bin/chromium, never a
// downloaded browser), controlled by Playwright through playwright-go, whose
// driver is the playwright-core package that web/package.json pins (npm ci
// installs it). One browser serves a test binary; each test gets its own
// context, so cookies and storage never leak between tests.
//
// When chromium, Node.js, the driver or the built frontend is missing, the
// tests skip on a developer's machine and fail when CI=true (make test
// installs and builds all of them first).
package browsertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
)

// ChromiumPath is Debian's chromium, the only browser the tests use.
const ChromiumPath = "/usr/bin/chromium"

// chromiumArgs keep chromium off the network (the machine's network is
// closed) and able to run as root in a container. Every host under
// TestDomain resolves to 127.0.0.1 (the port stays the URL's): the names
// of applications behind the outpost in the tests.
var chromiumArgs = []string{
	"--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-default-apps", "--disable-extensions", "--mute-audio",
	"--host-resolver-rules=MAP *." + TestDomain + " 127.0.0.1",
}

// TestDomain is the domain whose hosts the browser finds on 127.0.0.1.
const TestDomain = "gatehouse.test"

// Browser is a running chromium shared by the tests of one test binary.
type Browser struct {
	pw      *playwright.Playwright
	browser playwright.Browser
	driver  string
}

var (
	launchOnce sync.Once
	shared     *Browser
	errLaunch  error // why the browser could not be launched
)

// RepoRoot is the repository's root folder: the nearest folder above the
// test's working directory (its package) that holds go.mod.
func RepoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// Get returns the test binary's browser, launching it on first use. A
// missing prerequisite skips the test, or fails it when CI=true.
func Get(tb testing.TB) *Browser {
	tb.Helper()
	launchOnce.Do(func() { shared, errLaunch = launch() })
	if errLaunch != nil {
		servicetest.Unavailable(tb, "the browser (chromium with Playwright)", errLaunch)
	}
	return shared
}

// Close ends the browser and its driver, if Get launched them; call it
// from TestMain after m.Run.
func Close() {
	if shared == nil {
		return
	}
	_ = shared.browser.Close()
	_ = shared.pw.Stop()
	_ = os.RemoveAll(shared.driver)
	shared = nil
}

func launch() (*Browser, error) {
	root := RepoRoot()
	if _, err := os.Stat(ChromiumPath); err != nil {
		return nil, fmt.Errorf("%s is missing (apt-get install chromium; scripts/services --chromium): %w", ChromiumPath, err)
	}
	if _, err := os.Stat(filepath.Join(root, "web", "dist", "app", "index.html")); err != nil {
		return nil, fmt.Errorf("the web frontend is not built (make web): %w", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not installed: %w", err)
	}
	core := filepath.Join(root, "web", "node_modules", "playwright-core")
	if _, err := os.Stat(filepath.Join(core, "cli.js")); err != nil {
		return nil, fmt.Errorf("playwright-core is not installed (scripts/web deps): %w", err)
	}
	// playwright-go runs <driver>/package/cli.js with the node it is told of.
	driver, err := os.MkdirTemp("", "gatehouse-playwright-")
	if err != nil {
		return nil, err
	}
	if err := os.Symlink(core, filepath.Join(driver, "package")); err != nil {
		return nil, errors.Join(err, os.RemoveAll(driver))
	}
	if err := os.Setenv("PLAYWRIGHT_NODEJS_PATH", node); err != nil {
		return nil, errors.Join(err, os.RemoveAll(driver))
	}
	pw, err := playwright.Run(&playwright.RunOptions{DriverDirectory: driver, SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start the Playwright driver: %w", err), os.RemoveAll(driver))
	}
	browser, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: new(ChromiumPath),
		Args:           chromiumArgs,
		Headless:       new(true),
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("launch chromium: %w", err), pw.Stop(), os.RemoveAll(driver))
	}
	return &Browser{pw: pw, browser: browser, driver: driver}, nil
}

// Page is a tab in a context of its own, which the test's cleanup closes.
type Page struct {
	playwright.Page

	Context playwright.BrowserContext
	tb      testing.TB
}

// Options configure a test's context.
type Options struct {
	// BaseURL resolves relative URLs given to Goto.
	BaseURL string
	// Width and Height set the viewport; zero is 1280×800.
	Width, Height int
	// ExpectedConsoleErrorFunc, when set, reports console errors the
	// test provokes on purpose (a request the browser refuses), which then
	// do not fail it.
	ExpectedConsoleErrorFunc func(text string) bool
}

// NewPage opens a tab in a fresh context (no cookies). Console errors and
// uncaught exceptions of the page fail the test: the frontend must not
// throw.
func (b *Browser) NewPage(tb testing.TB, o Options) *Page {
	tb.Helper()
	w, h := o.Width, o.Height
	if w == 0 {
		w, h = 1280, 800
	}
	ctx, err := b.browser.NewContext(playwright.BrowserNewContextOptions{
		BaseURL:  new(o.BaseURL),
		Viewport: &playwright.Size{Width: w, Height: h},
		Locale:   new("en-GB"),
	})
	if err != nil {
		tb.Fatalf("browser context: %v", err)
	}
	ctx.SetDefaultTimeout(15_000)
	page, err := ctx.NewPage()
	if err != nil {
		tb.Fatalf("browser page: %v", err)
	}
	p := &Page{Page: page, Context: ctx, tb: tb}
	var mu sync.Mutex
	var problems []string
	page.OnPageError(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, "uncaught exception: "+err.Error())
	})
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() != "error" || expectedConsoleError(m.Text()) ||
			(o.ExpectedConsoleErrorFunc != nil && o.ExpectedConsoleErrorFunc(m.Text())) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, "console error: "+m.Text())
	})
	tb.Cleanup(func() {
		_ = ctx.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			tb.Errorf("page: %s", p)
		}
	})
	return p
}

// expectedConsoleError reports console errors that are the browser's own
// account of a response the test provoked on purpose (a 4xx answer).
func expectedConsoleError(text string) bool {
	return strings.Contains(text, "Failed to load resource: the server responded with a status of 4")
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// ArtifactDir is where a test's screenshots go: test-results/browser/<test>
// under the repository, or under $GATEHOUSE_TEST_ARTIFACTS when set.
func ArtifactDir(tb testing.TB) string {
	base := os.Getenv("GATEHOUSE_TEST_ARTIFACTS")
	if base == "" {
		base = filepath.Join(RepoRoot(), "test-results")
	}
	return filepath.Join(base, "browser", unsafeName.ReplaceAllString(tb.Name(), "_"))
}

var (
	shotsMu sync.Mutex
	// shots counts each test's screenshots, numbering them in the order taken.
	shots = map[string]int{}
)

// Screenshot saves the whole page as <ArtifactDir>/<nn>-<name>.png and
// returns the file's path. A test's first screenshot empties its folder of
// an earlier run's.
func (p *Page) Screenshot(name string) string {
	p.tb.Helper()
	dir := ArtifactDir(p.tb)
	shotsMu.Lock()
	n := shots[p.tb.Name()] + 1
	shots[p.tb.Name()] = n
	shotsMu.Unlock()
	if n == 1 {
		if err := os.RemoveAll(dir); err != nil {
			p.tb.Fatalf("screenshot folder: %v", err)
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		p.tb.Fatalf("screenshot folder: %v", err)
	}
	file := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", n, unsafeName.ReplaceAllString(name, "_")))
	if _, err := p.Page.Screenshot(playwright.PageScreenshotOptions{Path: new(file), FullPage: new(true)}); err != nil {
		p.tb.Fatalf("screenshot %s: %v", name, err)
	}
	return file
}
