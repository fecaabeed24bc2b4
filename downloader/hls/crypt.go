package hls

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"io"
)

// IV is the initialization vector of a segment (RFC 8216 §5.2): the key's
// IV attribute when present, else the media sequence number as a 128-bit
// big-endian integer.
func IV(k *Key, seq uint64) [16]byte {
	if k.HasIV {
		return k.IV
	}
	var iv [16]byte
	binary.BigEndian.PutUint64(iv[8:], seq)
	return iv
}

// Decrypter is a writer that undoes AES-128-CBC on what is written to it
// and passes the plaintext on to w, holding back the last block until
// Close checks its PKCS#7 padding (RFC 8216 §4.3.2.4, RFC 5652 §6.3).
type Decrypter struct {
	w    io.Writer
	mode cipher.BlockMode
	buf  []byte // ciphertext not yet decrypted: less than two blocks
	out  []byte
	n    int64 // plaintext bytes passed on
}

// NewDecrypter returns a Decrypter for key (16 bytes; ErrBadKey otherwise)
// and iv writing plaintext to w.
func NewDecrypter(w io.Writer, key []byte, iv [16]byte) (*Decrypter, error) {
	if len(key) != 16 {
		return nil, fmt.Errorf("%d bytes: %w", len(key), ErrBadKey)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrBadKey)
	}
	return &Decrypter{w: w, mode: cipher.NewCBCDecrypter(b, iv[:])}, nil
}

// Write decrypts every whole block but the last one seen so far.
func (d *Decrypter) Write(p []byte) (int, error) {
	d.buf = append(d.buf, p...)
	// Keep at least one block back: it may be the padded last one.
	n := (len(d.buf) - 1) / aes.BlockSize * aes.BlockSize
	if n <= 0 {
		return len(p), nil
	}
	d.out = append(d.out[:0], d.buf[:n]...)
	d.mode.CryptBlocks(d.out, d.out)
	d.buf = append(d.buf[:0], d.buf[n:]...)
	if _, err := d.w.Write(d.out); err != nil {
		return 0, err
	}
	d.n += int64(n)
	return len(p), nil
}

// Close decrypts the last block, checks and strips its padding, and
// writes the rest. It fails with ErrBadPadding when the ciphertext was
// not a whole number of blocks or the padding is wrong (wrong key).
func (d *Decrypter) Close() error {
	if len(d.buf) != aes.BlockSize {
		return fmt.Errorf("%d trailing bytes: %w", len(d.buf), ErrBadPadding)
	}
	last := make([]byte, aes.BlockSize)
	d.mode.CryptBlocks(last, d.buf)
	pad := int(last[aes.BlockSize-1])
	if pad < 1 || pad > aes.BlockSize {
		return fmt.Errorf("pad byte %d: %w", pad, ErrBadPadding)
	}
	for _, b := range last[aes.BlockSize-pad:] {
		if int(b) != pad {
			return fmt.Errorf("pad bytes differ: %w", ErrBadPadding)
		}
	}
	d.buf = d.buf[:0]
	if _, err := d.w.Write(last[:aes.BlockSize-pad]); err != nil {
		return err
	}
	d.n += int64(aes.BlockSize - pad)
	return nil
}

// Written is how many plaintext bytes were passed on.
func (d *Decrypter) Written() int64 { return d.n }

// Encrypt is the inverse of Decrypter, for test servers: AES-128-CBC with
// PKCS#7 padding.
func Encrypt(plain, key []byte, iv [16]byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrBadKey)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	out := make([]byte, len(plain)+pad)
	copy(out, plain)
	for i := len(plain); i < len(out); i++ {
		out[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(b, iv[:]).CryptBlocks(out, out)
	return out, nil
}
