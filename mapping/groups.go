package mapping

import "slices"

// mapGroups turns the groups claim into host group ids (through the
// catalog's IdP identifiers) and permissions (through the permission
// rules). Both results are sorted and free of duplicates.
func (m *Mapper) mapGroups(c *Claims, cat *Catalog, d *Decision) error {
	v, found, err := c.find(m.groups)
	if err != nil {
		return err
	}
	d.GroupsSent = found
	if !found {
		if d.GroupsDistributed = c.distributed(m.groups); d.GroupsDistributed {
			d.Steps = append(d.Steps, Step{Kind: StepGroupsDistributed, Claim: m.groups.text})
			return nil
		}
		d.Steps = append(d.Steps, Step{Kind: StepNoGroups, Claim: m.groups.text})
		return nil
	}
	// One backing array for both lists: a host group and the largest
	// permission rule per IdP group fit without growing.
	n, p := v.len(), v.len()*m.maxPerms
	buf := make([]string, 0, n+p)
	d.Groups, d.Permissions = buf[:0:n], buf[n:n:n+p]
	for i := 0; i < v.len(); i++ {
		m.mapGroup(v.at(i), cat, d)
	}
	d.Groups = sortUnique(d.Groups)
	d.Permissions = sortUnique(d.Permissions)
	return nil
}

// mapGroup maps one IdP group and explains it.
func (m *Mapper) mapGroup(g string, cat *Catalog, d *Decision) {
	var key folded
	key.fold(g)
	var hosts []string
	if cat != nil {
		hosts, _ = lookupFolded(cat.groups, &key)
	}
	for _, h := range hosts {
		d.Groups = append(d.Groups, h)
		d.Steps = append(d.Steps, Step{Kind: StepGroupHost, Input: g, Output: h})
	}
	pe, ok := lookupFolded(m.perms, &key)
	if ok {
		d.Permissions = append(d.Permissions, pe.perms...)
		d.Steps = append(d.Steps, Step{Kind: StepGroupPermissions, Input: g, Output: pe.display})
	}
	if !ok && len(hosts) == 0 {
		d.Steps = append(d.Steps, Step{Kind: StepGroupUnmatched, Input: g})
	}
}

func sortUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// distributed reports whether a JSON document p reads names p's claim in
// "_claim_names" instead of carrying it (OpenID Connect Core 5.6.2
// aggregated and distributed claims). Entra ID does this for users in
// more groups than fit in a token ("groups overage").
func (c *Claims) distributed(p Path) bool {
	if len(p.segs) != 1 {
		return false
	}
	docs := [...]map[string]any{c.IDToken, c.UserInfo}
	switch p.doc {
	case DocIDToken:
		docs = [...]map[string]any{c.IDToken, nil}
	case DocUserInfo:
		docs = [...]map[string]any{c.UserInfo, nil}
	case DocAccessToken:
		docs = [...]map[string]any{c.AccessToken, nil}
	case DocSAML:
		return false
	}
	for _, doc := range docs {
		if names, ok := doc["_claim_names"].(map[string]any); ok && names[p.segs[0]] != nil {
			return true
		}
	}
	return false
}
