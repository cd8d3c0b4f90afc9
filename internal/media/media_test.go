package media

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// ---- helpers that build test files ----

var (
	red    = color.RGBA{255, 0, 0, 255}
	green  = color.RGBA{0, 255, 0, 255}
	blue   = color.RGBA{0, 0, 255, 255}
	yellow = color.RGBA{255, 255, 0, 255}
)

// quadImage returns a w×h image whose four quadrants are tl, tr, bl, br.
func quadImage(w, h int, tl, tr, bl, br color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := tl
			switch {
			case x >= w/2 && y < h/2:
				c = tr
			case x < w/2 && y >= h/2:
				c = bl
			case x >= w/2 && y >= h/2:
				c = br
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testCamera = "TekotoriTestCam"

// exifTIFF builds the TIFF part of an EXIF block: IFD0 with Make,
// Orientation and a pointer to a GPS IFD holding latitude 60°10'12.34"N.
func exifTIFF(bo binary.ByteOrder, orientation uint16) []byte {
	b := make([]byte, 120)
	if bo == binary.ByteOrder(binary.LittleEndian) {
		copy(b, "II*\x00")
	} else {
		copy(b, "MM\x00*")
	}
	bo.PutUint32(b[4:], 8)
	p := 8
	entry := func(tag, typ uint16, count, val uint32) {
		bo.PutUint16(b[p:], tag)
		bo.PutUint16(b[p+2:], typ)
		bo.PutUint32(b[p+4:], count)
		if typ == 3 && count == 1 {
			bo.PutUint16(b[p+8:], uint16(val))
		} else {
			bo.PutUint32(b[p+8:], val)
		}
		p += 12
	}
	bo.PutUint16(b[p:], 3)
	p += 2
	entry(0x010F, 2, 16, 50) // Make, ASCII at 50
	entry(0x0112, 3, 1, uint32(orientation))
	entry(0x8825, 4, 1, 66) // GPS IFD at 66
	bo.PutUint32(b[p:], 0)  // no IFD1
	copy(b[50:], testCamera+"\x00")
	p = 66
	bo.PutUint16(b[p:], 2)
	p += 2
	entry(0x0001, 2, 2, 0) // GPSLatitudeRef "N", inline
	copy(b[p-4:], "N\x00")
	entry(0x0002, 5, 3, 96) // GPSLatitude, 3 RATIONALs at 96
	bo.PutUint32(b[p:], 0)
	for i, v := range []uint32{60, 1, 10, 1, 1234, 100} {
		bo.PutUint32(b[96+4*i:], v)
	}
	return b
}

// segment returns a JPEG marker segment.
func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

func exifSegment(bo binary.ByteOrder, orientation uint16) []byte {
	return segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(bo, orientation)...))
}

// withSegments inserts segments right after a JPEG's SOI marker.
func withSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// jpegMarkers lists the markers of a JPEG's segments before the scan.
func jpegMarkers(t *testing.T, data []byte) []byte {
	t.Helper()
	var ms []byte
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := data[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			return ms
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	t.Fatal("no SOS marker")
	return nil
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// withChunks inserts chunks right after a PNG's IHDR chunk.
func withChunks(p []byte, chunks ...[]byte) []byte {
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	out := append([]byte{}, p[:afterIHDR]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[afterIHDR:]...)
}

// pngChunkTypes lists the chunk types of a PNG.
func pngChunkTypes(t *testing.T, data []byte) []string {
	t.Helper()
	var ts []string
	for i := 8; i+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		ts = append(ts, string(data[i+4:i+8]))
		i += 12 + n
	}
	return ts
}

// pngHeader returns a PNG signature and IHDR claiming w×h RGBA, with a
// valid CRC, and nothing else.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
}

func decodeAny(t *testing.T, data []byte, contentType string) image.Image {
	t.Helper()
	var (
		img image.Image
		err error
	)
	switch contentType {
	case TypeJPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
	case TypePNG:
		img, err = png.Decode(bytes.NewReader(data))
	default:
		t.Fatalf("content type %q", contentType)
	}
	if err != nil {
		t.Fatalf("decoding %s: %v", contentType, err)
	}
	return img
}

func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool {
		x := int(a>>8) - int(b)
		return x > -60 && x < 60
	}
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func mustRead(t *testing.T, data []byte) *File {
	t.Helper()
	f, err := ReadImage(bytes.NewReader(data), MaxImageBytes)
	if err != nil {
		t.Fatalf("ReadImage: %v", err)
	}
	return f
}

// ---- ReadImage ----

func TestReadImagePNG(t *testing.T) {
	src := quadImage(200, 100, red, green, blue, yellow)
	// The client may have called it "photo.jpg" and sent image/jpeg:
	// neither reaches this package, only the bytes do.
	f := mustRead(t, encodePNG(t, src))
	if f.Kind != KindImage || f.ContentType != TypePNG {
		t.Errorf("kind %q type %q, want image, image/png", f.Kind, f.ContentType)
	}
	if f.Width != 200 || f.Height != 100 {
		t.Errorf("size %dx%d, want 200x100", f.Width, f.Height)
	}
	if f.Size != int64(len(f.Data)) {
		t.Errorf("Size %d, len(Data) %d", f.Size, len(f.Data))
	}
	out := decodeAny(t, f.Data, TypePNG)
	for _, p := range []struct {
		x, y int
		c    color.RGBA
	}{{0, 0, red}, {199, 0, green}, {0, 99, blue}, {199, 99, yellow}} {
		if got := color.RGBAModel.Convert(out.At(p.x, p.y)); got != p.c {
			t.Errorf("pixel %d,%d = %v, want %v (PNG must be lossless)", p.x, p.y, got, p.c)
		}
	}
	// Opaque PNG: JPEG thumbnail, not upscaled.
	if f.ThumbType != TypeJPEG {
		t.Errorf("thumb type %q, want image/jpeg", f.ThumbType)
	}
	if b := decodeAny(t, f.Thumb, f.ThumbType).Bounds(); b.Dx() != 200 || b.Dy() != 100 {
		t.Errorf("thumb %v, want 200x100 (never upscaled)", b)
	}
}

func TestReadImageJPEG(t *testing.T) {
	f := mustRead(t, encodeJPEG(t, quadImage(64, 32, red, green, blue, yellow)))
	if f.ContentType != TypeJPEG || f.Width != 64 || f.Height != 32 {
		t.Errorf("got %s %dx%d", f.ContentType, f.Width, f.Height)
	}
	if !bytes.HasPrefix(f.Data, []byte{0xFF, 0xD8}) {
		t.Error("Data is not a JPEG")
	}
}

func TestReadImageDefaultLimit(t *testing.T) {
	data := encodePNG(t, quadImage(8, 8, red, green, blue, yellow))
	if _, err := ReadImage(bytes.NewReader(data), 1<<30); err != nil {
		t.Fatalf("max 0 should mean the default: %v", err)
	}
}

func TestThumbnails(t *testing.T) {
	opaqueNRGBA := image.NewNRGBA(image.Rect(0, 0, 960, 100))
	for i := range opaqueNRGBA.Pix {
		opaqueNRGBA.Pix[i] = 200
		if i%4 == 3 {
			opaqueNRGBA.Pix[i] = 255
		}
	}
	transparent := image.NewNRGBA(image.Rect(0, 0, 960, 100))
	for y := 0; y < 100; y++ {
		for x := 480; x < 960; x++ { // right half opaque red, left half clear
			transparent.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
		}
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		w, h     int
		thumbTyp string
	}{
		{"jpeg 1000x500", encodeJPEG(t, quadImage(1000, 500, red, green, blue, yellow)), 480, 240, TypeJPEG},
		{"jpeg 481x3", encodeJPEG(t, quadImage(481, 3, red, green, blue, yellow)), 480, 3, TypeJPEG},
		{"png 3000x1", encodePNG(t, quadImage(3000, 1, red, green, blue, yellow)), 480, 1, TypeJPEG},
		{"png 1000x3", encodePNG(t, quadImage(1000, 3, red, green, blue, yellow)), 480, 1, TypeJPEG},
		{"jpeg 480x900 exact width", encodeJPEG(t, quadImage(480, 900, red, green, blue, yellow)), 480, 900, TypeJPEG},
		{"jpeg 300x200 small", encodeJPEG(t, quadImage(300, 200, red, green, blue, yellow)), 300, 200, TypeJPEG},
		{"png 1x1", encodePNG(t, quadImage(1, 1, red, red, red, red)), 1, 1, TypeJPEG},
		{"png with alpha channel but opaque", encodePNG(t, opaqueNRGBA), 480, 50, TypeJPEG},
		{"png transparent", encodePNG(t, transparent), 480, 50, TypePNG},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mustRead(t, tc.data)
			if f.ThumbType != tc.thumbTyp {
				t.Errorf("thumb type %q, want %q", f.ThumbType, tc.thumbTyp)
			}
			th := decodeAny(t, f.Thumb, f.ThumbType)
			if b := th.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Errorf("thumb %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.w, tc.h)
			}
		})
	}

	// The transparent thumbnail keeps its transparency and colours.
	f := mustRead(t, encodePNG(t, transparent))
	th := decodeAny(t, f.Thumb, f.ThumbType)
	if _, _, _, a := th.At(10, 25).RGBA(); a != 0 {
		t.Errorf("left of thumb has alpha %d, want 0", a)
	}
	if c := th.At(470, 25); !near(c, red) {
		t.Errorf("right of thumb is %v, want red", c)
	}
}

func TestOrientationApplied(t *testing.T) {
	// Stored image 64x32: quadrants a b / c d.
	a, b, c, d := red, green, blue, yellow
	src := encodeJPEG(t, quadImage(64, 32, a, b, c, d))
	// How the quadrants must appear once shown upright, per the EXIF
	// definition of each orientation.
	want := map[uint16][4]color.RGBA{
		1: {a, b, c, d},
		2: {b, a, d, c},
		3: {d, c, b, a},
		4: {c, d, a, b},
		5: {a, c, b, d},
		6: {c, a, d, b},
		7: {d, b, c, a},
		8: {b, d, a, c},
	}
	for o := uint16(1); o <= 8; o++ {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			t.Run(fmt.Sprintf("%d/%v", o, bo), func(t *testing.T) {
				f := mustRead(t, withSegments(src, segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")), exifSegment(bo, o)))
				w, h := 64, 32
				if o >= 5 {
					w, h = 32, 64
				}
				if f.Width != w || f.Height != h {
					t.Fatalf("size %dx%d, want %dx%d", f.Width, f.Height, w, h)
				}
				img := decodeAny(t, f.Data, TypeJPEG)
				if ib := img.Bounds(); ib.Dx() != w || ib.Dy() != h {
					t.Fatalf("encoded size %v, want %dx%d", ib, w, h)
				}
				centers := [4]image.Point{{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}}
				for i, p := range centers {
					if got := img.At(p.X, p.Y); !near(got, want[o][i]) {
						t.Errorf("quadrant %d at %v is %v, want %v", i, p, got, want[o][i])
					}
				}
				// The thumbnail is made from the upright image too.
				th := decodeAny(t, f.Thumb, f.ThumbType)
				if tb := th.Bounds(); tb.Dx() != w || tb.Dy() != h {
					t.Errorf("thumb %v, want %dx%d", tb, w, h)
				}
				if got := th.At(w/4, h/4); !near(got, want[o][0]) {
					t.Errorf("thumb top-left is %v, want %v", got, want[o][0])
				}
			})
		}
	}
}

func TestApplyOrientationPixels(t *testing.T) {
	// Stored image 3x2:  a b c
	//                    d e f
	// Expected upright images from the EXIF orientation definitions,
	// written out by hand rather than computed.
	want := map[int][]string{
		1: {"abc", "def"},
		2: {"cba", "fed"},
		3: {"fed", "cba"},
		4: {"def", "abc"},
		5: {"ad", "be", "cf"},
		6: {"da", "eb", "fc"},
		7: {"fc", "eb", "da"},
		8: {"cf", "be", "ad"},
	}
	letters := []string{"abc", "def"}
	val := func(ch byte) uint8 { return (ch-'a'+1)*10 + 1 }

	// Each source type, placed at a non-zero origin to exercise the
	// offset arithmetic.
	origin := image.Pt(5, 7)
	r := image.Rectangle{origin, origin.Add(image.Pt(3, 2))}
	big := image.Rect(0, 0, 10, 10)
	rgba, gray, cmyk := image.NewRGBA(big), image.NewGray(big), image.NewCMYK(big)
	ycc := image.NewYCbCr(image.Rect(0, 0, 3, 2), image.YCbCrSubsampleRatio444)
	for y, row := range letters {
		for x := range row {
			v := val(row[x])
			p := origin.Add(image.Pt(x, y))
			rgba.SetRGBA(p.X, p.Y, color.RGBA{v, v + 1, v + 2, 255})
			gray.SetGray(p.X, p.Y, color.Gray{v})
			cmyk.SetCMYK(p.X, p.Y, color.CMYK{v, v + 1, v + 2, v + 3})
			ycc.Y[ycc.YOffset(x, y)] = v
			ycc.Cb[ycc.COffset(x, y)] = 128
			ycc.Cr[ycc.COffset(x, y)] = 128
		}
	}
	sources := map[string]image.Image{
		"rgba":  rgba.SubImage(r),
		"gray":  gray.SubImage(r),
		"cmyk":  cmyk.SubImage(r),
		"ycbcr": ycc,
	}
	for name, src := range sources {
		for o := 1; o <= 8; o++ {
			got := applyOrientation(src, o)
			rows := want[o]
			gb := got.Bounds()
			if gb.Dx() != len(rows[0]) || gb.Dy() != len(rows) {
				t.Errorf("%s/%d: size %v, want %dx%d", name, o, gb, len(rows[0]), len(rows))
				continue
			}
			for y, row := range rows {
				for x := range row {
					v := val(row[x])
					at := got.At(gb.Min.X+x, gb.Min.Y+y)
					ok := false
					switch c := at.(type) {
					case color.RGBA:
						if name == "ycbcr" { // grey through YCbCr: R=G=B=Y
							ok = c.R == v && c.G == v && c.B == v
						} else {
							ok = c == color.RGBA{v, v + 1, v + 2, 255}
						}
					case color.Gray:
						ok = c.Y == v
					case color.CMYK:
						ok = c == color.CMYK{v, v + 1, v + 2, v + 3}
					case color.YCbCr: // orientation 1 returns the source
						ok = c.Y == v
					}
					if !ok {
						t.Errorf("%s/%d: pixel %d,%d = %v, want %q", name, o, x, y, at, row[x])
					}
				}
			}
		}
	}
	// Unknown values leave the image alone.
	for _, o := range []int{0, -1, 9, 1000} {
		if got := applyOrientation(rgba, o); got != image.Image(rgba) {
			t.Errorf("orientation %d changed the image", o)
		}
	}
}

func TestMetadataStrippedJPEG(t *testing.T) {
	src := encodeJPEG(t, quadImage(64, 32, red, green, blue, yellow))
	xmp := segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>secret-xmp</x:xmpmeta>"))
	com := segment(0xFE, []byte("secret-comment"))
	icc := segment(0xE2, []byte("ICC_PROFILE\x00\x01\x01secret-icc"))
	in := withSegments(src, exifSegment(binary.BigEndian, 6), xmp, com, icc)
	in = append(in, []byte("PK\x03\x04secret-trailer")...) // appended polyglot payload
	if exifOrientation(in) != 6 {
		t.Fatal("test input has no orientation")
	}
	f := mustRead(t, in)
	for _, s := range []string{"Exif", testCamera, "secret", "xmpmeta", "ICC_PROFILE", "PK\x03\x04"} {
		if bytes.Contains(f.Data, []byte(s)) || bytes.Contains(f.Thumb, []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}
	for _, data := range [][]byte{f.Data, f.Thumb} {
		for _, m := range jpegMarkers(t, data) {
			if m >= 0xE0 && m <= 0xEF || m == 0xFE {
				t.Errorf("output has metadata segment FF %X", m)
			}
		}
		if exifOrientation(data) != 1 {
			t.Error("output still carries an orientation")
		}
	}
	// And the GPS rational (60/1) is nowhere in the output.
	gps := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 60), 1)
	if bytes.Contains(f.Data, gps) {
		t.Error("output contains the GPS latitude")
	}
}

func TestMetadataStrippedPNG(t *testing.T) {
	src := encodePNG(t, quadImage(32, 32, red, green, blue, yellow))
	in := withChunks(src,
		pngChunk("tEXt", []byte("Comment\x00secret-text")),
		pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00secret-xmp")),
		pngChunk("eXIf", exifTIFF(binary.LittleEndian, 6)),
		pngChunk("tIME", []byte{0x07, 0xE8, 1, 2, 3, 4, 5}),
	)
	f := mustRead(t, in)
	for _, typ := range pngChunkTypes(t, f.Data) {
		switch typ {
		case "IHDR", "PLTE", "tRNS", "IDAT", "IEND":
		default:
			t.Errorf("output has chunk %q", typ)
		}
	}
	for _, s := range []string{"secret", testCamera} {
		if bytes.Contains(f.Data, []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}
	// PNG orientation is not applied (only JPEG's EXIF is read).
	if f.Width != 32 || f.Height != 32 {
		t.Errorf("size %dx%d", f.Width, f.Height)
	}
}

// countingReader is an endless stream that counts what was read from it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xFF
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestTooLarge(t *testing.T) {
	data := encodePNG(t, quadImage(50, 50, red, green, blue, yellow))
	n := int64(len(data))
	if _, err := ReadImage(bytes.NewReader(data), n-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("max len-1: got %v, want ErrTooLarge", err)
	}
	if _, err := ReadImage(bytes.NewReader(data), n); err != nil {
		t.Errorf("max len: %v", err)
	}

	for _, read := range []func(io.Reader, int64) (*File, error){ReadImage, ReadAttachment} {
		cr := &countingReader{}
		const max = 1000
		if _, err := read(cr, max); !errors.Is(err, ErrTooLarge) {
			t.Errorf("endless input: got %v, want ErrTooLarge", err)
		}
		if cr.n > max+1 {
			t.Errorf("read %d bytes for a limit of %d", cr.n, max)
		}
	}

	pdf := []byte("%PDF-1.4\n%%EOF\n")
	if _, err := ReadAttachment(bytes.NewReader(pdf), int64(len(pdf)-1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("pdf: got %v, want ErrTooLarge", err)
	}
}

func TestEmpty(t *testing.T) {
	if _, err := ReadImage(bytes.NewReader(nil), MaxImageBytes); !errors.Is(err, ErrEmpty) {
		t.Errorf("ReadImage: got %v, want ErrEmpty", err)
	}
	if _, err := ReadAttachment(strings.NewReader(""), MaxAttachmentBytes); !errors.Is(err, ErrEmpty) {
		t.Errorf("ReadAttachment: got %v, want ErrEmpty", err)
	}
}

func TestReaderError(t *testing.T) {
	boom := errors.New("connection reset")
	for _, read := range []func(io.Reader, int64) (*File, error){ReadImage, ReadAttachment} {
		_, err := read(iotest.ErrReader(boom), 100)
		if !errors.Is(err, boom) {
			t.Errorf("got %v, want the reader's error", err)
		}
		for _, s := range []error{ErrTooLarge, ErrUnsupported, ErrCorrupt, ErrTooManyPixels, ErrEmpty} {
			if errors.Is(err, s) {
				t.Errorf("reader failure reported as %v", s)
			}
		}
	}
}

func TestUnsupported(t *testing.T) {
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, quadImage(8, 8, red, green, blue, yellow), nil); err != nil {
		t.Fatal(err)
	}
	var zipBuf bytes.Buffer
	zw := zip.NewWriter(&zipBuf)
	w, _ := zw.Create("photo.png")
	w.Write(encodePNG(t, quadImage(8, 8, red, green, blue, yellow)))
	zw.Close()

	webp := []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00\x02\x00\x34\x25\xa4\x00\x03\x70\x00\xfe\xfb\x94\x00\x00")
	cases := map[string][]byte{
		"gif":             gifBuf.Bytes(),
		"webp":            webp,
		"html":            []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"),
		"svg":             []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`),
		"zip":             zipBuf.Bytes(),
		"pdf":             []byte("%PDF-1.7\n%%EOF\n"),
		"bmp":             []byte("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"),
		"png after space": append([]byte(" "), encodePNG(t, quadImage(8, 8, red, green, blue, yellow))...),
		"jpeg soi only":   {0xFF, 0xD8},
	}
	for name, data := range cases {
		if _, err := ReadImage(bytes.NewReader(data), MaxImageBytes); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: got %v, want ErrUnsupported", name, err)
		}
	}
}

func TestCorrupt(t *testing.T) {
	jpg := encodeJPEG(t, quadImage(64, 64, red, green, blue, yellow))
	pngData := encodePNG(t, quadImage(64, 64, red, green, blue, yellow))
	badCRC := append([]byte{}, pngData...)
	badCRC[8+4+4+13] ^= 0xFF
	cases := map[string][]byte{
		"jpeg truncated":      jpg[:len(jpg)/2],
		"jpeg header only":    jpg[:len(jpg)-len(jpg)/4*3],
		"jpeg magic, garbage": append([]byte{0xFF, 0xD8, 0xFF}, bytes.Repeat([]byte("x"), 100)...),
		"png truncated":       pngData[:len(pngData)/2],
		"png signature only":  pngData[:8],
		"png bad IHDR crc":    badCRC,
		"png zero width":      pngHeader(0, 10),
	}
	for name, data := range cases {
		if _, err := ReadImage(bytes.NewReader(data), MaxImageBytes); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
}

func TestDecompressionBomb(t *testing.T) {
	jpg := encodeJPEG(t, quadImage(16, 16, red, green, blue, yellow))
	sof := bytes.Index(jpg, []byte{0xFF, 0xC0})
	if sof < 0 {
		t.Fatal("no SOF0")
	}
	bombJPEG := append([]byte{}, jpg...)
	binary.BigEndian.PutUint16(bombJPEG[sof+5:], 65000) // height
	binary.BigEndian.PutUint16(bombJPEG[sof+7:], 65000) // width

	for name, data := range map[string][]byte{
		"png 100000x100000": pngHeader(100000, 100000),
		"png 1x2^31-1":      pngHeader(1, 1<<31-1),
		"jpeg 65000x65000":  bombJPEG,
	} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadImage(bytes.NewReader(data), MaxImageBytes)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooManyPixels) {
			t.Errorf("%s: got %v, want ErrTooManyPixels", name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: allocated %d bytes before refusing", name, n)
		}
	}

	// The limit itself: exactly at it passes, one pixel over fails.
	data := encodePNG(t, quadImage(100, 100, red, green, blue, yellow))
	if _, err := readImage(bytes.NewReader(data), MaxImageBytes, 10000); err != nil {
		t.Errorf("at the pixel limit: %v", err)
	}
	if _, err := readImage(bytes.NewReader(data), MaxImageBytes, 9999); !errors.Is(err, ErrTooManyPixels) {
		t.Errorf("over the pixel limit: got %v", err)
	}
}

// ---- EXIF orientation parser ----

func TestExifOrientation(t *testing.T) {
	soi := []byte{0xFF, 0xD8}
	sos := []byte{0xFF, 0xDA, 0x00, 0x02}
	jfif := segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	xmp := segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x/>"))
	le6 := exifSegment(binary.LittleEndian, 6)
	be8 := exifSegment(binary.BigEndian, 8)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	patch := func(seg []byte, at int, b ...byte) []byte {
		s := append([]byte{}, seg...)
		copy(s[4+6+at:], b) // offset inside the TIFF block
		return s
	}

	cases := []struct {
		name string
		data []byte
		want int
	}{
		{"empty", nil, 1},
		{"not jpeg", []byte("hello world"), 1},
		{"no exif", cat(soi, jfif, sos), 1},
		{"little endian 6", cat(soi, le6, sos), 6},
		{"big endian 8", cat(soi, be8, sos), 8},
		{"after JFIF and XMP", cat(soi, jfif, xmp, be8, sos), 8},
		{"fill bytes", cat(soi, []byte{0xFF, 0xFF, 0xFF}, le6[1:], sos), 6},
		{"each value le", cat(soi, exifSegment(binary.LittleEndian, 3)), 3},
		{"each value be", cat(soi, exifSegment(binary.BigEndian, 5)), 5},
		{"value 0", cat(soi, exifSegment(binary.BigEndian, 0)), 1},
		{"value 9", cat(soi, exifSegment(binary.BigEndian, 9)), 1},
		{"value 0xFFFF", cat(soi, exifSegment(binary.LittleEndian, 0xFFFF)), 1},
		{"exif after SOS ignored", cat(soi, sos, le6), 1},
		{"segment longer than file", cat(soi, le6[:len(le6)-10]), 1},
		{"segment length 0", cat(soi, []byte{0xFF, 0xE1, 0, 0}, le6), 1},
		{"segment length 1", cat(soi, []byte{0xFF, 0xE1, 0, 1}, le6), 1},
		{"only marker", cat(soi, []byte{0xFF, 0xE1}), 1},
		{"junk between segments", cat(soi, jfif, []byte{0x00}, le6), 1},
		{"bad byte order", cat(soi, patch(le6, 0, 'I', 'M')), 1},
		{"IFD offset 0", cat(soi, patch(le6, 4, 0, 0, 0, 0)), 1},
		{"IFD offset past end", cat(soi, patch(le6, 4, 0xF0, 0, 0, 0)), 1},
		{"IFD offset 2^32-1", cat(soi, patch(le6, 4, 0xFF, 0xFF, 0xFF, 0xFF)), 1},
		// A count beyond the data: entries that are there are still read,
		// reading stops at the end.
		{"entry count huge", cat(soi, patch(le6, 8, 0xFF, 0xFF)), 6},
		{"entry count huge, no orientation", cat(soi, patch(patch(le6, 8, 0xFF, 0xFF), 8+2+12, 0x13, 0x02)), 1},
		{"orientation as LONG", cat(soi, patch(le6, 8+2+12+2, 4, 0)), 1},
		{"orientation count 0", cat(soi, patch(le6, 8+2+12+4, 0, 0, 0, 0)), 1},
		{"tiff header only", cat(soi, segment(0xE1, []byte("Exif\x00\x00II*\x00"))), 1},
		{"exif header only", cat(soi, segment(0xE1, []byte("Exif\x00\x00"))), 1},
	}
	for _, tc := range cases {
		if got := exifOrientation(tc.data); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
	// The TIFF reader directly.
	if got := tiffOrientation(exifTIFF(binary.BigEndian, 7)); got != 7 {
		t.Errorf("tiff be 7: got %d", got)
	}
	if got := tiffOrientation(exifTIFF(binary.LittleEndian, 2)); got != 2 {
		t.Errorf("tiff le 2: got %d", got)
	}
}

// ---- ReadAttachment ----

func TestReadAttachment(t *testing.T) {
	body := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n"
	ok := map[string]string{
		"plain":                      body + "%%EOF",
		"newline after":              body + "%%EOF\n",
		"crlf and spaces after":      body + "%%EOF\r\n  \t\x00\n",
		"lots of whitespace after":   body + "%%EOF" + strings.Repeat(" \n", 2000),
		"junk within 1024 after EOF": body + "%%EOF\n" + strings.Repeat("x", 1000),
		"pdf 2.0":                    "%PDF-2.0\n%%EOF\n",
		"incremental update":         body + "%%EOF\n" + body[9:] + "%%EOF\n",
	}
	for name, s := range ok {
		f, err := ReadAttachment(strings.NewReader(s), MaxAttachmentBytes)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if f.Kind != KindAttachment || f.ContentType != TypePDF || string(f.Data) != s || f.Size != int64(len(s)) {
			t.Errorf("%s: got %+v", name, f)
		}
		if f.Thumb != nil || f.Width != 0 {
			t.Errorf("%s: attachment has image fields", name)
		}
	}

	pngData := string(encodePNG(t, quadImage(8, 8, red, green, blue, yellow)))
	bad := map[string]struct {
		data string
		want error
	}{
		"leading space":                {" " + body + "%%EOF", ErrUnsupported},
		"leading BOM":                  {"\xef\xbb\xbf" + body + "%%EOF", ErrUnsupported},
		"leading junk 100 bytes":       {strings.Repeat("j", 100) + body + "%%EOF", ErrUnsupported},
		"lower case":                   {"%pdf-1.7\n%%EOF", ErrUnsupported},
		"no dash":                      {"%PDF1.7\n%%EOF", ErrUnsupported},
		"png":                          {pngData, ErrUnsupported},
		"html":                         {"<html><body>%PDF-1.7 %%EOF</body></html>", ErrUnsupported},
		"zip":                          {"PK\x03\x04%PDF-1.7%%EOF", ErrUnsupported},
		"truncated, no EOF":            {body, ErrCorrupt},
		"header only":                  {"%PDF-", ErrCorrupt},
		"EOF further than 1024 bytes":  {body + "%%EOF\n" + strings.Repeat("x", 1100), ErrCorrupt},
		"EOF only at start":            {"%PDF-1.7 %%EOF\n" + strings.Repeat("0", 5000), ErrCorrupt},
		"EOF marker split by newline":  {body + "%%EO\nF", ErrCorrupt},
		"EOF overlapping header magic": {"%PDF%%EOF", ErrUnsupported},
	}
	for name, tc := range bad {
		if _, err := ReadAttachment(strings.NewReader(tc.data), MaxAttachmentBytes); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
}

// ---- fuzz tests ----

// fuzzPixels keeps each fuzz run small; the code path is the same as
// ReadImage's.
const fuzzPixels = 1 << 16

var sentinels = []error{ErrTooLarge, ErrUnsupported, ErrCorrupt, ErrTooManyPixels, ErrEmpty}

func isSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func FuzzReadImage(f *testing.F) {
	jpg := encodeJPEG(f, quadImage(16, 8, red, green, blue, yellow))
	f.Add(jpg)
	f.Add(withSegments(jpg, exifSegment(binary.LittleEndian, 6)))
	f.Add(withSegments(jpg, exifSegment(binary.BigEndian, 7)))
	f.Add(jpg[:len(jpg)/2])
	f.Add(encodePNG(f, quadImage(16, 8, red, green, blue, yellow)))
	tr := image.NewNRGBA(image.Rect(0, 0, 9, 5))
	tr.SetNRGBA(1, 1, color.NRGBA{1, 2, 3, 4})
	f.Add(encodePNG(f, tr))
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.Transparent})
	f.Add(encodePNG(f, pal))
	f.Add(encodePNG(f, image.NewGray16(image.Rect(0, 0, 3, 3))))
	f.Add(pngHeader(100000, 100000))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := readImage(bytes.NewReader(data), 1<<20, fuzzPixels)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error %v is none of the package's errors", err)
			}
			return
		}
		if file.Width <= 0 || file.Height <= 0 || int64(file.Width)*int64(file.Height) > fuzzPixels {
			t.Fatalf("size %dx%d", file.Width, file.Height)
		}
		if file.ContentType != TypeJPEG && file.ContentType != TypePNG {
			t.Fatalf("content type %q", file.ContentType)
		}
		if len(file.Thumb) == 0 || file.Size != int64(len(file.Data)) {
			t.Fatalf("thumb %d bytes, size %d, data %d", len(file.Thumb), file.Size, len(file.Data))
		}
		// What we publish must itself pass.
		again, err := readImage(bytes.NewReader(file.Data), 1<<30, fuzzPixels)
		if err != nil {
			t.Fatalf("re-encoded image rejected: %v", err)
		}
		if again.Width != file.Width || again.Height != file.Height {
			t.Fatalf("re-read size %dx%d, want %dx%d", again.Width, again.Height, file.Width, file.Height)
		}
	})
}

func FuzzReadAttachment(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"))
	f.Add([]byte("%PDF-1.7\n"))
	f.Add([]byte("%PDF-%%EOF"))
	f.Add([]byte(" %PDF-1.7\n%%EOF"))
	f.Add([]byte("%PDF-1.7\n%%EOF" + strings.Repeat(" ", 2000)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ReadAttachment(bytes.NewReader(data), 4096)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error %v is none of the package's errors", err)
			}
			return
		}
		if !bytes.HasPrefix(file.Data, []byte("%PDF-")) || !bytes.Contains(file.Data, []byte("%%EOF")) {
			t.Fatalf("accepted %q", data)
		}
		if !bytes.Equal(file.Data, data) || file.Size != int64(len(data)) || len(data) > 4096 {
			t.Fatal("data changed or over the limit")
		}
	})
}

func FuzzExifOrientation(f *testing.F) {
	soi := []byte{0xFF, 0xD8}
	for o := uint16(0); o <= 9; o++ {
		f.Add(append(append([]byte{}, soi...), exifSegment(binary.LittleEndian, o)...))
		f.Add(append(append([]byte{}, soi...), exifSegment(binary.BigEndian, o)...))
	}
	f.Add(exifTIFF(binary.LittleEndian, 6))
	f.Add(exifTIFF(binary.BigEndian, 3))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, '*', 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("exifOrientation = %d", o)
		}
		if o := tiffOrientation(data); o < 1 || o > 8 {
			t.Fatalf("tiffOrientation = %d", o)
		}
		// Whatever the parser says, turning a small image by it must
		// keep every pixel.
		src := image.NewGray(image.Rect(0, 0, 3, 2))
		for i := range src.Pix {
			src.Pix[i] = uint8(i + 1)
		}
		got := applyOrientation(src, exifOrientation(data)).(*image.Gray)
		sum := 0
		for _, p := range got.Pix {
			sum += int(p)
		}
		if sum != 21 || len(got.Pix) != 6 {
			t.Fatalf("pixels lost: %v", got.Pix)
		}
	})
}

// BenchmarkReadImagePhoto measures a phone-sized photo (12 MP, turned by
// EXIF) through the whole pipeline.
func BenchmarkReadImagePhoto(b *testing.B) {
	img := quadImage(4000, 3000, red, green, blue, yellow)
	for i := range img.Pix { // some texture so the encoders do real work
		img.Pix[i] ^= uint8(i * 7)
	}
	data := withSegments(encodeJPEG(b, img), exifSegment(binary.LittleEndian, 6))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadImage(bytes.NewReader(data), 1<<30); err != nil {
			b.Fatal(err)
		}
	}
}

// deepPNG writes a PNG header and compressed rows of a w×h 16-bit RGBA
// image of zeros: a few hundred kilobytes that decode to 8 bytes a pixel.
func deepPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		buf.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		buf.WriteString(typ)
		buf.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		buf.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // 16 bits, RGBA
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	row := make([]byte, 1+w*8)
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return buf.Bytes()
}

// A small 16-bit PNG whose pixels would take hundreds of megabytes is
// refused from its header, before any pixel memory is allocated.
func TestDeepImageRefusedBeforeDecoding(t *testing.T) {
	data := deepPNG(t, 5000, 4000) // 20 Mpx, under the pixel limit; 160 MB decoded
	if len(data) > MaxImageBytes {
		t.Fatalf("test image is %d bytes", len(data))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadImage(bytes.NewReader(data), 0)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("ReadImage: %v, want ErrTooManyPixels", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 32<<20 {
		t.Fatalf("refusing it allocated %d MB", grown>>20)
	}
	// The same pixels at 8 bits fit in the byte bound.
	if n := int64(5000*4000) * bytesPerPixel(color.NRGBAModel); n > MaxDecodedBytes {
		t.Fatalf("an 8-bit 20 Mpx image (%d bytes) would be refused", n)
	}
}
