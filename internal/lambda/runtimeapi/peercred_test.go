package runtimeapi

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHexAddr(t *testing.T) {
	t.Parallel()
	a := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 8080}
	require.Equal(t, "0100007F:1F90", string(hexAddr4(a)))
	require.Equal(t, "0000000000000000FFFF00000100007F:1F90", string(hexAddr6(a)))
}

func TestScanUID(t *testing.T) {
	t.Parallel()
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1001        0 2 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1
`
	uid, err := scanUID(strings.NewReader(table), []byte("0100007F:D431"), []byte("0100007F:1F90"))
	require.NoError(t, err)
	require.Equal(t, 1001, uid)
	uid, err = scanUID(strings.NewReader(table), []byte("0100007F:1F90"), []byte("0100007F:D431"))
	require.NoError(t, err)
	require.Equal(t, 0, uid)
	_, err = scanUID(strings.NewReader(table), []byte("0100007F:0001"), []byte("0100007F:1F90"))
	require.ErrorIs(t, err, errPeerNotFound)
}

func TestPeerUIDOwnConnection(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err == nil {
			time.Sleep(time.Second)
			c.Close()
		}
	}()
	c, err := ln.Accept()
	require.NoError(t, err)
	defer c.Close()
	uid, err := peerUID(c)
	require.NoError(t, err)
	require.Equal(t, os.Geteuid(), uid)
}

// TestAllowedUID connects to servers as root (this process) and as nobody
// (a copy of the test binary run with another uid): only the allowed uid
// gets an answer.
func TestAllowedUID(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a client as another uid")
	}
	const nobody = 65534
	helper := helperBinary(t)

	for _, tc := range []struct {
		name           string
		allowed        int
		rootOK, userOK bool
	}{
		{"only nobody", nobody, false, true},
		{"only root", 0, true, false},
		{"anyone", -1, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(Options{AllowedUID: tc.allowed})
			require.NoError(t, err)
			defer s.Close()

			require.Equal(t, tc.rootOK, probe(s.Addr()) == "status=404", "root")

			cmd := exec.Command(helper, "-test.run=^TestHelperUIDClient$")
			cmd.Env = []string{"RUNTIMEAPI_HELPER_ADDR=" + s.Addr()}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, string(out))
			require.Contains(t, string(out), "probe:")
			require.Contains(t, string(out), "(uid 65534)")
			require.Equal(t, tc.userOK, strings.Contains(string(out), "probe: status=404"), string(out))
		})
	}
}

// TestHelperUIDClient is run by TestAllowedUID as another user.
func TestHelperUIDClient(t *testing.T) {
	addr := os.Getenv("RUNTIMEAPI_HELPER_ADDR")
	if addr == "" {
		t.Skip("helper process for TestAllowedUID")
	}
	fmt.Printf("probe: %s (uid %d)\n", probe(addr), os.Getuid())
}

// probe asks the server for a path that does not exist: an accepted
// connection answers 404, a refused one is closed.
func probe(addr string) string {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + "/probe")
	if err != nil {
		return "error=" + err.Error()
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return fmt.Sprintf("status=%d", resp.StatusCode)
}

// helperBinary copies the test binary where another uid can run it.
func helperBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	dir, err := os.MkdirTemp("", "runtimeapi-helper")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	b, err := os.ReadFile(exe)
	require.NoError(t, err)
	dst := filepath.Join(dir, "helper.test")
	require.NoError(t, os.WriteFile(dst, b, 0o755))
	return dst
}
