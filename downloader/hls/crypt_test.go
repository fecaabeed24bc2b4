package hls

import (
	"bytes"
	"errors"
	"testing"
)

func TestIV(t *testing.T) {
	k := &Key{Method: MethodAES128}
	iv := IV(k, 0x0102)
	if !bytes.Equal(iv[:], append(make([]byte, 14), 1, 2)) {
		t.Errorf("implied IV %x", iv)
	}
	k.IV, k.HasIV = [16]byte{9}, true
	if IV(k, 5) != k.IV {
		t.Error("explicit IV ignored")
	}
}

func TestDecrypter(t *testing.T) {
	key := []byte("0123456789abcdef")
	iv := [16]byte{1, 2, 3}
	for _, size := range []int{0, 1, 15, 16, 17, 188 * 7, 4096} {
		plain := make([]byte, size)
		for i := range plain {
			plain[i] = byte(i * 7)
		}
		enc, err := Encrypt(plain, key, iv)
		if err != nil {
			t.Fatal(err)
		}
		// Written in awkward pieces, as a network delivers it.
		for _, step := range []int{1, 5, 16, 1000} {
			var out bytes.Buffer
			d, err := NewDecrypter(&out, key, iv)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(enc); i += step {
				if _, err := d.Write(enc[i:min(len(enc), i+step)]); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Close(); err != nil {
				t.Fatalf("size %d step %d: %v", size, step, err)
			}
			if !bytes.Equal(out.Bytes(), plain) || d.Written() != int64(size) {
				t.Fatalf("size %d step %d: plaintext differs", size, step)
			}
		}
	}
}

func TestDecrypterRefuses(t *testing.T) {
	key := []byte("0123456789abcdef")
	enc, _ := Encrypt([]byte("hello, segment"), key, [16]byte{})
	cases := map[string]struct {
		data []byte
		key  []byte
		want error
	}{
		"wrong key": {enc, []byte("fedcba9876543210"), ErrBadPadding},
		"truncated": {enc[:len(enc)-3], key, ErrBadPadding},
		"empty":     {nil, key, ErrBadPadding},
		"short key": {enc, key[:8], ErrBadKey},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			d, err := NewDecrypter(&out, c.key, [16]byte{})
			if err == nil {
				_, _ = d.Write(c.data)
				err = d.Close()
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}
