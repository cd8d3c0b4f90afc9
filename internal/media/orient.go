package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
)

// EXIF orientation values (TIFF tag 0x0112). The name tells where the
// stored image's first row and first column belong when it is shown.
const (
	orientNormal     = 1 // row 0 top, column 0 left
	orientFlipH      = 2 // row 0 top, column 0 right
	orientRotate180  = 3 // row 0 bottom, column 0 right
	orientFlipV      = 4 // row 0 bottom, column 0 left
	orientTranspose  = 5 // row 0 left, column 0 top
	orientRotate90   = 6 // row 0 right, column 0 top: turn 90° clockwise
	orientTransverse = 7 // row 0 right, column 0 bottom
	orientRotate270  = 8 // row 0 left, column 0 bottom: turn 90° counter-clockwise
)

const tagOrientation = 0x0112

var exifHeader = []byte("Exif\x00\x00")

// exifOrientation returns the EXIF orientation (1-8) of a JPEG file, read
// from IFD0 of the first "Exif\0\0" APP1 segment. It returns 1 when the
// data is not a JPEG, has no such segment, or the segment is malformed in
// any way. It reads only inside data and never panics.
func exifOrientation(data []byte) int {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return orientNormal
	}
	i := 2
	for i+1 < len(data) {
		if data[i] != 0xFF {
			return orientNormal // not at a marker: malformed
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0xD8, marker == 0x01, marker >= 0xD0 && marker <= 0xD7:
			// Markers without a length field.
			i += 2
			continue
		case marker == 0xDA, marker == 0xD9:
			// Start of scan or end of image: the metadata segments are
			// all before this.
			return orientNormal
		}
		if i+4 > len(data) {
			return orientNormal
		}
		length := int(binary.BigEndian.Uint16(data[i+2:])) // includes itself
		if length < 2 || i+2+length > len(data) {
			return orientNormal
		}
		seg := data[i+4 : i+2+length]
		if marker == 0xE1 && bytes.HasPrefix(seg, exifHeader) {
			return tiffOrientation(seg[len(exifHeader):])
		}
		i += 2 + length
	}
	return orientNormal
}

// tiffOrientation returns the Orientation tag of IFD0 in a TIFF structure
// (as found in an EXIF segment), or 1 when it is absent, out of range or
// the structure is malformed. Both byte orders are read.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return orientNormal
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return orientNormal
	}
	// Offsets are uint32; compute in uint64 so nothing can overflow, and
	// compare against len(t) before every read.
	n := uint64(len(t))
	off := uint64(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > n {
		return orientNormal
	}
	count := uint64(bo.Uint16(t[off:]))
	for k := uint64(0); k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > n {
			return orientNormal
		}
		if bo.Uint16(t[e:]) != tagOrientation {
			continue
		}
		typ := bo.Uint16(t[e+2:])
		cnt := bo.Uint32(t[e+4:])
		if typ != 3 || cnt < 1 { // must be SHORT; one value fits inline
			return orientNormal
		}
		v := int(bo.Uint16(t[e+8:]))
		if v < orientNormal || v > orientRotate270 {
			return orientNormal
		}
		return v
	}
	return orientNormal
}

// applyOrientation returns img turned and mirrored so that it shows
// upright for the given EXIF orientation. For 1 (or any unknown value) it
// returns img itself. Gray and CMYK images keep their type; anything else
// becomes *image.RGBA.
func applyOrientation(img image.Image, o int) image.Image {
	if o <= orientNormal || o > orientRotate270 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= orientTranspose {
		dw, dh = h, w
	}
	switch src := img.(type) {
	case *image.Gray:
		dst := image.NewGray(image.Rect(0, 0, dw, dh))
		remap(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, w, h, 1, o)
		return dst
	case *image.CMYK:
		dst := image.NewCMYK(image.Rect(0, 0, dw, dh))
		remap(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, w, h, 4, o)
		return dst
	}
	// JPEG mostly decodes to *image.YCbCr; draw.Draw converts that to RGBA
	// on a fast path. The second copy is cheap next to decoding.
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	}
	r := rgba.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	remap(dst.Pix, dst.Stride, rgba.Pix[rgba.PixOffset(r.Min.X, r.Min.Y):], rgba.Stride, w, h, 4, o)
	return dst
}

// remap copies a w×h source of bpp-byte pixels into dst, placing source
// pixel (x, y) where orientation o says it belongs. dst is w×h for
// orientations 2-4 and h×w for 5-8.
//
// The destination position is linear in x and y, (dx, dy) =
// (ax·x + bx·y + cx, ay·x + by·y + cy), so the loop only adds steps.
func remap(dst []byte, dstStride int, src []byte, srcStride, w, h, bpp, o int) {
	var ax, bx, cx, ay, by, cy int
	switch o {
	case orientFlipH: // (w-1-x, y)
		ax, cx, by = -1, w-1, 1
	case orientRotate180: // (w-1-x, h-1-y)
		ax, cx, by, cy = -1, w-1, -1, h-1
	case orientFlipV: // (x, h-1-y)
		ax, by, cy = 1, -1, h-1
	case orientTranspose: // (y, x)
		bx, ay = 1, 1
	case orientRotate90: // (h-1-y, x)
		bx, cx, ay = -1, h-1, 1
	case orientTransverse: // (h-1-y, w-1-x)
		bx, cx, ay, cy = -1, h-1, -1, w-1
	case orientRotate270: // (y, w-1-x)
		bx, ay, cy = 1, -1, w-1
	default:
		return
	}
	stepX := ax*bpp + ay*dstStride
	stepY := bx*bpp + by*dstStride
	rowStart := cx*bpp + cy*dstStride
	for y := 0; y < h; y++ {
		row := src[y*srcStride : y*srcStride+w*bpp]
		d := rowStart
		for s := 0; s < len(row); s += bpp {
			copy(dst[d:d+bpp], row[s:s+bpp])
			d += stepX
		}
		rowStart += stepY
	}
}
