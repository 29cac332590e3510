package sfnapi

import (
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

// registerMore adds the operations on versions, aliases, redrives, map runs
// and TestState.
func registerMore(mux *awsapi.Mux, a *API) {
	for name, h := range map[string]awsapi.HandlerFunc{
		"PublishStateMachineVersion": awsapi.JSON(a.publishStateMachineVersion),
		"ListStateMachineVersions":   awsapi.JSON(a.listStateMachineVersions),
		"DeleteStateMachineVersion":  awsapi.JSON(a.deleteStateMachineVersion),
		"CreateStateMachineAlias":    awsapi.JSON(a.createStateMachineAlias),
		"DescribeStateMachineAlias":  awsapi.JSON(a.describeStateMachineAlias),
		"UpdateStateMachineAlias":    awsapi.JSON(a.updateStateMachineAlias),
		"DeleteStateMachineAlias":    awsapi.JSON(a.deleteStateMachineAlias),
		"ListStateMachineAliases":    awsapi.JSON(a.listStateMachineAliases),
		"RedriveExecution":           awsapi.JSON(a.redriveExecution),
		"DescribeMapRun":             awsapi.JSON(a.describeMapRun),
		"ListMapRuns":                awsapi.JSON(a.listMapRuns),
		"UpdateMapRun":               awsapi.JSON(a.updateMapRun),
		"TestState":                  awsapi.JSON(a.testState),
	} {
		mux.HandleTarget(TargetPrefix+name, &awsapi.Operation{Service: "states", Name: name, Protocol: awsapi.JSON10, Handler: h})
	}
}

// moreServiceError maps the service errors of versions, aliases, redrives
// and map runs; nil for the others.
func moreServiceError(se *sfn.Error) error {
	switch se.Kind {
	case sfn.ErrConflict:
		return awsapi.NewError(awsapi.SFNConflict, "%s", se.Detail)
	case sfn.ErrServiceQuota:
		return awsapi.NewError(awsapi.SFNServiceQuotaExceeded, "%s", se.Detail)
	case sfn.ErrValidation:
		return awsapi.NewError(awsapi.SFNValidation, "%s", se.Detail)
	case sfn.ErrInvalidDefinition:
		return awsapi.NewError(awsapi.SFNInvalidDefinition, "%s", se.Detail)
	case sfn.ErrExecutionNotRedrivable:
		return awsapi.NewError(awsapi.SFNExecutionNotRedrivable, "%s", se.Detail)
	}
	return nil
}

// maxDescription is the length limit of version and alias descriptions.
const maxDescription = 256

// checkRouting validates a routingConfiguration's members as AWS's model
// does (1 or 2 entries, each with a version ARN and a weight 0..100).
func checkRouting(routing []sfn.RoutingConfig, present bool) error {
	if !present {
		return nil
	}
	if len(routing) < 1 {
		return awsapi.Validation("routingConfiguration", nil, "Member must have length greater than or equal to 1")
	}
	if len(routing) > 2 {
		return awsapi.Validation("routingConfiguration", nil, "Member must have length less than or equal to 2")
	}
	for i, r := range routing {
		field := "routingConfiguration." + strconv.Itoa(i+1) + ".member."
		if r.StateMachineVersionArn == "" {
			return required(field + "stateMachineVersionArn")
		}
		if len(r.StateMachineVersionArn) > 256 {
			return awsapi.Validation(field+"stateMachineVersionArn", &r.StateMachineVersionArn, "Member must have length less than or equal to 256")
		}
		w := strconv.Itoa(r.Weight)
		if r.Weight < 0 {
			return awsapi.Validation(field+"weight", &w, "Member must have value greater than or equal to 0")
		}
		if r.Weight > 100 {
			return awsapi.Validation(field+"weight", &w, "Member must have value less than or equal to 100")
		}
	}
	return nil
}

// pageToken returns a nextToken member after checking its length.
func pageToken(tok *string, max int) (string, error) {
	if tok == nil {
		return "", nil
	}
	if err := maxLen("nextToken", tok, max, false); err != nil {
		return "", err
	}
	if *tok == "" {
		return "", awsapi.Validation("nextToken", tok, "Member must have length greater than or equal to 1")
	}
	return *tok, nil
}
