package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/google/uuid"
)

// PolicyStatement is one statement of a function's resource policy.
type PolicyStatement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal"`
	Action    string         `json:"Action"`
	Resource  string         `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// AddPermissionInput is AddPermission's request.
type AddPermissionInput struct {
	StatementID         string `json:"StatementId"`
	Action              string `json:"Action"`
	Principal           string `json:"Principal"`
	SourceArn           string `json:"SourceArn"`
	SourceAccount       string `json:"SourceAccount"`
	EventSourceToken    string `json:"EventSourceToken"`
	PrincipalOrgID      string `json:"PrincipalOrgID"`
	FunctionURLAuthType string `json:"FunctionUrlAuthType"`
	RevisionID          string `json:"RevisionId"`
}

var sidRE = regexp.MustCompile(`^([a-zA-Z0-9-_.]+)$`)
var actionRE = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)

// MaxPolicyBytes is Lambda's resource policy size limit.
const MaxPolicyBytes = 20 * 1024

// AddPermission adds a statement to the resource policy of a function (or a
// qualifier of it) and returns the statement as JSON text.
func (s *Service) AddPermission(ctx context.Context, sc Scope, ref FunctionRef, in *AddPermissionInput) (string, error) {
	sc = ref.in(sc)
	if !sidRE.MatchString(in.StatementID) || len(in.StatementID) > 100 {
		return "", validationError("statementId", in.StatementID, "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)")
	}
	if !actionRE.MatchString(in.Action) {
		return "", validationError("action", in.Action, "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])")
	}
	if in.Principal == "" {
		return "", validationError("principal", "null", "Member must not be null")
	}
	var out []byte
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if in.RevisionID != "" && in.RevisionID != doc.PolicyRev {
			return errorf(KindPreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
		}
		if _, err := doc.resolveQualifier(sc, ref.Name, ref.Qualifier); err != nil {
			return err
		}
		for _, st := range doc.Policy {
			if st.Sid == in.StatementID {
				return errorf(KindResourceConflict, "The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", in.StatementID)
			}
		}
		resource := FunctionARN(sc, ref.Name)
		if ref.Qualifier != "" {
			resource += ":" + ref.Qualifier
		}
		var principal any = map[string]string{"Service": in.Principal}
		if regexp.MustCompile(`^\d{12}$|^arn:aws:iam::`).MatchString(in.Principal) || in.Principal == "*" {
			principal = map[string]string{"AWS": in.Principal}
			if in.Principal == "*" {
				principal = "*"
			}
		}
		st := PolicyStatement{Sid: in.StatementID, Effect: "Allow", Principal: principal, Action: in.Action, Resource: resource}
		cond := map[string]any{}
		if in.SourceArn != "" {
			cond["ArnLike"] = map[string]string{"AWS:SourceArn": in.SourceArn}
		}
		if in.SourceAccount != "" {
			cond["StringEquals"] = map[string]string{"AWS:SourceAccount": in.SourceAccount}
		}
		if in.FunctionURLAuthType != "" {
			cond["StringEquals"] = map[string]string{"lambda:FunctionUrlAuthType": in.FunctionURLAuthType}
		}
		if len(cond) > 0 {
			st.Condition = cond
		}
		doc.Policy = append(doc.Policy, st)
		if b, _ := json.Marshal(policyDocument(doc.Policy)); len(b) > MaxPolicyBytes {
			return errorf(KindPolicyLengthExceeded, "The final policy size (%d) is bigger than the limit (%d).", len(b), MaxPolicyBytes)
		}
		doc.PolicyRev = uuid.NewString()
		out, _ = json.Marshal(st)
		return nil
	})
	return string(out), err
}

// policyJSON is a resource policy, its fields in the order AWS writes them.
type policyJSON struct {
	Version   string            `json:"Version"`
	ID        string            `json:"Id"`
	Statement []PolicyStatement `json:"Statement"`
}

func policyDocument(sts []PolicyStatement) policyJSON {
	return policyJSON{Version: "2012-10-17", ID: "default", Statement: sts}
}

// RemovePermission removes a statement.
func (s *Service) RemovePermission(ctx context.Context, sc Scope, ref FunctionRef, sid, revisionID string) error {
	sc = ref.in(sc)
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if revisionID != "" && revisionID != doc.PolicyRev {
			return errorf(KindPreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
		}
		for i, st := range doc.Policy {
			if st.Sid == sid {
				doc.Policy = append(doc.Policy[:i], doc.Policy[i+1:]...)
				doc.PolicyRev = uuid.NewString()
				return nil
			}
		}
		return errorf(KindResourceNotFound, "Statement %s is not found in resource policy.", sid)
	})
	return err
}

// GetPolicy returns the resource policy as JSON text and its revision.
func (s *Service) GetPolicy(ctx context.Context, sc Scope, ref FunctionRef) (string, string, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if err != nil {
		return "", "", err
	}
	resource := FunctionARN(sc, ref.Name)
	if ref.Qualifier != "" {
		resource += ":" + ref.Qualifier
	}
	var sts []PolicyStatement
	for _, st := range doc.Policy {
		if st.Resource == resource {
			sts = append(sts, st)
		}
	}
	if len(sts) == 0 {
		return "", "", errorf(KindResourceNotFound, "The resource you requested does not exist.")
	}
	b, err := json.Marshal(policyDocument(sts))
	if err != nil {
		return "", "", fmt.Errorf("policy: %w", err)
	}
	return string(b), doc.PolicyRev, nil
}
