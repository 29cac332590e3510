package lambda

// FunctionConfiguration is a function's (or a version's) configuration, the
// FunctionConfiguration shape of the Lambda API.
type FunctionConfiguration struct {
	FunctionName               string                `json:"FunctionName"`
	FunctionArn                string                `json:"FunctionArn"`
	Runtime                    string                `json:"Runtime,omitempty"`
	Role                       string                `json:"Role"`
	Handler                    string                `json:"Handler,omitempty"`
	CodeSize                   int64                 `json:"CodeSize"`
	Description                string                `json:"Description"`
	Timeout                    int                   `json:"Timeout"`
	MemorySize                 int                   `json:"MemorySize"`
	LastModified               string                `json:"LastModified"`
	CodeSha256                 string                `json:"CodeSha256"`
	Version                    string                `json:"Version"`
	Environment                *EnvironmentResponse  `json:"Environment,omitempty"`
	TracingConfig              TracingConfig         `json:"TracingConfig"`
	RevisionID                 string                `json:"RevisionId"`
	Layers                     []Layer               `json:"Layers,omitempty"`
	State                      string                `json:"State"`
	StateReason                string                `json:"StateReason,omitempty"`
	StateReasonCode            string                `json:"StateReasonCode,omitempty"`
	LastUpdateStatus           string                `json:"LastUpdateStatus,omitempty"`
	LastUpdateStatusReason     string                `json:"LastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string                `json:"LastUpdateStatusReasonCode,omitempty"`
	PackageType                string                `json:"PackageType"`
	Architectures              []string              `json:"Architectures"`
	EphemeralStorage           EphemeralStorage      `json:"EphemeralStorage"`
	SnapStart                  SnapStartResponse     `json:"SnapStart"`
	LoggingConfig              LoggingConfig         `json:"LoggingConfig"`
	DeadLetterConfig           *DeadLetterConfig     `json:"DeadLetterConfig,omitempty"`
	RuntimeVersionConfig       *RuntimeVersionConfig `json:"RuntimeVersionConfig,omitempty"`
}

// EnvironmentResponse holds a function's environment variables.
type EnvironmentResponse struct {
	Variables map[string]string `json:"Variables"`
}

// TracingConfig is X-Ray's mode (recorded, not acted on).
type TracingConfig struct {
	Mode string `json:"Mode"`
}

// Layer is a layer version attached to a function.
type Layer struct {
	Arn      string `json:"Arn"`
	CodeSize int64  `json:"CodeSize"`
}

// EphemeralStorage is the size of /tmp in MB.
type EphemeralStorage struct {
	Size int `json:"Size"`
}

// SnapStartResponse reports SnapStart (always off here).
type SnapStartResponse struct {
	ApplyOn            string `json:"ApplyOn"`
	OptimizationStatus string `json:"OptimizationStatus"`
}

// LoggingConfig is where the function's logs go.
type LoggingConfig struct {
	LogFormat string `json:"LogFormat"`
	LogGroup  string `json:"LogGroup"`
}

// DeadLetterConfig is the target of failed async events (recorded).
type DeadLetterConfig struct {
	TargetArn string `json:"TargetArn,omitempty"`
}

// RuntimeVersionConfig names the runtime version.
type RuntimeVersionConfig struct {
	RuntimeVersionArn string `json:"RuntimeVersionArn"`
}

// AliasConfiguration is an alias, the AliasConfiguration shape of the API.
type AliasConfiguration struct {
	AliasArn        string              `json:"AliasArn"`
	Name            string              `json:"Name"`
	FunctionVersion string              `json:"FunctionVersion"`
	Description     string              `json:"Description"`
	RoutingConfig   *AliasRoutingConfig `json:"RoutingConfig,omitempty"`
	RevisionID      string              `json:"RevisionId"`
}

// AliasRoutingConfig sends a share of an alias's traffic to a second version.
type AliasRoutingConfig struct {
	AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights,omitempty"`
}

// functionDoc is what the store keeps for one function.
type functionDoc struct {
	Latest FunctionConfiguration `json:"latest"`
	// HotReloadDir, when set, is a host directory used as the code of
	// $LATEST, re-read on every invoke (LocalStack's hot-reload bucket, or
	// gureum fn create --watch).
	HotReloadDir string                         `json:"hotReloadDir,omitempty"`
	Versions     []FunctionConfiguration        `json:"versions,omitempty"`
	NextVersion  int                            `json:"nextVersion"`
	Aliases      map[string]*AliasConfiguration `json:"aliases,omitempty"`
	Policy       []PolicyStatement              `json:"policy,omitempty"`
	PolicyRev    string                         `json:"policyRev,omitempty"`
	Tags         map[string]string              `json:"tags,omitempty"`
	Reserved     *int                           `json:"reservedConcurrency,omitempty"`
	// LayerCode keeps the code of every layer version $LATEST or a version
	// uses, by version ARN: it outlives the layer version (see layer.go).
	LayerCode map[string]layerCode `json:"layerCode,omitempty"`
	// PendingCode is code whose Go build is in progress (gobuild.go).
	PendingCode *pendingCode `json:"pendingCode,omitempty"`
	// EventInvoke holds the asynchronous invocation settings by qualifier
	// ($LATEST, a version or an alias).
	EventInvoke map[string]*FunctionEventInvokeConfig `json:"eventInvokeConfigs,omitempty"`
}

// version returns the configuration of a published version.
func (d *functionDoc) version(v string) *FunctionConfiguration {
	for i := range d.Versions {
		if d.Versions[i].Version == v {
			return &d.Versions[i]
		}
	}
	return nil
}
