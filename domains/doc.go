// Package domains lets a tenant prove that it owns a domain name, so that
// emails under that name can be trusted for that tenant and no other.
//
// It knows nothing of logins: package sso asks [Service.VerifiedFor] before
// it links, creates or routes by email, and [Service.TenantFor] for
// home-realm discovery.
//
// # The threat
//
// An identity provider belongs to the customer who configured it and can
// assert any email it likes. If an application routes logins by email
// domain, or links an incoming login to an existing account by email, one
// tenant's identity provider can take over another tenant's users: tenant
// B's IdP asserts ceo@a.example and lands in tenant A's account (the
// "nOAuth" class of 2023). An email is only worth trusting for a tenant
// that has proven control of its domain, by a DNS record only the domain's
// owner can publish, or by an operator's audited decision. Names that
// anyone can sign up under (gmail.com, outlook.com, ...) and public
// suffixes (com, co.uk) can never be owned and are refused by [Normalize].
// Config.ConsumerDomains adds names to [DefaultConsumerDomains]; removing
// one takes Config.InsecureAllowConsumerDomains.
//
// # States
//
// A claimed domain is [Pending] and carries a random token (160 bits).
// When the TXT record holding the token is found it becomes [Verified];
// only verified domains carry trust. A pending domain not verified within
// Config.PendingExpiry (30 days by default) becomes [Failed] in
// [Service.Expire]; claiming it again starts over with a new token.
// [Service.Recheck] looks at DNS-verified domains again on a schedule;
// after Config.RecheckMisses consecutive misses spanning Config.RecheckGrace
// the domain returns to pending and the trust is withdrawn. A timeout or
// SERVFAIL never changes a state: it is a [*TemporaryError]. At most one
// tenant holds a name verified; another tenant gets a [*ConflictError],
// and only an operator can [Service.Transfer] the name. Whether the trust
// covers subdomains is a per-domain flag, off by default
// ([Service.SetIncludeSubdomains]).
//
// # The TXT record to publish
//
// For example.com with the default Config.RecordLabel, publish:
//
//	_ssokit-verification.example.com.  3600  IN  TXT  "<token>"
//
// [Service.RecordName] gives the name and [Domain].Token the value; then
// call [Service.Verify] ("Verify now"). Other TXT records at the same name
// do no harm (any one may match); a value split into several strings is
// joined before comparison (as [net.Resolver.LookupTXT] does; a custom
// [Resolver] must do the same); a CNAME to a record elsewhere is followed.
// The comparison is exact and constant-time. NXDOMAIN or a wrong value
// leaves the domain pending; a timeout or SERVFAIL changes nothing
// ([ErrTemporary]). Domain.LastResult says, in words, what the last check
// found.
//
// # Manual verification by an operator
//
// When DNS cannot be changed (or must not be waited for), an operator of
// the application, never a tenant, calls [Service.VerifyManually] with an
// [Override] naming the operator and the reason. The domain becomes
// verified with strategy manual, is not re-checked by DNS, and an
// [EventManualOverride] goes to Config.OnEvent for the audit log. To move
// a domain from one tenant to another the operator calls
// [Service.Transfer]; the previous holder's record becomes failed.
//
// # Asking for trust
//
// [Service.VerifiedFor] answers whether an email (or domain) is verified for
// a tenant, honouring IncludeSubdomains; a consumer or public-suffix domain
// is simply false. [Service.TenantFor] names the tenant holding a domain
// verified, for home-realm discovery. Only a true answer may be used to
// link, create or route by email; an error means "not verified".
// Background work runs in [Service.Run] (start it in a goroutine; it
// calls [Service.Expire] and [Service.Recheck] every interval until its
// context ends), or the host calls those two on its own schedule.
//
// # Several instances
//
// Without Config.Lease the service assumes one instance: several
// instances sharing a [DomainStore] would each look every due domain up
// (the store's compare-and-swap on Version still lets only one write
// land). With a [Leaser] (redisstore.Store across instances,
// [MemoryLeaser] within one process) each domain is handled under a
// per-domain lease, LeaseKeyRecheck or LeaseKeyExpire followed by the
// name, lasting Config.LeaseTTL (twice LookupTimeout by default), so a
// round of Recheck on all instances looks each due domain up once. A
// domain another instance holds counts as RecheckReport.Skipped; a Leaser
// that fails skips the domain, which keeps its state, and its
// [*LeaseError] ([ErrLease]) is returned. The lease needs no fencing
// token, because every write is already a compare-and-swap.
package domains
