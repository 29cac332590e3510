package lambda

import (
	"encoding/base64"
	"os"
)

func decodeB64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
