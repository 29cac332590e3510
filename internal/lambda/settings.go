package lambda

import (
	"context"
	"regexp"
	"strings"
)

// AccountConcurrency is the account's concurrent executions limit, and
// UnreservedMinimum what reservations must leave unreserved (Lambda's
// defaults).
const (
	AccountConcurrency = 1000
	UnreservedMinimum  = 100
)

// PutFunctionConcurrency reserves concurrency for a function.
func (s *Service) PutFunctionConcurrency(ctx context.Context, sc Scope, ref FunctionRef, reserved int) (int, error) {
	sc = ref.in(sc)
	if reserved < 0 {
		return 0, validationError("reservedConcurrentExecutions", reserved, "Member must have value greater than or equal to 0")
	}
	others, err := s.reservedElsewhere(ctx, sc, ref.Name)
	if err != nil {
		return 0, err
	}
	if AccountConcurrency-others-reserved < UnreservedMinimum {
		return 0, errorf(KindInvalidParameterValue, "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", UnreservedMinimum)
	}
	_, err = s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		doc.Reserved = &reserved
		return nil
	})
	return reserved, err
}

// reservedElsewhere sums the reservations of the scope's other functions.
func (s *Service) reservedElsewhere(ctx context.Context, sc Scope, except string) (int, error) {
	total, marker := 0, ""
	for {
		page, next, err := s.listDocs(ctx, sc, marker)
		if err != nil {
			return 0, err
		}
		for _, d := range page {
			if d.Latest.FunctionName != except && d.Reserved != nil {
				total += *d.Reserved
			}
		}
		if next == "" {
			return total, nil
		}
		marker = next
	}
}

// GetFunctionConcurrency returns the reservation, nil when none.
func (s *Service) GetFunctionConcurrency(ctx context.Context, sc Scope, ref FunctionRef) (*int, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if err != nil {
		return nil, err
	}
	return doc.Reserved, nil
}

// DeleteFunctionConcurrency removes the reservation.
func (s *Service) DeleteFunctionConcurrency(ctx context.Context, sc Scope, ref FunctionRef) error {
	sc = ref.in(sc)
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		doc.Reserved = nil
		return nil
	})
	return err
}

// AccountSettings is GetAccountSettings' answer.
type AccountSettings struct {
	AccountLimit struct {
		TotalCodeSize                  int64 `json:"TotalCodeSize"`
		CodeSizeUnzipped               int64 `json:"CodeSizeUnzipped"`
		CodeSizeZipped                 int64 `json:"CodeSizeZipped"`
		ConcurrentExecutions           int   `json:"ConcurrentExecutions"`
		UnreservedConcurrentExecutions int   `json:"UnreservedConcurrentExecutions"`
	} `json:"AccountLimit"`
	AccountUsage struct {
		TotalCodeSize int64 `json:"TotalCodeSize"`
		FunctionCount int64 `json:"FunctionCount"`
	} `json:"AccountUsage"`
}

// GetAccountSettings reports limits and usage of the scope.
func (s *Service) GetAccountSettings(ctx context.Context, sc Scope) (*AccountSettings, error) {
	var a AccountSettings
	a.AccountLimit.TotalCodeSize = 80 * 1024 * 1024 * 1024
	a.AccountLimit.CodeSizeUnzipped = MaxUnzippedBytes
	a.AccountLimit.CodeSizeZipped = MaxZipBytes
	a.AccountLimit.ConcurrentExecutions = AccountConcurrency
	reserved, marker := 0, ""
	for {
		page, next, err := s.listDocs(ctx, sc, marker)
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			a.AccountUsage.FunctionCount++
			a.AccountUsage.TotalCodeSize += d.Latest.CodeSize
			for _, v := range d.Versions {
				a.AccountUsage.TotalCodeSize += v.CodeSize
			}
			if d.Reserved != nil {
				reserved += *d.Reserved
			}
		}
		if next == "" {
			break
		}
		marker = next
	}
	a.AccountLimit.UnreservedConcurrentExecutions = AccountConcurrency - reserved
	return &a, nil
}

// Tags.

var tagKeyRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

func checkTag(k, v string) error {
	if k == "" || len([]rune(k)) > 128 || !tagKeyRE.MatchString(k) {
		return errorf(KindInvalidParameterValue, "Tag keys must be between 1 and 128 characters in length.")
	}
	if strings.HasPrefix(strings.ToLower(k), "aws:") {
		return errorf(KindInvalidParameterValue, "Tag keys prefixed with aws: are reserved.")
	}
	if len([]rune(v)) > 256 {
		return errorf(KindInvalidParameterValue, "Tag values must be between 0 and 256 characters in length.")
	}
	return nil
}

// TagResource adds tags to a function (by its ARN).
func (s *Service) TagResource(ctx context.Context, sc Scope, ref FunctionRef, tags map[string]string) error {
	sc = ref.in(sc)
	for k, v := range tags {
		if err := checkTag(k, v); err != nil {
			return err
		}
	}
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if doc.Tags == nil {
			doc.Tags = map[string]string{}
		}
		for k, v := range tags {
			doc.Tags[k] = v
		}
		if len(doc.Tags) > 50 {
			return errorf(KindInvalidParameterValue, "Number of tags exceeds resource tag limit.")
		}
		return nil
	})
	return err
}

// UntagResource removes tags.
func (s *Service) UntagResource(ctx context.Context, sc Scope, ref FunctionRef, keys []string) error {
	sc = ref.in(sc)
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		for _, k := range keys {
			delete(doc.Tags, k)
		}
		return nil
	})
	return err
}

// ListTags returns a function's tags.
func (s *Service) ListTags(ctx context.Context, sc Scope, ref FunctionRef) (map[string]string, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if err != nil {
		return nil, err
	}
	if doc.Tags == nil {
		return map[string]string{}, nil
	}
	return doc.Tags, nil
}
