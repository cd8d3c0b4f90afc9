package main

import "testing"

func TestSSOProviders(t *testing.T) {
	env := map[string]string{
		"TEKOTORI_SSO_ENTRA_ISSUER": "https://login.example.org/tenant/v2.0", "TEKOTORI_SSO_ENTRA_CLIENT_ID": "id-1",
		"TEKOTORI_SSO_ENTRA_CLIENT_SECRET": "s1", "TEKOTORI_SSO_ENTRA_LABEL": "Microsoft",
		"TEKOTORI_SSO_OMA_KUNTA_ISSUER": "https://sso.example.org", "TEKOTORI_SSO_OMA_KUNTA_CLIENT_ID": "id-2",
	}
	get := func(k string) string { return env[k] }
	ps, err := ssoProviders("entra, oma-kunta", get)
	if err != nil || len(ps) != 2 || ps[0].Label != "Microsoft" || ps[0].ClientSecret != "s1" || ps[1].Issuer != "https://sso.example.org" {
		t.Fatalf("%+v %v", ps, err)
	}
	if ps, err := ssoProviders("", get); err != nil || ps != nil {
		t.Fatalf("none configured: %+v %v", ps, err)
	}
	if _, err := ssoProviders("google", get); err == nil {
		t.Fatal("a provider without its issuer was accepted")
	}
	if _, err := ssoProviders("Entra", get); err == nil {
		t.Fatal("an upper-case name was accepted")
	}
}
