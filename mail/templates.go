package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/gatehouse-id/gatehouse/jobs/jobargs"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// subjects are the subject lines, per template; %s is the brand's title.
var subjects = map[string]string{
	jobargs.TemplateVerification: "Confirm your email address for %s",
	jobargs.TemplateRecovery:     "Recover your %s account",
	jobargs.TemplateEmailOTP:     "Your %s sign-in code",
	jobargs.TemplateInvitation:   "You are invited to %s",
	jobargs.TemplateNotification: "%s notification",
}

// Data keys the templates read.
const (
	// DataLink is the link a mail asks the person to open.
	DataLink = "link"
	// DataCode is a one-time code.
	DataCode = "code"
	// DataUsername is the recipient's username, for the greeting.
	DataUsername = "username"
)

// required are the data keys each template needs.
var required = map[string][]string{
	jobargs.TemplateVerification: {DataLink},
	jobargs.TemplateRecovery:     {DataLink},
	jobargs.TemplateEmailOTP:     {DataCode},
	jobargs.TemplateInvitation:   {DataLink},
	jobargs.TemplateNotification: {"rule", "summary"},
}

var (
	textTemplates = texttemplate.Must(texttemplate.New("").Option("missingkey=zero").ParseFS(templateFiles, "templates/*.txt.tmpl"))
	htmlTemplates = htmltemplate.Must(htmltemplate.New("").Option("missingkey=zero").ParseFS(templateFiles, "templates/*.html.tmpl"))
)

// Templates returns the names of every template.
func Templates() []string {
	out := make([]string, 0, len(subjects))
	for name := range subjects {
		out = append(out, name)
	}
	return out
}

// view is what a template sees.
type view struct {
	// Brand is the brand's title.
	Brand string
	// Data holds the template's values (link, code, username).
	Data map[string]string
}

// Render renders the template name (a jobargs.Template* constant) for the
// brand's title with data; To and MessageID are left to the caller. The
// HTML part escapes every value.
func Render(name, brand string, data map[string]string) (Message, error) {
	subject, ok := subjects[name]
	if !ok {
		return Message{}, fmt.Errorf("mail: unknown template %q", name)
	}
	for _, k := range required[name] {
		if strings.TrimSpace(data[k]) == "" {
			return Message{}, fmt.Errorf("mail: template %q needs %q", name, k)
		}
	}
	if strings.TrimSpace(brand) == "" {
		brand = "Gatehouse"
	}
	v := view{Brand: brand, Data: data}
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, name+".txt.tmpl", v); err != nil {
		return Message{}, fmt.Errorf("mail: render %s text: %w", name, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&html, name+".html.tmpl", v); err != nil {
		return Message{}, fmt.Errorf("mail: render %s html: %w", name, err)
	}
	return Message{Subject: fmt.Sprintf(subject, brand), Text: text.String(), HTML: html.String()}, nil
}
