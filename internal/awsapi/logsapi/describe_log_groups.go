package logsapi

import (
	"context"
	"regexp"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type describeLogGroupsInput struct {
	LogGroupNamePrefix  *string `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string `json:"logGroupNamePattern"`
	NextToken           *string `json:"nextToken"`
	Limit               *int    `json:"limit"`
}

type logGroup struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroup `json:"logGroups"`
	NextToken string     `json:"nextToken,omitempty"`
}

var groupSubstringRE = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]*$`)

func (a *API) describeLogGroups(ctx context.Context, r *awsapi.Request, in *describeLogGroupsInput) (*describeLogGroupsOutput, error) {
	v := &validator{}
	v.groupName("logGroupNamePrefix", in.LogGroupNamePrefix)
	v.str("logGroupNamePattern", in.LogGroupNamePattern, 0, 512, `[\.\-_/#A-Za-z0-9]*`, groupSubstringRE)
	v.token("nextToken", in.NextToken)
	v.intRange("limit", in.Limit, 1, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, awsapi.NewError(awsapi.LogsInvalidParameter, "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive. Only one can be specified.")
	}
	limit := 50
	if in.Limit != nil {
		limit = *in.Limit
	}
	groups, next, err := a.svc.DescribeGroups(ctx, scope(r), deref(in.LogGroupNamePrefix), deref(in.LogGroupNamePattern), deref(in.NextToken), limit)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &describeLogGroupsOutput{LogGroups: make([]logGroup, len(groups)), NextToken: next}
	for i, g := range groups {
		out.LogGroups[i] = logGroup{LogGroupName: g.Name, CreationTime: g.CreationTime, Arn: groupARN(r, g.Name) + ":*",
			LogGroupArn: groupARN(r, g.Name), StoredBytes: g.StoredBytes, LogGroupClass: "STANDARD"}
	}
	return out, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
