package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tekotori/tekotori/internal/web"
)

var ssoName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,30}$`)

// ssoProviders reads the OpenID Connect providers: names is the --sso list
// ("entra,google"), and each provider's issuer, client id, client secret
// and button label come from TEKOTORI_SSO_<NAME>_ISSUER, _CLIENT_ID,
// _CLIENT_SECRET and _LABEL (the name upper-cased, '-' as '_'), so that
// secrets stay out of the process list.
func ssoProviders(names string, getenv func(string) string) ([]web.SSOProvider, error) {
	var out []web.SSOProvider
	for _, name := range strings.Split(names, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !ssoName.MatchString(name) {
			return nil, fmt.Errorf("sso provider %q: use lower-case letters, digits and '-'", name)
		}
		prefix := "TEKOTORI_SSO_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_"
		p := web.SSOProvider{Name: name, Label: getenv(prefix + "LABEL"), Issuer: getenv(prefix + "ISSUER"),
			ClientID: getenv(prefix + "CLIENT_ID"), ClientSecret: getenv(prefix + "CLIENT_SECRET")}
		if p.Issuer == "" || p.ClientID == "" {
			return nil, fmt.Errorf("sso provider %q: set %sISSUER and %sCLIENT_ID", name, prefix, prefix)
		}
		out = append(out, p)
	}
	return out, nil
}
