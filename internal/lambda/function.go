package lambda

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/store"
)

// FunctionCode is the Code parameter of CreateFunction (and the body of
// UpdateFunctionCode).
type FunctionCode struct {
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ImageURI        string `json:"ImageUri"`
}

// Environment is the Environment parameter.
type Environment struct {
	Variables map[string]string `json:"Variables"`
}

// CreateFunctionInput is CreateFunction's request.
type CreateFunctionInput struct {
	FunctionName     string            `json:"FunctionName"`
	Runtime          string            `json:"Runtime"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler"`
	Code             *FunctionCode     `json:"Code"`
	Description      string            `json:"Description"`
	Timeout          *int              `json:"Timeout"`
	MemorySize       *int              `json:"MemorySize"`
	Publish          bool              `json:"Publish"`
	Environment      *Environment      `json:"Environment"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage *EphemeralStorage `json:"EphemeralStorage"`
	Layers           []string          `json:"Layers"`
	Tags             map[string]string `json:"Tags"`
	TracingConfig    *TracingConfig    `json:"TracingConfig"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig"`
	LoggingConfig    *LoggingConfigIn  `json:"LoggingConfig"`
	VpcConfig        json.RawMessage   `json:"VpcConfig"`
	KMSKeyArn        string            `json:"KMSKeyArn"`
	ImageConfig      json.RawMessage   `json:"ImageConfig"`
	FileSystemConfig json.RawMessage   `json:"FileSystemConfigs"`
	SnapStart        *SnapStartRequest `json:"SnapStart"`
	CodeSigning      string            `json:"CodeSigningConfigArn"`
}

// LoggingConfigIn is the LoggingConfig parameter.
type LoggingConfigIn struct {
	LogFormat string `json:"LogFormat"`
	LogGroup  string `json:"LogGroup"`
}

// SnapStartRequest is the SnapStart parameter (accepted, not applied).
type SnapStartRequest struct {
	ApplyOn string `json:"ApplyOn"`
}

// Runtimes Lambda knows, and those it no longer accepts for new functions.
var (
	knownRuntimes = []string{"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
		"nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
		"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "nodejs4.3-edge", "go1.x",
		"ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x", "python3.10", "java17", "ruby3.2", "ruby3.3",
		"ruby3.4", "python3.11", "nodejs20.x", "provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x",
		"nodejs24.x", "python3.14", "java25", "dotnet10"}
	deprecatedRuntimes = map[string]string{
		"nodejs": "nodejs22.x", "nodejs4.3": "nodejs22.x", "nodejs6.10": "nodejs22.x", "nodejs8.10": "nodejs22.x",
		"nodejs10.x": "nodejs22.x", "nodejs12.x": "nodejs22.x", "nodejs14.x": "nodejs22.x", "nodejs16.x": "nodejs22.x",
		"nodejs4.3-edge": "nodejs22.x", "java8": "java21", "python2.7": "python3.13", "python3.6": "python3.13",
		"python3.7": "python3.13", "python3.8": "python3.13", "dotnetcore1.0": "dotnet8", "dotnetcore2.0": "dotnet8",
		"dotnetcore2.1": "dotnet8", "dotnetcore3.1": "dotnet8", "dotnet6": "dotnet8", "go1.x": "provided.al2023",
		"ruby2.5": "ruby3.3", "ruby2.7": "ruby3.3", "provided": "provided.al2023",
	}
	roleRE      = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)
	envKeyRE    = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])+$`)
	handlerRE   = regexp.MustCompile(`^[^\s]+$`)
	reservedEnv = map[string]bool{"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
		"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
		"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
		"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true,
		"AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true}
)

// HotReloadBucket is LocalStack's convention: Code={S3Bucket: "hot-reload",
// S3Key: "/abs/dir"} makes the directory the function's live code.
const HotReloadBucket = "hot-reload"

func checkRuntime(rt string, hostCheck func(string) error) error {
	if rt == "" {
		return errorf(KindInvalidParameterValue, "The runtime parameter is required for functions with the Zip package type.")
	}
	known := false
	for _, k := range knownRuntimes {
		known = known || k == rt
	}
	if !known {
		return validationError("runtime", rt, "Member must satisfy enum value set: ["+strings.Join(knownRuntimes, ", ")+"] or be a valid ARN")
	}
	if repl, ok := deprecatedRuntimes[rt]; ok {
		return errorf(KindInvalidParameterValue, "The runtime parameter of %s is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (%s) while creating or updating functions.", rt, repl)
	}
	if hostCheck != nil {
		if err := hostCheck(rt); err != nil {
			return errorf(KindInvalidParameterValue, "The runtime %s cannot run on this gureum host: %v (see gureum doctor).", rt, err)
		}
	}
	return nil
}

func checkEnvironment(env *Environment) error {
	if env == nil {
		return nil
	}
	var reserved []string
	for k := range env.Variables {
		if !envKeyRE.MatchString(k) {
			return validationError("environment.variables", "[sensitive]", "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+")
		}
		if reservedEnv[k] {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		sort.Strings(reserved)
		return errorf(KindInvalidParameterValue, "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(reserved, ", "))
	}
	b, _ := json.Marshal(env.Variables)
	if len(b) > 4096 {
		return errorf(KindInvalidParameterValue, "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %s", b)
	}
	return nil
}

// configFields are the settings shared by CreateFunction and
// UpdateFunctionConfiguration.
type configFields struct {
	Runtime          *string
	Role             *string
	Handler          *string
	Description      *string
	Timeout          *int
	MemorySize       *int
	Environment      *Environment
	EphemeralStorage *EphemeralStorage
	Layers           []string
	TracingConfig    *TracingConfig
	DeadLetterConfig *DeadLetterConfig
	LoggingConfig    *LoggingConfigIn

	layers []Layer // Layers resolved by resolveLayers
}

// apply validates f and writes it into c.
func (s *Service) apply(c *FunctionConfiguration, f configFields) error {
	if f.Runtime != nil {
		if err := checkRuntime(*f.Runtime, s.opts.Runtimes); err != nil {
			return err
		}
		c.Runtime = *f.Runtime
	}
	if f.Role != nil {
		if !roleRE.MatchString(*f.Role) {
			return validationError("role", *f.Role, `Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`)
		}
		c.Role = *f.Role
	}
	if f.Handler != nil {
		if len(*f.Handler) > 128 {
			return validationError("handler", *f.Handler, "Member must have length less than or equal to 128")
		}
		if !handlerRE.MatchString(*f.Handler) {
			return validationError("handler", *f.Handler, `Member must satisfy regular expression pattern: [^\s]+`)
		}
		c.Handler = *f.Handler
	}
	if f.Description != nil {
		if len([]rune(*f.Description)) > 256 {
			return validationError("description", *f.Description, "Member must have length less than or equal to 256")
		}
		c.Description = *f.Description
	}
	if f.Timeout != nil {
		switch t := *f.Timeout; {
		case t < 1:
			return validationError("timeout", t, "Member must have value greater than or equal to 1")
		case t > 900:
			return validationError("timeout", t, "Member must have value less than or equal to 900")
		}
		c.Timeout = *f.Timeout
	}
	if f.MemorySize != nil {
		switch m := *f.MemorySize; {
		case m < 128:
			return validationError("memorySize", m, "Member must have value greater than or equal to 128")
		case m > 10240:
			return validationError("memorySize", m, "Member must have value less than or equal to 10240")
		}
		c.MemorySize = *f.MemorySize
	}
	if f.EphemeralStorage != nil {
		switch sz := f.EphemeralStorage.Size; {
		case sz < 512:
			return validationError("ephemeralStorage.size", sz, "Member must have value greater than or equal to 512")
		case sz > 10240:
			return validationError("ephemeralStorage.size", sz, "Member must have value less than or equal to 10240")
		}
		c.EphemeralStorage = *f.EphemeralStorage
	}
	if f.Environment != nil {
		if err := checkEnvironment(f.Environment); err != nil {
			return err
		}
		if len(f.Environment.Variables) == 0 {
			c.Environment = nil
		} else {
			c.Environment = &EnvironmentResponse{Variables: f.Environment.Variables}
		}
	}
	if f.Layers != nil {
		c.Layers = f.layers
	}
	if f.TracingConfig != nil {
		if m := f.TracingConfig.Mode; m != "Active" && m != "PassThrough" {
			return validationError("tracingConfig.mode", m, "Member must satisfy enum value set: [Active, PassThrough]")
		}
		c.TracingConfig = *f.TracingConfig
	}
	if f.DeadLetterConfig != nil {
		c.DeadLetterConfig = f.DeadLetterConfig
	}
	if f.LoggingConfig != nil {
		if f.LoggingConfig.LogFormat != "" {
			if f.LoggingConfig.LogFormat != "Text" && f.LoggingConfig.LogFormat != "JSON" {
				return validationError("loggingConfig.logFormat", f.LoggingConfig.LogFormat, "Member must satisfy enum value set: [JSON, Text]")
			}
			c.LoggingConfig.LogFormat = f.LoggingConfig.LogFormat
		}
		if f.LoggingConfig.LogGroup != "" {
			c.LoggingConfig.LogGroup = f.LoggingConfig.LogGroup
		}
	}
	return nil
}

func (s *Service) stamp() string {
	return s.opts.Now().UTC().Format("2006-01-02T15:04:05.000-0700")
}

// resolveCode stores the Code parameter and returns its identity, or the
// hot-reload directory.
func (s *Service) resolveCode(code *FunctionCode) (codeInfo, string, error) {
	switch {
	case code == nil:
		return codeInfo{}, "", validationError("code", "null", "Member must not be null")
	case code.ImageURI != "":
		return codeInfo{}, "", errorf(KindInvalidParameterValue, "Container images (ImageUri) are not supported by gureum; use a .zip file archive.")
	case code.S3Bucket == HotReloadBucket:
		dir := code.S3Key
		if !filepath.IsAbs(dir) {
			return codeInfo{}, "", errorf(KindInvalidParameterValue, "The hot-reload S3Key must be an absolute host directory path, got %q", dir)
		}
		return codeInfo{Sha256: "hot-reloading-hash-not-available", Hex: ""}, filepath.Clean(dir), nil
	case code.S3Bucket != "" || code.S3Key != "":
		return codeInfo{}, "", errorf(KindInvalidParameterValue, "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist")
	case len(code.ZipFile) == 0:
		return codeInfo{}, "", errorf(KindInvalidParameterValue, "Please provide a source for function code.")
	}
	info, err := s.code.put(code.ZipFile)
	return info, "", err
}

// CreateFunction creates a function (and version 1 when in.Publish).
func (s *Service) CreateFunction(ctx context.Context, sc Scope, in *CreateFunctionInput) (*FunctionConfiguration, error) {
	ref, err := ParseFunctionRef(in.FunctionName)
	if err != nil || ref.Qualifier != "" {
		return nil, validationError("functionName", in.FunctionName, "Member must satisfy regular expression pattern: "+FunctionNamePattern)
	}
	sc = ref.in(sc)
	if in.PackageType == "Image" {
		return nil, errorf(KindInvalidParameterValue, "PackageType Image (container images) is not supported by gureum; use Zip.")
	}
	if in.PackageType != "" && in.PackageType != "Zip" {
		return nil, validationError("packageType", in.PackageType, "Member must satisfy enum value set: [Zip, Image]")
	}
	if in.Role == "" {
		return nil, validationError("role", "null", "Member must not be null")
	}
	if in.Handler == "" && !strings.HasPrefix(in.Runtime, "provided") {
		return nil, errorf(KindInvalidParameterValue, "The handler parameter is required for functions with the Zip package type.")
	}
	arch := in.Architectures
	if len(arch) == 0 {
		arch = []string{"x86_64"}
	}
	if len(arch) != 1 || (arch[0] != "x86_64" && arch[0] != "arm64") {
		return nil, validationError("architectures", arch, "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must have length less than or equal to 1]")
	}
	for k, v := range in.Tags {
		if err := checkTag(k, v); err != nil {
			return nil, err
		}
	}
	c := FunctionConfiguration{
		FunctionName:     ref.Name,
		FunctionArn:      FunctionARN(sc, ref.Name),
		Timeout:          3,
		MemorySize:       128,
		Version:          "$LATEST",
		TracingConfig:    TracingConfig{Mode: "PassThrough"},
		PackageType:      "Zip",
		Architectures:    arch,
		EphemeralStorage: EphemeralStorage{Size: 512},
		SnapStart:        SnapStartResponse{ApplyOn: "None", OptimizationStatus: "Off"},
		LoggingConfig:    LoggingConfig{LogFormat: "Text", LogGroup: "/aws/lambda/" + ref.Name},
	}
	f := configFields{Runtime: &in.Runtime, Role: &in.Role, Description: &in.Description, Timeout: in.Timeout,
		MemorySize: in.MemorySize, Environment: in.Environment, EphemeralStorage: in.EphemeralStorage, Layers: in.Layers,
		TracingConfig: in.TracingConfig, DeadLetterConfig: in.DeadLetterConfig, LoggingConfig: in.LoggingConfig}
	if in.Handler != "" {
		f.Handler = &in.Handler
	}
	var layerCodes map[string]layerCode
	if in.Layers != nil {
		var err error
		if f.layers, layerCodes, err = s.resolveLayers(ctx, sc, in.Layers); err != nil {
			return nil, err
		}
	}
	if err := s.apply(&c, f); err != nil {
		return nil, err
	}
	info, hotDir, err := s.resolveCode(in.Code)
	if err != nil {
		return nil, err
	}
	if err := checkTotalSize(info.Unzipped, c.Layers, layerCodes); err != nil {
		return nil, err
	}
	pending, err := s.pendingGoBuild(c.Runtime, info, hotDir)
	if err != nil {
		return nil, err
	}
	c.CodeSha256, c.CodeSize = info.Sha256, info.Size
	c.LastModified = s.stamp()
	c.RevisionID = uuid.NewString()
	c.State, c.LastUpdateStatus = "Active", "Successful"
	if pending != nil {
		pending.Create = true
		c.State, c.StateReason, c.StateReasonCode = "Pending", "The function is being created.", "Creating"
		c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "InProgress", "The function is being created.", "Creating"
	}
	doc := functionDoc{Latest: c, HotReloadDir: hotDir, NextVersion: 1, Tags: in.Tags, LayerCode: layerCodes, PendingCode: pending}
	if in.Publish {
		doc.publish("", s.stamp())
	}
	spec, err := json.Marshal(&doc)
	if err != nil {
		return nil, err
	}
	_, err = s.store.FunctionCreate(ctx, &store.FunctionCreateParams{Account: sc.Account, Region: sc.Region, Name: ref.Name,
		ARN: c.FunctionArn, Spec: spec, CodeSHA256: c.CodeSha256, RevisionID: c.RevisionID})
	s.docs.forget(sc, ref.Name)
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, errorf(KindResourceConflict, "Function already exist: %s", ref.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("create function %s: %w", ref.Name, err)
	}
	if pending != nil {
		s.startGoBuild(sc, ref.Name, *pending)
	}
	// The response shows the state a new function starts in; preparation
	// here is synchronous, so the stored function is already Active.
	out := c
	if in.Publish {
		out = doc.Versions[0]
	}
	out.State, out.StateReason, out.StateReasonCode = "Pending", "The function is being created.", "Creating"
	out.LastUpdateStatus = ""
	return &out, nil
}

// publish snapshots $LATEST as the next version.
func (d *functionDoc) publish(description, stamp string) *FunctionConfiguration {
	v := d.Latest
	v.Version = strconv.Itoa(d.NextVersion)
	v.FunctionArn = d.Latest.FunctionArn + ":" + v.Version
	if description != "" {
		v.Description = description
	}
	v.LastModified = stamp
	v.RevisionID = uuid.NewString()
	d.NextVersion++
	d.Versions = append(d.Versions, v)
	return &d.Versions[len(d.Versions)-1]
}

// FunctionDetails is GetFunction's answer.
type FunctionDetails struct {
	Configuration *FunctionConfiguration
	CodeSHA256Hex string // for the Code.Location URL; empty for hot-reload code
	HotReloadDir  string
	Tags          map[string]string
	Reserved      *int
}

// resolveQualifier picks the configuration a qualifier names.
func (d *functionDoc) resolveQualifier(sc Scope, name, q string) (*FunctionConfiguration, error) {
	switch {
	case q == "" || q == "$LATEST":
		c := d.Latest
		return &c, nil
	case d.Aliases[q] != nil:
		v := d.version(d.Aliases[q].FunctionVersion)
		if v == nil {
			return nil, errorf(KindResourceNotFound, "Function not found: %s:%s", FunctionARN(sc, name), q)
		}
		c := *v
		return &c, nil
	default:
		v := d.version(q)
		if v == nil {
			return nil, errorf(KindResourceNotFound, "Function not found: %s:%s", FunctionARN(sc, name), q)
		}
		c := *v
		return &c, nil
	}
}

// GetFunction returns the configuration ref names, with its tags and code.
func (s *Service) GetFunction(ctx context.Context, sc Scope, ref FunctionRef) (*FunctionDetails, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if err != nil {
		return nil, err
	}
	c, err := doc.resolveQualifier(sc, ref.Name, ref.Qualifier)
	if err != nil {
		return nil, err
	}
	d := &FunctionDetails{Configuration: c, Tags: doc.Tags, Reserved: doc.Reserved, HotReloadDir: doc.HotReloadDir}
	if doc.HotReloadDir == "" || c.Version != "$LATEST" {
		d.CodeSHA256Hex = b64ToHex(c.CodeSha256)
	}
	return d, nil
}

// CodeZip returns the path of a stored deployment package by its hex SHA-256.
func (s *Service) CodeZip(hexSum string) (string, bool) {
	if len(hexSum) != 64 || strings.Trim(hexSum, "0123456789abcdef") != "" {
		return "", false
	}
	p := s.code.zipPath(hexSum)
	return p, fileExists(p)
}

// UpdateFunctionCodeInput is UpdateFunctionCode's request.
type UpdateFunctionCodeInput struct {
	FunctionCode
	Publish       bool     `json:"Publish"`
	DryRun        bool     `json:"DryRun"`
	RevisionID    string   `json:"RevisionId"`
	Architectures []string `json:"Architectures"`
}

// UpdateFunctionCode replaces $LATEST's code.
func (s *Service) UpdateFunctionCode(ctx context.Context, sc Scope, ref FunctionRef, in *UpdateFunctionCodeInput) (*FunctionConfiguration, error) {
	sc = ref.in(sc)
	info, hotDir, err := s.resolveCode(&in.FunctionCode)
	if err != nil {
		return nil, err
	}
	var (
		out     FunctionConfiguration
		pending *pendingCode
	)
	_, err = s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		pending = nil
		if doc.PendingCode != nil || doc.Latest.State == "Pending" {
			return errUpdateInProgress(doc)
		}
		if in.RevisionID != "" && in.RevisionID != doc.Latest.RevisionID {
			return errorf(KindPreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
		}
		if err := checkTotalSize(info.Unzipped, doc.Latest.Layers, doc.LayerCode); err != nil {
			return err
		}
		p, err := s.pendingGoBuild(doc.Latest.Runtime, info, hotDir)
		if err != nil {
			return err
		}
		if in.DryRun {
			out = doc.Latest
			return nil
		}
		if p != nil {
			return s.deferCodeUpdate(doc, p, in, &out, &pending)
		}
		if doc.Latest.State == "Failed" { // new code gets a failed function going again
			doc.Latest.State, doc.Latest.StateReason, doc.Latest.StateReasonCode = "Active", "", ""
			doc.Latest.LastUpdateStatusReason, doc.Latest.LastUpdateStatusReasonCode = "", ""
		}
		doc.Latest.LastUpdateStatus = "Successful"
		doc.Latest.CodeSha256, doc.Latest.CodeSize = info.Sha256, info.Size
		doc.HotReloadDir = hotDir
		if len(in.Architectures) == 1 {
			doc.Latest.Architectures = in.Architectures
		}
		doc.Latest.LastModified = s.stamp()
		doc.Latest.RevisionID = uuid.NewString()
		out = doc.Latest
		if in.Publish {
			out = *doc.publish("", s.stamp())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if pending != nil {
		s.startGoBuild(sc, ref.Name, *pending)
	}
	out.LastUpdateStatus, out.LastUpdateStatusReason, out.LastUpdateStatusReasonCode = "InProgress", "The function is being created.", "Creating"
	return &out, nil
}

// UpdateFunctionConfigurationInput is UpdateFunctionConfiguration's request.
type UpdateFunctionConfigurationInput struct {
	Runtime          *string           `json:"Runtime"`
	Role             *string           `json:"Role"`
	Handler          *string           `json:"Handler"`
	Description      *string           `json:"Description"`
	Timeout          *int              `json:"Timeout"`
	MemorySize       *int              `json:"MemorySize"`
	Environment      *Environment      `json:"Environment"`
	EphemeralStorage *EphemeralStorage `json:"EphemeralStorage"`
	Layers           []string          `json:"Layers"`
	TracingConfig    *TracingConfig    `json:"TracingConfig"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig"`
	LoggingConfig    *LoggingConfigIn  `json:"LoggingConfig"`
	RevisionID       string            `json:"RevisionId"`
}

// UpdateFunctionConfiguration changes $LATEST's settings.
func (s *Service) UpdateFunctionConfiguration(ctx context.Context, sc Scope, ref FunctionRef, in *UpdateFunctionConfigurationInput) (*FunctionConfiguration, error) {
	sc = ref.in(sc)
	var (
		layers     []Layer
		layerCodes map[string]layerCode
	)
	if in.Layers != nil {
		var err error
		if layers, layerCodes, err = s.resolveLayers(ctx, sc, in.Layers); err != nil {
			return nil, err
		}
	}
	var out FunctionConfiguration
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if doc.PendingCode != nil || doc.Latest.State == "Pending" {
			return errUpdateInProgress(doc)
		}
		if in.RevisionID != "" && in.RevisionID != doc.Latest.RevisionID {
			return errorf(KindPreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
		}
		c := doc.Latest
		if err := s.apply(&c, configFields{Runtime: in.Runtime, Role: in.Role, Handler: in.Handler, Description: in.Description,
			Timeout: in.Timeout, MemorySize: in.MemorySize, Environment: in.Environment, EphemeralStorage: in.EphemeralStorage,
			Layers: in.Layers, TracingConfig: in.TracingConfig, DeadLetterConfig: in.DeadLetterConfig, LoggingConfig: in.LoggingConfig,
			layers: layers}); err != nil {
			return err
		}
		if in.Layers != nil {
			if err := s.useLayers(doc, c.Layers, layerCodes); err != nil {
				return err
			}
		}
		c.LastModified = s.stamp()
		c.RevisionID = uuid.NewString()
		doc.Latest = c
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.LastUpdateStatus, out.LastUpdateStatusReason, out.LastUpdateStatusReasonCode = "InProgress", "The function is being created.", "Creating"
	return &out, nil
}

// DeleteFunction deletes a function, or one published version of it.
func (s *Service) DeleteFunction(ctx context.Context, sc Scope, ref FunctionRef) error {
	sc = ref.in(sc)
	if ref.Qualifier == "$LATEST" {
		return errorf(KindInvalidParameterValue, "$LATEST version cannot be deleted without deleting the function.")
	}
	if ref.Qualifier != "" {
		_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
			for name, a := range doc.Aliases {
				if a.FunctionVersion == ref.Qualifier {
					return errorf(KindResourceConflict, "Unable to delete version because the following aliases reference it: [%s]", name)
				}
			}
			for i, v := range doc.Versions {
				if v.Version == ref.Qualifier {
					doc.Versions = append(doc.Versions[:i], doc.Versions[i+1:]...)
					delete(doc.EventInvoke, ref.Qualifier)
					return nil
				}
			}
			return errorf(KindResourceNotFound, "Function not found: %s:%s", FunctionARN(sc, ref.Name), ref.Qualifier)
		})
		return err
	}
	_, err := s.store.FunctionDelete(ctx, &store.FunctionDeleteParams{Account: sc.Account, Region: sc.Region, Name: ref.Name})
	s.docs.forget(sc, ref.Name)
	if errors.Is(err, store.ErrNotFound) {
		return notFound(sc, ref.Name)
	}
	if err != nil {
		return err
	}
	// Its event invoke configurations went with the row; its pending
	// asynchronous events go too (a worker drops any it already holds).
	if q := s.eventQueue(); q != nil {
		if err := q.DropFunction(ctx, FunctionARN(sc, ref.Name)); err != nil {
			return fmt.Errorf("drop pending events of %s: %w", ref.Name, err)
		}
	}
	return nil
}

// ListVersionsByFunction lists $LATEST and the published versions.
func (s *Service) ListVersionsByFunction(ctx context.Context, sc Scope, ref FunctionRef, marker string, maxItems int) ([]FunctionConfiguration, string, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if err != nil {
		return nil, "", err
	}
	all := append([]FunctionConfiguration{doc.Latest}, doc.Versions...)
	all[0].FunctionArn = doc.Latest.FunctionArn + ":$LATEST"
	return pageSlice(all, marker, maxItems)
}

// PublishVersion snapshots $LATEST as a new version; publishing unchanged
// code and configuration again returns the existing version, as Lambda does.
func (s *Service) PublishVersion(ctx context.Context, sc Scope, ref FunctionRef, codeSha, description, revisionID string) (*FunctionConfiguration, error) {
	sc = ref.in(sc)
	var out FunctionConfiguration
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if doc.PendingCode != nil || doc.Latest.State == "Pending" {
			return errUpdateInProgress(doc)
		}
		if revisionID != "" && revisionID != doc.Latest.RevisionID {
			return errorf(KindPreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
		}
		if codeSha != "" && codeSha != doc.Latest.CodeSha256 {
			return errorf(KindInvalidParameterValue, "CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", codeSha, doc.Latest.CodeSha256)
		}
		if n := len(doc.Versions); n > 0 && sameAsLatest(&doc.Versions[n-1], &doc.Latest) && doc.HotReloadDir == "" {
			out = doc.Versions[n-1]
			return nil
		}
		out = *doc.publish(description, s.stamp())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// sameAsLatest reports whether a version has $LATEST's code and settings.
func sameAsLatest(v, latest *FunctionConfiguration) bool {
	a, b := *v, *latest
	a.Version, a.FunctionArn, a.LastModified, a.RevisionID, a.Description = "", "", "", "", ""
	b.Version, b.FunctionArn, b.LastModified, b.RevisionID, b.Description = "", "", "", "", ""
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// pageSlice pages a slice with a numeric marker.
func pageSlice[T any](all []T, marker string, maxItems int) ([]T, string, error) {
	start := 0
	if marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 || n > len(all) {
			return nil, "", errorf(KindInvalidParameterValue, "Invalid Marker")
		}
		start = n
	}
	if maxItems <= 0 || maxItems > 10000 {
		maxItems = 50
	}
	end := min(len(all), start+maxItems)
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return all[start:end], next, nil
}

func b64ToHex(b64 string) string {
	raw, err := decodeB64(b64)
	if err != nil {
		return ""
	}
	return hex.EncodeToString(raw)
}
