package lambda

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// Lambda layers: zip archives published as numbered, immutable versions and
// extracted, in the order a function lists them, into the read-only /opt of
// its environments (a later layer's files replace an earlier one's). The
// runtimes look there as Lambda's do: /opt/nodejs/node_modules on NODE_PATH,
// /opt/python on sys.path, /opt/bin on PATH, /opt/lib on LD_LIBRARY_PATH, and
// /opt/bootstrap for provided runtimes whose package has no bootstrap.

// Layer limits, as Lambda's quotas state them.
const (
	MaxLayersPerFunction = 5
	maxLayerNameLen      = 140
)

// Patterns of the layer parameters, as the Lambda API documents them.
const (
	LayerNamePattern       = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`
	LayerVersionArnPattern = `arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`
	functionLayersPattern  = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`
	// byArnPattern is the pattern GetLayerVersionByArn's error quotes.
	byArnPattern = `arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`
)

var (
	layerNameRE    = regexp.MustCompile(`^(?:` + LayerNamePattern + `)$`)
	layerArnRE     = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)(?::([0-9]+))?$`)
	layerPrincipal = regexp.MustCompile(`^(?:\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$`)
	organizationRE = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	layerSidRE     = regexp.MustCompile(`^([a-zA-Z0-9-_]+)$`)
)

// LayerARN is the ARN of a layer (without a version).
func LayerARN(sc Scope, name string) string {
	return "arn:aws:lambda:" + sc.Region + ":" + sc.Account + ":layer:" + name
}

// layerRef is a parsed LayerName parameter (a name or a layer ARN) in the
// scope it names.
type layerRef struct {
	sc   Scope
	name string
}

func (r layerRef) arn() string               { return LayerARN(r.sc, r.name) }
func (r layerRef) versionARN(v int64) string { return r.arn() + ":" + strconv.FormatInt(v, 10) }
func (r layerRef) get(v int64) *store.LayerVersionGetParams {
	return &store.LayerVersionGetParams{Account: r.sc.Account, Region: r.sc.Region, Name: r.name, Version: v}
}

// parseLayerName parses a LayerName parameter.
func parseLayerName(sc Scope, s string) (layerRef, error) {
	switch {
	case s == "":
		return layerRef{}, validationError("layerName", "null", "Member must not be null")
	case len(s) > maxLayerNameLen:
		return layerRef{}, validationError("layerName", s, "Member must have length less than or equal to 140")
	case !layerNameRE.MatchString(s):
		return layerRef{}, validationError("layerName", s, "Member must satisfy regular expression pattern: "+LayerNamePattern)
	}
	if m := layerArnRE.FindStringSubmatch(s); m != nil && m[4] == "" {
		return layerRef{sc: Scope{Region: m[1], Account: m[2]}, name: m[3]}, nil
	}
	return layerRef{sc: sc, name: s}, nil
}

// LayerVersionContentInput is the Content parameter of PublishLayerVersion.
type LayerVersionContentInput struct {
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
}

// PublishLayerVersionInput is PublishLayerVersion's request body.
type PublishLayerVersionInput struct {
	Description             *string                   `json:"Description"`
	Content                 *LayerVersionContentInput `json:"Content"`
	CompatibleRuntimes      []string                  `json:"CompatibleRuntimes"`
	LicenseInfo             *string                   `json:"LicenseInfo"`
	CompatibleArchitectures []string                  `json:"CompatibleArchitectures"`
}

// LayerVersionContentOutput describes a layer version's archive. Location is
// filled in by the API layer (it knows the host the client called).
type LayerVersionContentOutput struct {
	Location   string `json:"Location"`
	CodeSha256 string `json:"CodeSha256"`
	CodeSize   int64  `json:"CodeSize"`
}

// LayerVersion is one layer version as PublishLayerVersion, GetLayerVersion
// and GetLayerVersionByArn return it.
type LayerVersion struct {
	Content                 *LayerVersionContentOutput `json:"Content"`
	LayerArn                string                     `json:"LayerArn"`
	LayerVersionArn         string                     `json:"LayerVersionArn"`
	Description             string                     `json:"Description,omitempty"`
	CreatedDate             string                     `json:"CreatedDate"`
	Version                 int64                      `json:"Version"`
	CompatibleRuntimes      []string                   `json:"CompatibleRuntimes,omitempty"`
	LicenseInfo             string                     `json:"LicenseInfo,omitempty"`
	CompatibleArchitectures []string                   `json:"CompatibleArchitectures,omitempty"`

	// CodeHex is the archive's hex SHA-256, for Content.Location.
	CodeHex string `json:"-"`
}

// LayerVersionsListItem is a layer version in ListLayerVersions and
// ListLayers.
type LayerVersionsListItem struct {
	LayerVersionArn         string   `json:"LayerVersionArn"`
	Version                 int64    `json:"Version"`
	Description             string   `json:"Description,omitempty"`
	CreatedDate             string   `json:"CreatedDate"`
	CompatibleRuntimes      []string `json:"CompatibleRuntimes,omitempty"`
	LicenseInfo             string   `json:"LicenseInfo,omitempty"`
	CompatibleArchitectures []string `json:"CompatibleArchitectures,omitempty"`
}

// LayersListItem is a layer in ListLayers, with its newest version that
// matches the request's filters.
type LayersListItem struct {
	LayerName             string                `json:"LayerName"`
	LayerArn              string                `json:"LayerArn"`
	LatestMatchingVersion LayerVersionsListItem `json:"LatestMatchingVersion"`
}

// layerDoc is the Spec the store keeps for a layer version.
type layerDoc struct {
	Description  string            `json:"description,omitempty"`
	LicenseInfo  string            `json:"licenseInfo,omitempty"`
	CreatedDate  string            `json:"createdDate"`
	CodeSha256   string            `json:"codeSha256"`
	CodeHex      string            `json:"codeHex"`
	CodeSize     int64             `json:"codeSize"`
	UnzippedSize int64             `json:"unzippedSize"`
	Policy       []PolicyStatement `json:"policy,omitempty"`
	PolicyRev    string            `json:"policyRev,omitempty"`
}

// layerCode is what a function keeps of each layer version it uses, so that
// it keeps working after the version is deleted (as on Lambda).
type layerCode struct {
	Hex      string `json:"hex"`
	Unzipped int64  `json:"unzipped"`
}

func decodeLayer(row *store.LayerVersionRow) (*layerDoc, error) {
	var d layerDoc
	if err := json.Unmarshal(row.Spec, &d); err != nil {
		return nil, fmt.Errorf("layer version %s: corrupt spec: %w", row.ARN, err)
	}
	return &d, nil
}

func layerVersionOut(row *store.LayerVersionRow, d *layerDoc) *LayerVersion {
	return &LayerVersion{
		Content:            &LayerVersionContentOutput{CodeSha256: d.CodeSha256, CodeSize: d.CodeSize},
		LayerArn:           row.LayerARN,
		LayerVersionArn:    row.ARN,
		Description:        d.Description,
		CreatedDate:        d.CreatedDate,
		Version:            row.Version,
		CompatibleRuntimes: emptyNil(row.CompatibleRuntimes), LicenseInfo: d.LicenseInfo,
		CompatibleArchitectures: emptyNil(row.CompatibleArchitectures),
		CodeHex:                 d.CodeHex,
	}
}

func layerListItem(row *store.LayerVersionRow, d *layerDoc) LayerVersionsListItem {
	return LayerVersionsListItem{LayerVersionArn: row.ARN, Version: row.Version, Description: d.Description,
		CreatedDate: d.CreatedDate, CompatibleRuntimes: emptyNil(row.CompatibleRuntimes), LicenseInfo: d.LicenseInfo,
		CompatibleArchitectures: emptyNil(row.CompatibleArchitectures)}
}

func emptyNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func listString(s []string) string { return "[" + strings.Join(s, ", ") + "]" }

// checkCompatibility validates CompatibleRuntimes and CompatibleArchitectures,
// reporting every failure in one ValidationException as Lambda does.
func checkCompatibility(runtimes, archs []string) error {
	var msgs []string
	if len(runtimes) > 15 {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15", listString(runtimes)))
	} else {
		for _, rt := range runtimes {
			if !slices.Contains(knownRuntimes, rt) {
				msgs = append(msgs, fmt.Sprintf("Value '%s' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: %s", listString(runtimes), listString(knownRuntimes)))
				break
			}
		}
	}
	if len(archs) > 2 {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'compatibleArchitectures' failed to satisfy constraint: Member must have length less than or equal to 2", listString(archs)))
	} else {
		for _, a := range archs {
			if a != "x86_64" && a != "arm64" {
				msgs = append(msgs, fmt.Sprintf("Value '%s' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]", listString(archs)))
				break
			}
		}
	}
	return validationErrors(msgs)
}

// validationErrors words one or more constraint failures as Lambda does.
func validationErrors(msgs []string) error {
	switch len(msgs) {
	case 0:
		return nil
	case 1:
		return errorf(KindValidation, "1 validation error detected: %s", msgs[0])
	default:
		return errorf(KindValidation, "%d validation errors detected: %s", len(msgs), strings.Join(msgs, "; "))
	}
}

// LayerFilter is the CompatibleRuntime and CompatibleArchitecture filter of
// ListLayers and ListLayerVersions.
type LayerFilter struct {
	CompatibleRuntime      string
	CompatibleArchitecture string
}

func (f LayerFilter) check() error {
	var msgs []string
	if f.CompatibleRuntime != "" && !slices.Contains(knownRuntimes, f.CompatibleRuntime) {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'compatibleRuntime' failed to satisfy constraint: Member must satisfy enum value set: %s", f.CompatibleRuntime, listString(knownRuntimes)))
	}
	if a := f.CompatibleArchitecture; a != "" && a != "x86_64" && a != "arm64" {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'compatibleArchitecture' failed to satisfy constraint: Member must satisfy enum value set: [x86_64, arm64]", a))
	}
	return validationErrors(msgs)
}

// PublishLayerVersion stores a layer archive as the layer's next version
// (creating the layer on first use).
func (s *Service) PublishLayerVersion(ctx context.Context, sc Scope, layerName string, in *PublishLayerVersionInput) (*LayerVersion, error) {
	ref, err := parseLayerName(sc, layerName)
	if err != nil {
		return nil, err
	}
	var msgs []string
	if in.Content == nil {
		msgs = append(msgs, "Value null at 'content' failed to satisfy constraint: Member must not be null")
	}
	if in.Description != nil && len([]rune(*in.Description)) > 256 {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256", *in.Description))
	}
	if in.LicenseInfo != nil && len([]rune(*in.LicenseInfo)) > 512 {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'licenseInfo' failed to satisfy constraint: Member must have length less than or equal to 512", *in.LicenseInfo))
	}
	if err := validationErrors(msgs); err != nil {
		return nil, err
	}
	if err := checkCompatibility(in.CompatibleRuntimes, in.CompatibleArchitectures); err != nil {
		return nil, err
	}
	c := in.Content
	switch {
	case c.S3Bucket != "" || c.S3Key != "":
		return nil, errorf(KindInvalidParameterValue, "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist (gureum has no S3 buckets: publish the layer with Content.ZipFile)")
	case len(c.ZipFile) == 0:
		return nil, errorf(KindInvalidParameterValue, "Missing Content")
	}
	info, err := s.code.put(c.ZipFile)
	if err != nil {
		return nil, err
	}
	d := layerDoc{CreatedDate: s.stamp(), CodeSha256: info.Sha256, CodeHex: info.Hex, CodeSize: info.Size, UnzippedSize: info.Unzipped}
	if in.Description != nil {
		d.Description = *in.Description
	}
	if in.LicenseInfo != nil {
		d.LicenseInfo = *in.LicenseInfo
	}
	spec, err := json.Marshal(&d)
	if err != nil {
		return nil, err
	}
	row, err := s.store.LayerVersionCreate(ctx, &store.LayerVersionCreateParams{Account: ref.sc.Account, Region: ref.sc.Region,
		Name: ref.name, LayerARN: ref.arn(), Spec: spec, CodeSHA256: info.Sha256,
		CompatibleRuntimes: in.CompatibleRuntimes, CompatibleArchitectures: in.CompatibleArchitectures})
	if err != nil {
		return nil, fmt.Errorf("publish layer %s: %w", ref.name, err)
	}
	return layerVersionOut(row, &d), nil
}

func checkLayerVersionNumber(v int64) error {
	if v < 1 {
		return errorf(KindInvalidParameterValue, "Layer Version Cannot be less than 1")
	}
	return nil
}

// loadLayerVersion reads a layer version; a missing one is reported with
// notFound.
func (s *Service) loadLayerVersion(ctx context.Context, ref layerRef, v int64, notFound func() error) (*store.LayerVersionRow, *layerDoc, error) {
	row, err := s.store.LayerVersionGet(ctx, ref.get(v))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, notFound()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get layer version %s: %w", ref.versionARN(v), err)
	}
	d, err := decodeLayer(row)
	if err != nil {
		return nil, nil, err
	}
	return row, d, nil
}

func resourceNotFound() error {
	return errorf(KindResourceNotFound, "The resource you requested does not exist.")
}

// GetLayerVersion returns one version of a layer. Another account's layer
// is readable only when its policy allows the caller's account.
func (s *Service) GetLayerVersion(ctx context.Context, sc Scope, layerName string, version int64) (*LayerVersion, error) {
	ref, err := parseLayerName(sc, layerName)
	if err != nil {
		return nil, err
	}
	if err := checkLayerVersionNumber(version); err != nil {
		return nil, err
	}
	row, d, err := s.loadLayerVersion(ctx, ref, version, resourceNotFound)
	if err != nil {
		return nil, err
	}
	if err := checkLayerAccess(sc, row, d); err != nil {
		return nil, err
	}
	return layerVersionOut(row, d), nil
}

// GetLayerVersionByArn returns the layer version an ARN names.
func (s *Service) GetLayerVersionByArn(ctx context.Context, sc Scope, versionArn string) (*LayerVersion, error) {
	m := layerArnRE.FindStringSubmatch(versionArn)
	if m == nil || m[4] == "" || len(versionArn) > maxLayerNameLen {
		return nil, validationError("arn", versionArn, "Member must satisfy regular expression pattern: "+byArnPattern)
	}
	v, err := strconv.ParseInt(m[4], 10, 64)
	if err != nil {
		return nil, validationError("arn", versionArn, "Member must satisfy regular expression pattern: "+byArnPattern)
	}
	return s.GetLayerVersion(ctx, sc, LayerARN(Scope{Region: m[1], Account: m[2]}, m[3]), v)
}

// checkLayerAccess lets the layer's own account through, and other accounts
// when the version's policy grants them lambda:GetLayerVersion.
func checkLayerAccess(sc Scope, row *store.LayerVersionRow, d *layerDoc) error {
	if row.Account == sc.Account {
		return nil
	}
	for _, st := range d.Policy {
		if p, ok := st.Principal.(string); ok && p == "*" {
			return nil
		}
		if m, ok := st.Principal.(map[string]any); ok && m["AWS"] == "arn:aws:iam::"+sc.Account+":root" {
			return nil
		}
	}
	return errorf(KindAccessDenied, "User: arn:aws:iam::%s:root is not authorized to perform: lambda:GetLayerVersion on resource: %s because no resource-based policy allows the lambda:GetLayerVersion action", sc.Account, row.ARN)
}

// ListLayerVersions returns one page of a layer's versions, newest first.
// An unknown layer has none.
func (s *Service) ListLayerVersions(ctx context.Context, sc Scope, layerName string, f LayerFilter, marker string, maxItems int) ([]LayerVersionsListItem, string, error) {
	if err := f.check(); err != nil {
		return nil, "", err
	}
	ref, err := parseLayerName(sc, layerName)
	if err != nil {
		return nil, "", err
	}
	var before int64
	if marker != "" {
		cur, err := pagetoken.Decode(marker)
		if err == nil {
			before, err = strconv.ParseInt(cur, 10, 64)
		}
		if err != nil || before < 1 {
			return nil, "", errorf(KindInvalidParameterValue, "Invalid Marker")
		}
	}
	res, err := s.store.LayerVersionList(ctx, &store.LayerVersionListParams{Account: ref.sc.Account, Region: ref.sc.Region,
		Name: ref.name, LayerFilter: store.LayerFilter(f), Before: before, Limit: maxItems})
	if err != nil {
		return nil, "", fmt.Errorf("list layer versions %s: %w", ref.name, err)
	}
	out := make([]LayerVersionsListItem, 0, len(res.Versions))
	for _, row := range res.Versions {
		d, err := decodeLayer(row)
		if err != nil {
			return nil, "", err
		}
		out = append(out, layerListItem(row, d))
	}
	next := ""
	if res.Next != 0 {
		next = pagetoken.Encode(strconv.FormatInt(res.Next, 10))
	}
	return out, next, nil
}

// ListLayers returns one page of the scope's layers, by name, each with its
// newest version matching the filter.
func (s *Service) ListLayers(ctx context.Context, sc Scope, f LayerFilter, marker string, maxItems int) ([]LayersListItem, string, error) {
	if err := f.check(); err != nil {
		return nil, "", err
	}
	after, err := pagetoken.Decode(marker)
	if err != nil {
		return nil, "", errorf(KindInvalidParameterValue, "Invalid Marker")
	}
	res, err := s.store.LayerList(ctx, &store.LayerListParams{Account: sc.Account, Region: sc.Region,
		LayerFilter: store.LayerFilter(f), After: after, Limit: maxItems})
	if err != nil {
		return nil, "", fmt.Errorf("list layers: %w", err)
	}
	out := make([]LayersListItem, 0, len(res.Latest))
	for _, row := range res.Latest {
		d, err := decodeLayer(row)
		if err != nil {
			return nil, "", err
		}
		out = append(out, LayersListItem{LayerName: row.Name, LayerArn: row.LayerARN, LatestMatchingVersion: layerListItem(row, d)})
	}
	return out, pagetoken.Encode(res.Next), nil
}

// DeleteLayerVersion deletes a layer version. Deleting one that does not
// exist succeeds, as on Lambda; functions that use it keep working.
func (s *Service) DeleteLayerVersion(ctx context.Context, sc Scope, layerName string, version int64) error {
	ref, err := parseLayerName(sc, layerName)
	if err != nil {
		return err
	}
	if err := checkLayerVersionNumber(version); err != nil {
		return err
	}
	_, err = s.store.LayerVersionDelete(ctx, ref.get(version))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("delete layer version %s: %w", ref.versionARN(version), err)
	}
	return nil
}

// AddLayerVersionPermissionInput is AddLayerVersionPermission's request body.
type AddLayerVersionPermissionInput struct {
	StatementID    string `json:"StatementId"`
	Action         string `json:"Action"`
	Principal      string `json:"Principal"`
	OrganizationID string `json:"OrganizationId"`
}

// updateLayerPolicy applies fn to a layer version's document and saves it,
// retrying when another writer got there first.
func (s *Service) updateLayerPolicy(ctx context.Context, ref layerRef, version int64, fn func(row *store.LayerVersionRow, d *layerDoc) error) error {
	notFound := func() error {
		return errorf(KindResourceNotFound, "Layer version %s does not exist.", ref.versionARN(version))
	}
	for attempt := 0; ; attempt++ {
		row, d, err := s.loadLayerVersion(ctx, ref, version, notFound)
		if err != nil {
			return err
		}
		if err := fn(row, d); err != nil {
			return err
		}
		spec, err := json.Marshal(d)
		if err != nil {
			return err
		}
		_, err = s.store.LayerVersionUpdate(ctx, &store.LayerVersionUpdateParams{Account: ref.sc.Account, Region: ref.sc.Region,
			Name: ref.name, Version: version, ExpectedRevision: row.Revision, Spec: spec})
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrConflict) && attempt < 20:
			continue
		case errors.Is(err, store.ErrNotFound):
			return notFound()
		default:
			return fmt.Errorf("update layer version %s: %w", ref.versionARN(version), err)
		}
	}
}

const layerPolicyRevisionMismatch = "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id"

// AddLayerVersionPermission grants an account (or everyone, or an
// organization) use of a layer version, returning the statement as JSON text
// and the policy's new revision id.
func (s *Service) AddLayerVersionPermission(ctx context.Context, sc Scope, layerName string, version int64, revisionID string, in *AddLayerVersionPermissionInput) (string, string, error) {
	ref, err := parseLayerName(sc, layerName)
	if err != nil {
		return "", "", err
	}
	var msgs []string
	if in.StatementID == "" {
		msgs = append(msgs, "Value null at 'statementId' failed to satisfy constraint: Member must not be null")
	} else if len(in.StatementID) > 100 || !layerSidRE.MatchString(in.StatementID) {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)", in.StatementID))
	}
	if in.Action != "lambda:GetLayerVersion" {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion", in.Action))
	}
	if !layerPrincipal.MatchString(in.Principal) {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root", in.Principal))
	}
	if in.OrganizationID != "" && !organizationRE.MatchString(in.OrganizationID) {
		msgs = append(msgs, fmt.Sprintf("Value '%s' at 'organizationId' failed to satisfy constraint: Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}", in.OrganizationID))
	}
	if err := validationErrors(msgs); err != nil {
		return "", "", err
	}
	if err := checkLayerVersionNumber(version); err != nil {
		return "", "", err
	}
	var statement, rev string
	err = s.updateLayerPolicy(ctx, ref, version, func(row *store.LayerVersionRow, d *layerDoc) error {
		if revisionID != "" && revisionID != d.PolicyRev {
			return errorf(KindPreconditionFailed, layerPolicyRevisionMismatch)
		}
		for _, st := range d.Policy {
			if st.Sid == in.StatementID {
				return errorf(KindResourceConflict, "The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", in.StatementID)
			}
		}
		var principal any = "*"
		switch {
		case strings.HasPrefix(in.Principal, "arn:"):
			principal = map[string]any{"AWS": in.Principal}
		case in.Principal != "*":
			principal = map[string]any{"AWS": "arn:aws:iam::" + in.Principal + ":root"}
		}
		st := PolicyStatement{Sid: in.StatementID, Effect: "Allow", Principal: principal, Action: in.Action, Resource: row.ARN}
		if in.OrganizationID != "" {
			st.Condition = map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": in.OrganizationID}}
		}
		d.Policy = append(d.Policy, st)
		if b, _ := json.Marshal(policyDocument(d.Policy)); len(b) > MaxPolicyBytes {
			return errorf(KindPolicyLengthExceeded, "The final policy size (%d) is bigger than the limit (%d).", len(b), MaxPolicyBytes)
		}
		d.PolicyRev = uuid.NewString()
		b, _ := json.Marshal(st)
		statement, rev = string(b), d.PolicyRev
		return nil
	})
	return statement, rev, err
}

// RemoveLayerVersionPermission removes a statement from a layer version's
// policy.
func (s *Service) RemoveLayerVersionPermission(ctx context.Context, sc Scope, layerName string, version int64, sid, revisionID string) error {
	ref, err := parseLayerName(sc, layerName)
	if err != nil {
		return err
	}
	if err := checkLayerVersionNumber(version); err != nil {
		return err
	}
	return s.updateLayerPolicy(ctx, ref, version, func(row *store.LayerVersionRow, d *layerDoc) error {
		if revisionID != "" && revisionID != d.PolicyRev {
			return errorf(KindPreconditionFailed, layerPolicyRevisionMismatch)
		}
		for i, st := range d.Policy {
			if st.Sid == sid {
				d.Policy = append(d.Policy[:i], d.Policy[i+1:]...)
				d.PolicyRev = uuid.NewString()
				return nil
			}
		}
		return errorf(KindResourceNotFound, "Statement %s is not found in resource policy.", sid)
	})
}

// GetLayerVersionPolicy returns a layer version's policy as JSON text and
// its revision id.
func (s *Service) GetLayerVersionPolicy(ctx context.Context, sc Scope, layerName string, version int64) (string, string, error) {
	ref, err := parseLayerName(sc, layerName)
	if err != nil {
		return "", "", err
	}
	if err := checkLayerVersionNumber(version); err != nil {
		return "", "", err
	}
	_, d, err := s.loadLayerVersion(ctx, ref, version, func() error {
		return errorf(KindResourceNotFound, "Layer version %s does not exist.", ref.versionARN(version))
	})
	if err != nil {
		return "", "", err
	}
	if len(d.Policy) == 0 {
		return "", "", errorf(KindResourceNotFound, "No policy is associated with the given resource.")
	}
	b, _ := json.Marshal(policyDocument(d.Policy))
	return string(b), d.PolicyRev, nil
}

// resolveLayers checks a function's Layers parameter and returns the
// configuration's Layers with what the function keeps of each.
func (s *Service) resolveLayers(ctx context.Context, sc Scope, arns []string) ([]Layer, map[string]layerCode, error) {
	if len(arns) > MaxLayersPerFunction {
		return nil, nil, errorf(KindInvalidParameterValue, "Cannot reference more than %d layers.", MaxLayersPerFunction)
	}
	var (
		out   []Layer
		codes = map[string]layerCode{}
		seen  = map[string]string{} // layer ARN -> version ARN
	)
	for _, a := range arns {
		m := layerArnRE.FindStringSubmatch(a)
		if m == nil || m[4] == "" || len(a) > maxLayerNameLen {
			return nil, nil, validationError("layers", listString(arns), "Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: "+functionLayersPattern+", Member must not be null]")
		}
		ref := layerRef{sc: Scope{Region: m[1], Account: m[2]}, name: m[3]}
		if ref.sc.Region != sc.Region {
			return nil, nil, errorf(KindInvalidParameterValue, "Layers are not in the same region as the function. Layers are expected to be in region %s.", sc.Region)
		}
		v, err := strconv.ParseInt(m[4], 10, 64)
		if err != nil || v < 1 {
			return nil, nil, errorf(KindInvalidParameterValue, "Layer version %s does not exist.", a)
		}
		row, d, err := s.loadLayerVersion(ctx, ref, v, func() error {
			return errorf(KindInvalidParameterValue, "Layer version %s does not exist.", a)
		})
		if err != nil {
			return nil, nil, err
		}
		if err := checkLayerAccess(sc, row, d); err != nil {
			return nil, nil, err
		}
		if prev, ok := seen[row.LayerARN]; ok {
			return nil, nil, errorf(KindInvalidParameterValue, "Two different versions of the same layer are not allowed to be referenced in the same function. %s and %s are versions of the same layer.", prev, a)
		}
		seen[row.LayerARN] = a
		out = append(out, Layer{Arn: row.ARN, CodeSize: d.CodeSize})
		codes[row.ARN] = layerCode{Hex: d.CodeHex, Unzipped: d.UnzippedSize}
	}
	return out, codes, nil
}

// checkTotalSize enforces Lambda's limit on the unzipped size of a
// function's code and layers together.
func checkTotalSize(code int64, layers []Layer, codes map[string]layerCode) error {
	total := code
	for _, l := range layers {
		total += codes[l.Arn].Unzipped
	}
	if total > MaxUnzippedBytes {
		return errorf(KindInvalidParameterValue, "Function code combined with layers exceeds the maximum allowed size of %d bytes. The actual size is %d bytes.", MaxUnzippedBytes, total)
	}
	return nil
}

// unzippedSize is the total uncompressed size of a stored package, read from
// its zip directory.
func (c *codeStore) unzippedSize(hexSum string) (int64, error) {
	zr, err := zip.OpenReader(c.zipPath(hexSum))
	if err != nil {
		return 0, fmt.Errorf("code %s: %w", hexSum, err)
	}
	defer zr.Close()
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	return int64(total), nil
}

// optDir returns the host directory that holds a function's layers, merged
// in order (later layers' files replace earlier ones'), for /opt; "" without
// layers. A single layer is its unpacked package; several are merged once
// into a directory named by the hash of their order.
func (c *codeStore) optDir(hexes []string) (string, error) {
	switch len(hexes) {
	case 0:
		return "", nil
	case 1:
		return c.unpacked(hexes[0])
	}
	sum := sha256.Sum256([]byte(strings.Join(hexes, ",")))
	dir := filepath.Join(filepath.Dir(c.dir), "opt", hex.EncodeToString(sum[:]))
	if fileExists(filepath.Join(dir, ".complete")) {
		return dir, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if fileExists(filepath.Join(dir, ".complete")) {
		return dir, nil
	}
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	for _, h := range hexes {
		if err := mergeZip(tmp, c.zipPath(h)); err != nil {
			_ = os.RemoveAll(tmp)
			return "", fmt.Errorf("layer %s: %w", h, err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o444); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// mergeZip extracts a zip over root, replacing what is in the way: a file
// where the zip has a directory, a directory where it has a file.
func mergeZip(root, zipPath string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		name := filepath.Clean(filepath.FromSlash(f.Name))
		if name == "." || strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			return errorf(KindInvalidParameterValue, "%s", errBadZip)
		}
		if err := clearPath(root, name, f.FileInfo().IsDir()); err != nil {
			return err
		}
		if err := extract(root, f); err != nil {
			return err
		}
	}
	return nil
}

// clearPath makes way for rel under root: every parent must be a directory
// and rel itself must not be a file if dir, or a directory if !dir.
func clearPath(root, rel string, dir bool) error {
	parts := strings.Split(rel, string(filepath.Separator))
	p := root
	for i, part := range parts {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		last := i == len(parts)-1
		switch {
		case !last && !fi.IsDir(), last && dir && !fi.IsDir():
			if err := os.Remove(p); err != nil {
				return err
			}
			return nil
		case last && !dir:
			return os.RemoveAll(p)
		}
	}
	return nil
}

// optFor returns the /opt directory of a configuration's layers.
func (s *Service) optFor(doc *functionDoc, cfg *FunctionConfiguration) (string, error) {
	if len(cfg.Layers) == 0 {
		return "", nil
	}
	hexes := make([]string, 0, len(cfg.Layers))
	for _, l := range cfg.Layers {
		lc, ok := doc.LayerCode[l.Arn]
		if !ok {
			return "", fmt.Errorf("function %s: no code recorded for layer %s", cfg.FunctionArn, l.Arn)
		}
		hexes = append(hexes, lc.Hex)
	}
	return s.code.optDir(hexes)
}

// useLayers checks the size limit for a function's code with new layers and
// records the layers' code in its document.
func (s *Service) useLayers(doc *functionDoc, layers []Layer, codes map[string]layerCode) error {
	var size int64
	if doc.HotReloadDir == "" {
		var err error
		if size, err = s.code.unzippedSize(b64ToHex(doc.Latest.CodeSha256)); err != nil {
			return err
		}
	}
	if err := checkTotalSize(size, layers, codes); err != nil {
		return err
	}
	for arn, lc := range codes {
		if doc.LayerCode == nil {
			doc.LayerCode = map[string]layerCode{}
		}
		doc.LayerCode[arn] = lc
	}
	return nil
}

// recordOpt prepares the /opt of a configuration's environments (key is
// its environment key without the hot-reload fingerprint), for start to
// find with optOf.
func (s *Service) recordOpt(doc *functionDoc, cfg *FunctionConfiguration, key string) error {
	if len(cfg.Layers) == 0 {
		return nil
	}
	if _, ok := s.optDirs.Load(key); ok {
		return nil
	}
	dir, err := s.optFor(doc, cfg)
	if err != nil {
		return err
	}
	s.optDirs.Store(key, dir)
	return nil
}

// optOf returns the host directory recordOpt prepared for a
// configuration's /opt, "" without layers.
func (s *Service) optOf(cfg *FunctionConfiguration) string {
	if v, ok := s.optDirs.Load(cfg.FunctionArn + "@" + cfg.Version + "@" + cfg.RevisionID); ok {
		return v.(string)
	}
	return ""
}
