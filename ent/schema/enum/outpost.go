package enum

import "io"

// ProxyMode is how a proxy provider protects its application.
type ProxyMode string

// Proxy modes.
const (
	// ProxyModeProxy: the outpost is a reverse proxy in front of the
	// internal host.
	ProxyModeProxy ProxyMode = "proxy"
	// ProxyModeForwardSingle: a proxy (nginx, Traefik, Caddy) asks the
	// outpost about each request to one external host.
	ProxyModeForwardSingle ProxyMode = "forward_single"
	// ProxyModeForwardDomain: forward auth for every host under the cookie
	// domain, signing in once at the external host.
	ProxyModeForwardDomain ProxyMode = "forward_domain"
)

// ProxyModes lists every ProxyMode.
var ProxyModes = []ProxyMode{ProxyModeProxy, ProxyModeForwardSingle, ProxyModeForwardDomain}

// Values implements ent's EnumValues.
func (ProxyMode) Values() []string { return Strings(ProxyModes) }

// MarshalGQL implements graphql.Marshaler.
func (v ProxyMode) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *ProxyMode) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, ProxyModes) }

// OutpostType is what an outpost does.
type OutpostType string

// Outpost types.
const (
	// OutpostTypeProxy serves proxy providers.
	OutpostTypeProxy OutpostType = "proxy"
)

// OutpostTypes lists every OutpostType.
var OutpostTypes = []OutpostType{OutpostTypeProxy}

// Values implements ent's EnumValues.
func (OutpostType) Values() []string { return Strings(OutpostTypes) }

// MarshalGQL implements graphql.Marshaler.
func (v OutpostType) MarshalGQL(w io.Writer) { MarshalGQL(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *OutpostType) UnmarshalGQL(x any) error { return UnmarshalGQL(x, v, OutpostTypes) }
