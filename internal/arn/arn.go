// Package arn parses and formats Amazon Resource Names. Pure.
package arn

import (
	"errors"
	"strings"
)

// ErrInvalid is returned for strings that are not ARNs.
var ErrInvalid = errors.New("invalid ARN")

// ARN is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string // everything after the account, colons included
}

// Parse splits s into its parts. It checks only the shape (six fields, the
// "arn" prefix, a partition and service), not the service's resource rules.
func Parse(s string) (ARN, error) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[1] == "" || f[2] == "" {
		return ARN{}, ErrInvalid
	}
	return ARN{Partition: f[1], Service: f[2], Region: f[3], Account: f[4], Resource: f[5]}, nil
}

// String formats a.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// Lambda returns a function ARN (with an optional qualifier).
func Lambda(region, account, name, qualifier string) string {
	s := "arn:aws:lambda:" + region + ":" + account + ":function:" + name
	if qualifier != "" {
		s += ":" + qualifier
	}
	return s
}

// StateMachine returns a state machine ARN.
func StateMachine(region, account, name string) string {
	return "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name
}

// Execution returns a (Standard) execution ARN.
func Execution(region, account, machine, name string) string {
	return "arn:aws:states:" + region + ":" + account + ":execution:" + machine + ":" + name
}
