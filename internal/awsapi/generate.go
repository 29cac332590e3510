package awsapi

//go:generate go run ./internal/errgen errors.json errors_gen.go
