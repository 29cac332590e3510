package lambda

import (
	"context"
	"regexp"
	"sort"

	"github.com/google/uuid"
)

var aliasNameRE = regexp.MustCompile(`^(?:[a-zA-Z0-9-_]+)$`)
var versionRE = regexp.MustCompile(`^[0-9]+$`)

// AliasInput is the body of CreateAlias and UpdateAlias.
type AliasInput struct {
	Name            string              `json:"Name"`
	FunctionVersion *string             `json:"FunctionVersion"`
	Description     *string             `json:"Description"`
	RoutingConfig   *AliasRoutingConfig `json:"RoutingConfig"`
	RevisionID      string              `json:"RevisionId"`
}

func (d *functionDoc) checkAliasTargets(sc Scope, name string, version string, rc *AliasRoutingConfig) error {
	if version != "$LATEST" && d.version(version) == nil {
		return errorf(KindResourceNotFound, "Function not found: %s:%s", FunctionARN(sc, name), version)
	}
	if rc == nil {
		return nil
	}
	if len(rc.AdditionalVersionWeights) > 1 {
		return errorf(KindInvalidParameterValue, "Number of items in AdditionalVersionWeights cannot be greater than 1")
	}
	for v, w := range rc.AdditionalVersionWeights {
		if w < 0 || w > 1 {
			return validationError("routingConfig.additionalVersionWeights", w, "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]")
		}
		if v == version {
			return errorf(KindInvalidParameterValue, "Invalid function version %s. Function version %s is already included in routing configuration.", v, v)
		}
		if !versionRE.MatchString(v) || d.version(v) == nil {
			return errorf(KindInvalidParameterValue, "Alias with weights can not point to $LATEST, or the version %s does not exist.", v)
		}
		if version == "$LATEST" {
			return errorf(KindInvalidParameterValue, "$LATEST is not supported for an alias pointing to more than 1 version")
		}
	}
	return nil
}

// CreateAlias creates an alias for a version.
func (s *Service) CreateAlias(ctx context.Context, sc Scope, ref FunctionRef, in *AliasInput) (*AliasConfiguration, error) {
	sc = ref.in(sc)
	if !aliasNameRE.MatchString(in.Name) || versionRE.MatchString(in.Name) || len(in.Name) > 128 {
		return nil, validationError("name", in.Name, "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)")
	}
	if in.FunctionVersion == nil {
		return nil, validationError("functionVersion", "null", "Member must not be null")
	}
	var out AliasConfiguration
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if doc.Aliases[in.Name] != nil {
			return errorf(KindResourceConflict, "Alias already exists: %s:%s", FunctionARN(sc, ref.Name), in.Name)
		}
		if err := doc.checkAliasTargets(sc, ref.Name, *in.FunctionVersion, in.RoutingConfig); err != nil {
			return err
		}
		a := &AliasConfiguration{AliasArn: FunctionARN(sc, ref.Name) + ":" + in.Name, Name: in.Name,
			FunctionVersion: *in.FunctionVersion, RoutingConfig: in.RoutingConfig, RevisionID: uuid.NewString()}
		if in.Description != nil {
			a.Description = *in.Description
		}
		if doc.Aliases == nil {
			doc.Aliases = map[string]*AliasConfiguration{}
		}
		doc.Aliases[in.Name] = a
		out = *a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func aliasNotFound(sc Scope, name, alias string) *Error {
	return errorf(KindResourceNotFound, "Cannot find alias arn: %s:%s", FunctionARN(sc, name), alias)
}

// GetAlias returns an alias.
func (s *Service) GetAlias(ctx context.Context, sc Scope, ref FunctionRef, alias string) (*AliasConfiguration, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if err != nil {
		return nil, err
	}
	a := doc.Aliases[alias]
	if a == nil {
		return nil, aliasNotFound(sc, ref.Name, alias)
	}
	c := *a
	return &c, nil
}

// UpdateAlias changes an alias's version, description or routing.
func (s *Service) UpdateAlias(ctx context.Context, sc Scope, ref FunctionRef, in *AliasInput) (*AliasConfiguration, error) {
	sc = ref.in(sc)
	var out AliasConfiguration
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		a := doc.Aliases[in.Name]
		if a == nil {
			return aliasNotFound(sc, ref.Name, in.Name)
		}
		if in.RevisionID != "" && in.RevisionID != a.RevisionID {
			return errorf(KindPreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
		}
		next := *a
		if in.FunctionVersion != nil {
			next.FunctionVersion = *in.FunctionVersion
		}
		if in.Description != nil {
			next.Description = *in.Description
		}
		if in.RoutingConfig != nil {
			next.RoutingConfig = in.RoutingConfig
			if len(in.RoutingConfig.AdditionalVersionWeights) == 0 {
				next.RoutingConfig = nil
			}
		}
		if err := doc.checkAliasTargets(sc, ref.Name, next.FunctionVersion, next.RoutingConfig); err != nil {
			return err
		}
		next.RevisionID = uuid.NewString()
		doc.Aliases[in.Name] = &next
		out = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAlias deletes an alias.
func (s *Service) DeleteAlias(ctx context.Context, sc Scope, ref FunctionRef, alias string) error {
	sc = ref.in(sc)
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if doc.Aliases[alias] == nil {
			return aliasNotFound(sc, ref.Name, alias)
		}
		delete(doc.Aliases, alias)
		delete(doc.EventInvoke, alias)
		return nil
	})
	return err
}

// ListAliases lists a function's aliases by name, optionally those pointing
// at one version.
func (s *Service) ListAliases(ctx context.Context, sc Scope, ref FunctionRef, version, marker string, maxItems int) ([]AliasConfiguration, string, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if err != nil {
		return nil, "", err
	}
	var all []AliasConfiguration
	for _, a := range doc.Aliases {
		if version == "" || a.FunctionVersion == version {
			all = append(all, *a)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return pageSlice(all, marker, maxItems)
}
