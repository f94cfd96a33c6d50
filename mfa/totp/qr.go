package totp

import (
	"encoding/base64"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// quiet is the margin around a QR code, in modules (the standard's four).
const quiet = 4

// QRCode returns text as a QR code (error correction level M): an SVG
// image as a data: URI, for an <img> (the CSP allows img-src data:). The
// SVG is drawn from the code's modules as one path, no styles.
func QRCode(text string) (string, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("totp: QR code: %w", err)
	}
	n := code.Bounds().Dx()
	size := strconv.Itoa(n + 2*quiet)
	var path strings.Builder
	for y := range n {
		for x := 0; x < n; x++ {
			if !dark(code.At(x, y)) {
				continue
			}
			run := 1
			for x+run < n && dark(code.At(x+run, y)) {
				run++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run - 1
		}
	}
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + size + ` ` + size + `" width="` + size + `" height="` + size +
		`" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="` + path.String() + `"/></svg>`
	return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg)), nil
}

// dark reports whether a module's colour is the foreground (black).
func dark(c color.Color) bool {
	g, _ := color.GrayModel.Convert(c).(color.Gray)
	return g.Y < 0x80
}
