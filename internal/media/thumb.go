package media

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	xdraw "golang.org/x/image/draw"
)

// thumbSize returns the size of the thumbnail of a w×h image: at most
// ThumbWidth wide, aspect ratio kept (rounded, at least 1 pixel high), and
// never larger than the image.
func thumbSize(w, h int) (int, int) {
	if w <= ThumbWidth {
		return w, h
	}
	th := (int64(h)*ThumbWidth + int64(w)/2) / int64(w)
	if th < 1 {
		th = 1
	}
	return ThumbWidth, int(th)
}

// maxJPEGSide is the largest width or height a JPEG can record.
const maxJPEGSide = 65535

// makeThumb scales img down to the thumbnail size and encodes it: as PNG
// when transparent is true (a PNG source with transparent pixels), else as
// JPEG of quality 85. A thumbnail too tall for JPEG (a PNG strip under
// ThumbWidth wide and over 65535 high) is a PNG as well.
//
// Scaling uses golang.org/x/image/draw's CatmullRom kernel. When shrinking,
// that package widens the kernel by the scale factor, so every source pixel
// contributes: the result is a proper low-pass filter (no aliasing or
// moiré on the large reductions typical of 4000-pixel photos) and stays
// sharp. ApproxBiLinear reads only 4 source pixels per output pixel and
// aliases badly at such ratios, and a hand-written area average would be
// more code of our own to maintain for a slightly softer picture.
func makeThumb(img image.Image, transparent bool) ([]byte, string, error) {
	b := img.Bounds()
	tw, th := thumbSize(b.Dx(), b.Dy())
	thumb := img
	if tw != b.Dx() || th != b.Dy() {
		dst := image.NewRGBA(image.Rect(0, 0, tw, th))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
		thumb = dst
	}
	var buf bytes.Buffer
	if transparent || th > maxJPEGSide {
		if err := png.Encode(&buf, thumb); err != nil {
			return nil, "", fmt.Errorf("media: encoding thumbnail: %w", err)
		}
		return buf.Bytes(), TypePNG, nil
	}
	if err := jpeg.Encode(&buf, thumb, &jpeg.Options{Quality: thumbJPEGQuality}); err != nil {
		return nil, "", fmt.Errorf("media: encoding thumbnail: %w", err)
	}
	return buf.Bytes(), TypeJPEG, nil
}
