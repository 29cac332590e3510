//go:build linux

package sandbox

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindSocketUID(t *testing.T) {
	t.Parallel()
	tcp := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 61001        0 2 1 0000000000000000 20 4 30 10 -1
`
	want := [2]netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:50000"), netip.MustParseAddrPort("127.0.0.1:8080")}
	uid, err := findSocketUID(strings.NewReader(tcp), want)
	require.NoError(t, err)
	assert.Equal(t, 61001, uid)
	_, err = findSocketUID(strings.NewReader(tcp), [2]netip.AddrPort{want[1], want[0]})
	assert.ErrorIs(t, err, errNoSocket)

	// tcp6 with an IPv4-mapped address (::ffff:127.0.0.1) and ::1.
	tcp6 := `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000  1234        0 3 1
   1: 00000000000000000000000001000000:C351 00000000000000000000000001000000:1F90 01 00000000:00000000 00:00000000 00000000  4321        0 4 1
`
	uid, err = findSocketUID(strings.NewReader(tcp6), want)
	require.NoError(t, err)
	assert.Equal(t, 1234, uid)
	uid, err = findSocketUID(strings.NewReader(tcp6), [2]netip.AddrPort{netip.MustParseAddrPort("[::1]:50001"), netip.MustParseAddrPort("[::1]:8080")})
	require.NoError(t, err)
	assert.Equal(t, 4321, uid)

	_, err = parseProcNetAddr("zz:1")
	assert.Error(t, err)
}
