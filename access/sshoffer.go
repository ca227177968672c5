package access

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"time"
)

// maxKexInitPacket bounds the server's first packet; a KEXINIT with every
// algorithm OpenSSH knows is under 2 KiB, and RFC 4253 requires
// implementations to handle packets of 35,000 bytes.
const maxKexInitPacket = 35000

// ReadSSHOffer connects to the SSH server at addr ("host:port"), exchanges
// version banners and reads the server's KEXINIT, then hangs up without
// authenticating. It is how the host audit sees the algorithms a server
// really offers (including kex-strict-s-v00@openssh.com, the strict key
// exchange that closes Terrapin, which `sshd -T` does not print). Without
// a deadline on ctx it gives up after 10 seconds.
func ReadSSHOffer(ctx context.Context, addr string) (*SSHOffer, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("access: read SSH offer of %s: %w", addr, err)
	}
	defer conn.Close()
	dl, _ := ctx.Deadline()
	_ = conn.SetDeadline(dl)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	offer, err := readOffer(conn)
	if err != nil {
		return nil, fmt.Errorf("access: read SSH offer of %s: %w", addr, err)
	}
	return offer, nil
}

func readOffer(conn io.ReadWriter) (*SSHOffer, error) {
	if _, err := io.WriteString(conn, "SSH-2.0-opskit_audit\r\n"); err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(conn, 4096)
	// RFC 4253 4.2: the server may send other lines before its banner.
	var banner string
	for i := 0; ; i++ {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return nil, fmt.Errorf("version banner: %w", err)
		}
		if s := strings.TrimRight(string(line), "\r\n"); strings.HasPrefix(s, "SSH-") {
			banner = s
			break
		}
		if i > 20 {
			return nil, fmt.Errorf("no SSH version banner in the first 20 lines")
		}
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("KEXINIT: %w", err)
	}
	n, pad := binary.BigEndian.Uint32(hdr[:4]), uint32(hdr[4])
	if n < 1+pad+1+16 || n > maxKexInitPacket {
		return nil, fmt.Errorf("KEXINIT: bad packet length %d", n)
	}
	payload := make([]byte, n-1)
	if _, err := io.ReadFull(r, payload); err != nil {
		return nil, fmt.Errorf("KEXINIT: %w", err)
	}
	payload = payload[:len(payload)-int(pad)]
	if payload[0] != 20 {
		return nil, fmt.Errorf("KEXINIT: first message has type %d, want 20", payload[0])
	}
	rest := payload[17:]
	var lists [10][]string
	for i := range lists {
		if len(rest) < 4 {
			return nil, fmt.Errorf("KEXINIT: name-list %d truncated", i+1)
		}
		l := binary.BigEndian.Uint32(rest[:4])
		if uint32(len(rest)-4) < l {
			return nil, fmt.Errorf("KEXINIT: name-list %d truncated", i+1)
		}
		if l > 0 {
			lists[i] = strings.Split(string(rest[4:4+l]), ",")
		}
		rest = rest[4+l:]
	}
	return &SSHOffer{
		Banner:  banner,
		Kex:     lists[0],
		HostKey: lists[1],
		Ciphers: union(lists[2], lists[3]),
		MACs:    union(lists[4], lists[5]),
	}, nil
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
