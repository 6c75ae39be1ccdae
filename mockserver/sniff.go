package mockserver

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// sniffed is what the leading bytes of a file say about it.
type sniffed struct {
	rt     string // image, video or raw
	format string // "" for raw
	width  int
	height int
}

// sniff detects the format and, for PNG, JPEG, GIF, WebP and BMP, the pixel
// dimensions from a file's leading bytes.
func sniff(b []byte) sniffed {
	switch {
	case len(b) >= 24 && bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return sniffed{"image", "png", int(binary.BigEndian.Uint32(b[16:20])), int(binary.BigEndian.Uint32(b[20:24]))}
	case len(b) >= 10 && (bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))):
		return sniffed{"image", "gif", int(binary.LittleEndian.Uint16(b[6:8])), int(binary.LittleEndian.Uint16(b[8:10]))}
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		w, h := jpegSize(b)
		return sniffed{"image", "jpg", w, h}
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		w, h := webpSize(b)
		return sniffed{"image", "webp", w, h}
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "AVI ":
		return sniffed{rt: "video", format: "avi"}
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return sniffed{rt: "video", format: "wav"}
	case len(b) >= 26 && b[0] == 'B' && b[1] == 'M':
		w := int(int32(binary.LittleEndian.Uint32(b[18:22])))
		h := int(int32(binary.LittleEndian.Uint32(b[22:26])))
		if h < 0 {
			h = -h
		}
		if w > 0 {
			return sniffed{"image", "bmp", w, h}
		}
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return sniffed{rt: "image", format: "pdf"}
	case len(b) >= 4 && (bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*"))):
		return sniffed{rt: "image", format: "tiff"}
	case len(b) >= 4 && bytes.HasPrefix(b, []byte{0, 0, 1, 0}):
		return sniffed{rt: "image", format: "ico"}
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		if string(b[8:10]) == "qt" {
			return sniffed{rt: "video", format: "mov"}
		}
		return sniffed{rt: "video", format: "mp4"}
	case len(b) >= 4 && bytes.HasPrefix(b, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return sniffed{rt: "video", format: "webm"}
	case bytes.HasPrefix(b, []byte("OggS")):
		return sniffed{rt: "video", format: "ogg"}
	case bytes.HasPrefix(b, []byte("ID3")):
		return sniffed{rt: "video", format: "mp3"}
	case bytes.HasPrefix(b, []byte("fLaC")):
		return sniffed{rt: "video", format: "flac"}
	}
	if isSVG(b) {
		return sniffed{rt: "image", format: "svg"}
	}
	return sniffed{rt: "raw"}
}

func isSVG(b []byte) bool {
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	s := strings.TrimSpace(string(head))
	return strings.HasPrefix(s, "<svg") || (strings.HasPrefix(s, "<?xml") && strings.Contains(s, "<svg"))
}

// jpegSize scans JPEG markers for a start-of-frame segment.
func jpegSize(b []byte) (int, int) {
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			i++
			continue
		}
		marker := b[i+1]
		if marker == 0xFF {
			i++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			i += 2
			continue
		}
		if i+4 > len(b) {
			break
		}
		segLen := int(binary.BigEndian.Uint16(b[i+2 : i+4]))
		if segLen < 2 {
			break
		}
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			if i+9 <= len(b) {
				h := int(binary.BigEndian.Uint16(b[i+5 : i+7]))
				w := int(binary.BigEndian.Uint16(b[i+7 : i+9]))
				return w, h
			}
			break
		}
		i += 2 + segLen
	}
	return 0, 0
}

func webpSize(b []byte) (int, int) {
	if len(b) < 30 {
		return 0, 0
	}
	switch string(b[12:16]) {
	case "VP8 ":
		if b[23] == 0x9d && b[24] == 0x01 && b[25] == 0x2a {
			w := int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff)
			h := int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff)
			return w, h
		}
	case "VP8L":
		if b[20] == 0x2f {
			v := binary.LittleEndian.Uint32(b[21:25])
			return int(v&0x3fff) + 1, int((v>>14)&0x3fff) + 1
		}
	case "VP8X":
		w := int(uint32(b[24])|uint32(b[25])<<8|uint32(b[26])<<16) + 1
		h := int(uint32(b[27])|uint32(b[28])<<8|uint32(b[29])<<16) + 1
		return w, h
	}
	return 0, 0
}

// contentTypes maps stored formats to delivery Content-Types.
var contentTypes = map[string]string{
	"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
	"bmp": "image/bmp", "pdf": "application/pdf", "tiff": "image/tiff", "ico": "image/x-icon", "svg": "image/svg+xml",
	"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "avi": "video/x-msvideo", "ogg": "video/ogg",
	"mp3": "audio/mpeg", "wav": "audio/wav", "flac": "audio/flac", "zip": "application/zip", "json": "application/json",
	"txt": "text/plain; charset=utf-8", "csv": "text/csv",
}

func contentTypeFor(format, publicID string) string {
	if ct, ok := contentTypes[format]; ok {
		return ct
	}
	if i := strings.LastIndexByte(publicID, '.'); i >= 0 {
		if ct, ok := contentTypes[strings.ToLower(publicID[i+1:])]; ok {
			return ct
		}
	}
	return "application/octet-stream"
}

// placeholderPNG is the 1x1 transparent PNG stored for unreachable remote
// URLs when WithOfflineRemoteURLs is set.
var placeholderPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x62, 0x62, 0x60, 0x60, 0x60,
	0x00, 0x04, 0x00, 0x00, 0xff, 0xff, 0x00, 0x0f, 0x00, 0x03, 0xfe, 0x8f, 0xeb, 0xcf, 0x00, 0x00,
	0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
}
