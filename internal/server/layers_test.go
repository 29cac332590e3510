package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// zipFile is one entry of zipEntries: content and file mode.
type zipFile struct {
	body string
	mode os.FileMode
}

// zipEntries zips files with their modes (executables need 0755).
func zipEntries(t *testing.T, files map[string]zipFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, f := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(f.mode)
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = io.WriteString(w, f.body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// zeros zips one file of n zero bytes (small compressed, large unzipped).
func zeros(t *testing.T, name string, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	require.NoError(t, err)
	_, err = io.CopyN(w, zeroReader{}, n)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func requireAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, code, ae.ErrorCode(), ae.ErrorMessage())
	if message != "" {
		require.Equal(t, message, ae.ErrorMessage())
	}
}

func publishLayer(t *testing.T, lc *awslambda.Client, name string, zip []byte, mutate func(*awslambda.PublishLayerVersionInput)) *awslambda.PublishLayerVersionOutput {
	t.Helper()
	in := &awslambda.PublishLayerVersionInput{LayerName: aws.String(name), Content: &lambdatypes.LayerVersionContentInput{ZipFile: zip}}
	if mutate != nil {
		mutate(in)
	}
	out, err := lc.PublishLayerVersion(context.Background(), in)
	require.NoError(t, err)
	return out
}

func TestLayerVersionsAPI(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	const layerArn = "arn:aws:lambda:us-east-1:000000000000:layer:deps"

	zip1 := zipOf(t, map[string]string{"nodejs/node_modules/greet/index.js": "module.exports = () => 'v1';"})
	v1 := publishLayer(t, lc, "deps", zip1, func(in *awslambda.PublishLayerVersionInput) {
		in.Description = aws.String("greetings")
		in.LicenseInfo = aws.String("MIT")
		in.CompatibleRuntimes = []lambdatypes.Runtime{lambdatypes.RuntimeNodejs20x, lambdatypes.RuntimeNodejs22x}
		in.CompatibleArchitectures = []lambdatypes.Architecture{lambdatypes.ArchitectureX8664}
	})
	sum := sha256.Sum256(zip1)
	require.Equal(t, layerArn, *v1.LayerArn)
	require.Equal(t, layerArn+":1", *v1.LayerVersionArn)
	require.Equal(t, int64(1), v1.Version)
	require.Equal(t, "greetings", *v1.Description)
	require.Equal(t, "MIT", *v1.LicenseInfo)
	require.Equal(t, []lambdatypes.Runtime{"nodejs20.x", "nodejs22.x"}, v1.CompatibleRuntimes)
	require.Equal(t, []lambdatypes.Architecture{"x86_64"}, v1.CompatibleArchitectures)
	require.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), *v1.Content.CodeSha256)
	require.Equal(t, int64(len(zip1)), v1.Content.CodeSize)
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`, *v1.CreatedDate)
	resp, err := http.Get(*v1.Content.Location)
	require.NoError(t, err)
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, zip1, got, "Content.Location serves the archive")

	v2 := publishLayer(t, lc, "deps", zipOf(t, map[string]string{"python/mod.py": "X = 2"}), func(in *awslambda.PublishLayerVersionInput) {
		in.CompatibleRuntimes = []lambdatypes.Runtime{lambdatypes.RuntimePython313}
	})
	require.Equal(t, int64(2), v2.Version)
	require.Nil(t, v2.Description)
	publishLayer(t, lc, "other", zip1, nil)

	g, err := lc.GetLayerVersion(ctx, &awslambda.GetLayerVersionInput{LayerName: aws.String("deps"), VersionNumber: aws.Int64(1)})
	require.NoError(t, err)
	require.Equal(t, *v1.LayerVersionArn, *g.LayerVersionArn)
	require.Equal(t, *v1.Content.CodeSha256, *g.Content.CodeSha256)
	require.Equal(t, "MIT", *g.LicenseInfo)
	g, err = lc.GetLayerVersion(ctx, &awslambda.GetLayerVersionInput{LayerName: aws.String(layerArn), VersionNumber: aws.Int64(2)})
	require.NoError(t, err, "LayerName may be the layer's ARN")
	require.Equal(t, int64(2), g.Version)
	byArn, err := lc.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: aws.String(layerArn + ":1")})
	require.NoError(t, err)
	require.Equal(t, "greetings", *byArn.Description)

	// ListLayerVersions: newest first, paged, filtered.
	var versions []int64
	var marker *string
	for {
		page, err := lc.ListLayerVersions(ctx, &awslambda.ListLayerVersionsInput{LayerName: aws.String("deps"), MaxItems: aws.Int32(1), Marker: marker})
		require.NoError(t, err)
		for _, v := range page.LayerVersions {
			versions = append(versions, v.Version)
		}
		if page.NextMarker == nil {
			break
		}
		marker = page.NextMarker
	}
	require.Equal(t, []int64{2, 1}, versions)
	lv, err := lc.ListLayerVersions(ctx, &awslambda.ListLayerVersionsInput{LayerName: aws.String("deps"), CompatibleRuntime: lambdatypes.RuntimeNodejs22x})
	require.NoError(t, err)
	require.Len(t, lv.LayerVersions, 1)
	require.Equal(t, layerArn+":1", *lv.LayerVersions[0].LayerVersionArn)
	lv, err = lc.ListLayerVersions(ctx, &awslambda.ListLayerVersionsInput{LayerName: aws.String("nope")})
	require.NoError(t, err, "an unknown layer has no versions")
	require.Empty(t, lv.LayerVersions)

	// ListLayers: every layer with its newest (matching) version.
	ll, err := lc.ListLayers(ctx, &awslambda.ListLayersInput{})
	require.NoError(t, err)
	require.Len(t, ll.Layers, 2)
	require.Equal(t, "deps", *ll.Layers[0].LayerName)
	require.Equal(t, layerArn, *ll.Layers[0].LayerArn)
	require.Equal(t, int64(2), ll.Layers[0].LatestMatchingVersion.Version)
	require.Equal(t, "other", *ll.Layers[1].LayerName)
	ll, err = lc.ListLayers(ctx, &awslambda.ListLayersInput{CompatibleRuntime: lambdatypes.RuntimeNodejs20x})
	require.NoError(t, err)
	require.Len(t, ll.Layers, 1)
	require.Equal(t, int64(1), ll.Layers[0].LatestMatchingVersion.Version)
	require.Equal(t, "greetings", *ll.Layers[0].LatestMatchingVersion.Description)
	ll, err = lc.ListLayers(ctx, &awslambda.ListLayersInput{MaxItems: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, ll.Layers, 1)
	require.NotNil(t, ll.NextMarker)
	ll, err = lc.ListLayers(ctx, &awslambda.ListLayersInput{MaxItems: aws.Int32(1), Marker: ll.NextMarker})
	require.NoError(t, err)
	require.Equal(t, "other", *ll.Layers[0].LayerName)
	require.Nil(t, ll.NextMarker)

	// Permissions.
	_, err = lc.GetLayerVersionPolicy(ctx, &awslambda.GetLayerVersionPolicyInput{LayerName: aws.String("deps"), VersionNumber: aws.Int64(1)})
	requireAPIError(t, err, "ResourceNotFoundException", "No policy is associated with the given resource.")
	perm, err := lc.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String("deps"),
		VersionNumber: aws.Int64(1), StatementId: aws.String("xaccount"), Action: aws.String("lambda:GetLayerVersion"),
		Principal: aws.String("111111111111")})
	require.NoError(t, err)
	require.JSONEq(t, `{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},
		"Action":"lambda:GetLayerVersion","Resource":"`+layerArn+`:1"}`, *perm.Statement)
	_, err = lc.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String("deps"),
		VersionNumber: aws.Int64(1), StatementId: aws.String("xaccount"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*")})
	requireAPIError(t, err, "ResourceConflictException", "The statement id (xaccount) provided already exists. Please provide a new statement id, or remove the existing statement.")
	_, err = lc.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String("deps"),
		VersionNumber: aws.Int64(1), StatementId: aws.String("all"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*"),
		RevisionId: aws.String("stale")})
	requireAPIError(t, err, "PreconditionFailedException", "")
	_, err = lc.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String("deps"),
		VersionNumber: aws.Int64(1), StatementId: aws.String("bad"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})
	requireAPIError(t, err, "ValidationException", "1 validation error detected: Value 'lambda:InvokeFunction' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion")
	_, err = lc.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String("deps"),
		VersionNumber: aws.Int64(9), StatementId: aws.String("x"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*")})
	requireAPIError(t, err, "ResourceNotFoundException", "Layer version "+layerArn+":9 does not exist.")
	pol, err := lc.GetLayerVersionPolicy(ctx, &awslambda.GetLayerVersionPolicyInput{LayerName: aws.String("deps"), VersionNumber: aws.Int64(1)})
	require.NoError(t, err)
	require.Equal(t, *perm.RevisionId, *pol.RevisionId)
	var doc struct {
		Version   string
		Statement []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(*pol.Policy), &doc))
	require.Equal(t, "2012-10-17", doc.Version)
	require.Len(t, doc.Statement, 1)
	_, err = lc.RemoveLayerVersionPermission(ctx, &awslambda.RemoveLayerVersionPermissionInput{LayerName: aws.String("deps"),
		VersionNumber: aws.Int64(1), StatementId: aws.String("nope")})
	requireAPIError(t, err, "ResourceNotFoundException", "Statement nope is not found in resource policy.")
	_, err = lc.RemoveLayerVersionPermission(ctx, &awslambda.RemoveLayerVersionPermissionInput{LayerName: aws.String("deps"),
		VersionNumber: aws.Int64(1), StatementId: aws.String("xaccount"), RevisionId: pol.RevisionId})
	require.NoError(t, err)

	// Deleting: gone for GetLayerVersion, idempotent, numbers not reused.
	_, err = lc.DeleteLayerVersion(ctx, &awslambda.DeleteLayerVersionInput{LayerName: aws.String("deps"), VersionNumber: aws.Int64(2)})
	require.NoError(t, err)
	_, err = lc.DeleteLayerVersion(ctx, &awslambda.DeleteLayerVersionInput{LayerName: aws.String("deps"), VersionNumber: aws.Int64(2)})
	require.NoError(t, err, "deleting a deleted version succeeds")
	_, err = lc.GetLayerVersion(ctx, &awslambda.GetLayerVersionInput{LayerName: aws.String("deps"), VersionNumber: aws.Int64(2)})
	requireAPIError(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	_, err = lc.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: aws.String(layerArn + ":2")})
	requireAPIError(t, err, "ResourceNotFoundException", "")
	require.Equal(t, int64(3), publishLayer(t, lc, "deps", zip1, nil).Version)

	// Validation.
	_, err = lc.GetLayerVersion(ctx, &awslambda.GetLayerVersionInput{LayerName: aws.String("deps"), VersionNumber: aws.Int64(0)})
	requireAPIError(t, err, "InvalidParameterValueException", "Layer Version Cannot be less than 1")
	_, err = lc.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String("bad name"),
		Content: &lambdatypes.LayerVersionContentInput{ZipFile: zip1}})
	requireAPIError(t, err, "ValidationException", `1 validation error detected: Value 'bad name' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`)
	_, err = lc.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String("deps"),
		Content: &lambdatypes.LayerVersionContentInput{ZipFile: zip1}, CompatibleRuntimes: []lambdatypes.Runtime{"cobol85"}})
	requireAPIError(t, err, "ValidationException", "")
	_, err = lc.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String("deps"),
		Content: &lambdatypes.LayerVersionContentInput{S3Bucket: aws.String("b"), S3Key: aws.String("k.zip")}})
	requireAPIError(t, err, "InvalidParameterValueException", "")
	_, err = lc.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String("deps"),
		Content: &lambdatypes.LayerVersionContentInput{}})
	requireAPIError(t, err, "InvalidParameterValueException", "Missing Content")
	_, err = lc.PublishLayerVersion(ctx, &awslambda.PublishLayerVersionInput{LayerName: aws.String("deps"),
		Content: &lambdatypes.LayerVersionContentInput{ZipFile: []byte("not a zip")}})
	requireAPIError(t, err, "InvalidParameterValueException", "Could not unzip uploaded file. Please check your file, then try to upload again.")
	_, err = lc.ListLayers(ctx, &awslambda.ListLayersInput{MaxItems: aws.Int32(51)})
	requireAPIError(t, err, "ValidationException", "")
	_, err = lc.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: aws.String(layerArn)})
	requireAPIError(t, err, "ValidationException", "")
}

func TestFunctionLayersConfiguration(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	zip1 := zipOf(t, map[string]string{"nodejs/node_modules/a/index.js": "module.exports = 1;"})
	a := publishLayer(t, lc, "a", zip1, nil)
	a2 := publishLayer(t, lc, "a", zip1, nil)
	b := publishLayer(t, lc, "b", zipOf(t, map[string]string{"python/b.py": ""}), nil)
	code := zipOf(t, map[string]string{"index.js": "exports.handler = async () => 1;"})
	create := func(name string, layers ...string) (*awslambda.CreateFunctionOutput, error) {
		return lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: lambdatypes.RuntimeNodejs22x,
			Role: aws.String(role), Handler: aws.String("index.handler"), Code: &lambdatypes.FunctionCode{ZipFile: code}, Layers: layers})
	}

	out, err := create("f", *a.LayerVersionArn, *b.LayerVersionArn)
	require.NoError(t, err)
	require.Equal(t, []lambdatypes.Layer{{Arn: a.LayerVersionArn, CodeSize: int64(len(zip1))}, {Arn: b.LayerVersionArn, CodeSize: b.Content.CodeSize}}, out.Layers)
	cfg, err := lc.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("f")})
	require.NoError(t, err)
	require.Len(t, cfg.Layers, 2)
	require.Equal(t, *a.LayerVersionArn, *cfg.Layers[0].Arn)

	up, err := lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Layers: []string{*a2.LayerVersionArn}})
	require.NoError(t, err)
	require.Len(t, up.Layers, 1)
	require.Equal(t, *a2.LayerVersionArn, *up.Layers[0].Arn)
	up, err = lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Layers: []string{}})
	require.NoError(t, err)
	require.Empty(t, up.Layers, "an empty list removes the layers")

	// A deleted layer version stays usable by functions that have it, but
	// cannot be added to new ones.
	_, err = create("g", *a.LayerVersionArn)
	require.NoError(t, err)
	_, err = lc.DeleteLayerVersion(ctx, &awslambda.DeleteLayerVersionInput{LayerName: aws.String("a"), VersionNumber: aws.Int64(1)})
	require.NoError(t, err)
	g, err := lc.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("g")})
	require.NoError(t, err)
	require.Equal(t, *a.LayerVersionArn, *g.Configuration.Layers[0].Arn)
	_, err = create("h", *a.LayerVersionArn)
	requireAPIError(t, err, "InvalidParameterValueException", "Layer version "+*a.LayerVersionArn+" does not exist.")

	_, err = create("h", *a2.LayerVersionArn, "arn:aws:lambda:us-east-1:000000000000:layer:a:1")
	requireAPIError(t, err, "InvalidParameterValueException", "")
	_, err = create("h", *a2.LayerVersionArn, *a2.LayerVersionArn)
	requireAPIError(t, err, "InvalidParameterValueException", "Two different versions of the same layer are not allowed to be referenced in the same function. "+
		*a2.LayerVersionArn+" and "+*a2.LayerVersionArn+" are versions of the same layer.")
	_, err = create("h", "arn:aws:lambda:eu-west-1:000000000000:layer:a:2")
	requireAPIError(t, err, "InvalidParameterValueException", "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.")
	_, err = create("h", "not-an-arn")
	requireAPIError(t, err, "ValidationException", "")
	six := make([]string, 6)
	for i := range six {
		six[i] = fmt.Sprintf("arn:aws:lambda:us-east-1:000000000000:layer:l%d:1", i)
	}
	_, err = create("h", six...)
	requireAPIError(t, err, "InvalidParameterValueException", "Cannot reference more than 5 layers.")

	// Another account's layer needs its permission.
	other := awslambda.NewFromConfig(awsConfig(url, "111111111111", "test"))
	shared := publishLayer(t, other, "shared", zip1, nil)
	_, err = create("h", *shared.LayerVersionArn)
	requireAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::000000000000:root is not authorized to perform: lambda:GetLayerVersion on resource: "+
		*shared.LayerVersionArn+" because no resource-based policy allows the lambda:GetLayerVersion action")
	_, err = lc.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: shared.LayerVersionArn})
	requireAPIError(t, err, "AccessDeniedException", "")
	_, err = other.AddLayerVersionPermission(ctx, &awslambda.AddLayerVersionPermissionInput{LayerName: aws.String("shared"),
		VersionNumber: aws.Int64(1), StatementId: aws.String("us"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("000000000000")})
	require.NoError(t, err)
	_, err = create("h", *shared.LayerVersionArn)
	require.NoError(t, err)
	_, err = lc.GetLayerVersionByArn(ctx, &awslambda.GetLayerVersionByArnInput{Arn: shared.LayerVersionArn})
	require.NoError(t, err)

	// Code and layers together stay within 250 MB unzipped.
	big1 := publishLayer(t, lc, "big1", zeros(t, "big1.bin", 131_072_001), nil)
	big2 := publishLayer(t, lc, "big2", zeros(t, "big2.bin", 131_072_000), nil)
	_, err = create("huge", *big1.LayerVersionArn, *big2.LayerVersionArn)
	requireAPIError(t, err, "InvalidParameterValueException", fmt.Sprintf("Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is %d bytes.",
		262_144_001+int64(len("exports.handler = async () => 1;"))))
	_, err = create("huge", *big1.LayerVersionArn)
	require.NoError(t, err)
	_, err = lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("huge"),
		Layers: []string{*big1.LayerVersionArn, *big2.LayerVersionArn}})
	requireAPIError(t, err, "InvalidParameterValueException", "")
}

// goBinary builds a Go program for the sandbox (static, linux) and returns
// its bytes, or skips the test without a go toolchain.
func goBinary(t *testing.T, source string) []byte {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain in PATH")
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/bin\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(source), 0o644))
	cmd := exec.Command(goCmd, "build", "-o", "bin", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	b, err := os.ReadFile(filepath.Join(dir, "bin"))
	require.NoError(t, err)
	return b
}

// echoRuntime is a custom runtime (stdlib only) that answers every event
// with {"runtime": <its path>, "event": <event>}.
const echoRuntime = `package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(2)
		}
		event, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		self, _ := os.Executable()
		body, _ := json.Marshal(map[string]any{"runtime": self, "event": json.RawMessage(event)})
		r, err := http.Post(api+resp.Header.Get("Lambda-Runtime-Aws-Request-Id")+"/response", "application/json", bytes.NewReader(body))
		if err != nil {
			os.Exit(3)
		}
		r.Body.Close()
	}
}
`

func TestLayersAtRuntime(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))

	// Node: a module in /opt/nodejs/node_modules; the later layer's copy of
	// a file wins; /opt is read-only.
	one := publishLayer(t, lc, "greet", zipOf(t, map[string]string{
		"nodejs/node_modules/greet/index.js": "module.exports = (n) => 'hello ' + n;",
		"nodejs/node_modules/greet/who.js":   "module.exports = 'layer one';",
		"data/only-one.txt":                  "1",
	}), nil)
	two := publishLayer(t, lc, "override", zipOf(t, map[string]string{
		"nodejs/node_modules/greet/who.js": "module.exports = 'layer two';",
	}), nil)
	createFn(t, lc, "node-layers", lambdatypes.RuntimeNodejs22x, "index.handler", map[string]string{"index.js": `
const fs = require('fs');
exports.handler = async () => {
  let writable = true;
  try { fs.writeFileSync('/opt/x', 'x'); } catch (e) { writable = e.code; }
  return {greeting: require('greet')('layers'), who: require('greet/who.js'),
          files: fs.readdirSync('/opt').filter(f => !f.startsWith('.')).sort(), writable};
};`}, func(in *awslambda.CreateFunctionInput) {
		in.Layers = []string{*one.LayerVersionArn, *two.LayerVersionArn}
	})
	invoke := func(name string, payload string) string {
		t.Helper()
		out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(payload)})
		require.NoError(t, err)
		require.Nil(t, out.FunctionError, string(out.Payload))
		return string(out.Payload)
	}
	require.JSONEq(t, `{"greeting": "hello layers", "who": "layer two", "files": ["data", "nodejs"], "writable": "EROFS"}`, invoke("node-layers", `{}`))

	// Reversing the order reverses which copy wins.
	_, err := lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("node-layers"),
		Layers: []string{*two.LayerVersionArn, *one.LayerVersionArn}})
	require.NoError(t, err)
	require.Contains(t, invoke("node-layers", `{}`), `"who":"layer one"`)
	// Without layers the module is gone.
	_, err = lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("node-layers"), Layers: []string{}})
	require.NoError(t, err)
	out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("node-layers")})
	require.NoError(t, err)
	require.Equal(t, "Unhandled", aws.ToString(out.FunctionError))
	require.Contains(t, string(out.Payload), "Cannot find module 'greet'")

	// Python: /opt/python is on sys.path, and the versioned site-packages.
	// (quiet.py is there for every Python the host may run python3.13 on.)
	pyFiles := map[string]string{"python/shout.py": "def shout(s):\n    return s.upper() + '!'\n"}
	for _, v := range []string{"3.11", "3.12", "3.13"} {
		pyFiles["python/lib/python"+v+"/site-packages/quiet.py"] = "def quiet(s):\n    return s.lower()\n"
	}
	py := publishLayer(t, lc, "pylib", zipOf(t, pyFiles), func(in *awslambda.PublishLayerVersionInput) {
		in.CompatibleRuntimes = []lambdatypes.Runtime{lambdatypes.RuntimePython313}
	})
	createFn(t, lc, "py-layers", lambdatypes.RuntimePython313, "app.handler", map[string]string{"app.py": `
import shout
def handler(event, context):
    try:
        import quiet
        q = quiet.quiet("ABC")
    except ImportError as e:
        q = str(e)
    return {"shout": shout.shout(event["s"]), "quiet": q, "from": shout.__file__}
`}, func(in *awslambda.CreateFunctionInput) { in.Layers = []string{*py.LayerVersionArn} })
	var pyOut struct{ Shout, Quiet, From string }
	require.NoError(t, json.Unmarshal([]byte(invoke("py-layers", `{"s": "layers"}`)), &pyOut))
	require.Equal(t, "LAYERS!", pyOut.Shout)
	require.Equal(t, "/opt/python/shout.py", pyOut.From)
	require.Equal(t, "abc", pyOut.Quiet, "/opt/python/lib/python3.X/site-packages is on sys.path")

	// provided: a layer's bootstrap runs when the package has none.
	rtLayer := publishLayer(t, lc, "echo-runtime", zipEntries(t, map[string]zipFile{"bootstrap": {body: string(goBinary(t, echoRuntime)), mode: 0o755}}), nil)
	_, err = lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("custom"), Runtime: lambdatypes.RuntimeProvidedal2023,
		Role: aws.String(role), Handler: aws.String("unused"), Layers: []string{*rtLayer.LayerVersionArn},
		Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"README": "code without a bootstrap"})}})
	require.NoError(t, err)
	require.JSONEq(t, `{"runtime": "/opt/bootstrap", "event": {"n": 1}}`, invoke("custom", `{"n": 1}`))
}
