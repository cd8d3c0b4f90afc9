// Package media checks uploaded files by their content and prepares images
// for publishing.
//
// Nothing here trusts the file name or the Content-Type the client sent:
// the functions take only the bytes. Images (JPEG and PNG) are decoded and
// re-encoded from their pixels, which drops every piece of metadata the
// camera or editor left in the file (EXIF with GPS position, XMP, comments,
// ICC and text chunks) and anything appended after the image data.
// Attachments are PDFs, accepted only when their header and trailer look
// like a PDF's; their content is stored as sent, so the web layer must serve
// them as downloads (Content-Disposition: attachment, the Content-Type from
// File, and X-Content-Type-Options: nosniff).
package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"github.com/tekotori/tekotori/internal/fault"
)

// Default limits. Callers pass the byte limits to ReadImage and
// ReadAttachment; a limit of zero or less means the default below.
const (
	MaxImageBytes      = 10 << 20 // 10 MiB
	MaxAttachmentBytes = 20 << 20 // 20 MiB
	// MaxImagePixels guards against decompression bombs: a small file whose
	// header claims a huge image. It is checked on the header alone, before
	// any pixel memory is allocated.
	MaxImagePixels = 40_000_000
	// MaxDecodedBytes bounds the memory of one decoded image: pixels times
	// the bytes each takes in the decoder's colour model, so a 16-bit PNG
	// (8 bytes a pixel) is held to a fifth of the pixels of a JPEG. It too
	// is checked on the header alone. Re-encoding and the thumbnail need
	// about as much again.
	MaxDecodedBytes = 128 << 20
	// ThumbWidth is the largest width of a thumbnail; smaller images are
	// never upscaled.
	ThumbWidth = 480
)

// Quality settings of the JPEG encoder.
const (
	imageJPEGQuality = 88
	thumbJPEGQuality = 85
)

// Kind tells what an upload is used for.
type Kind string

const (
	KindImage      Kind = "image"
	KindAttachment Kind = "attachment"
)

// Content types that this package produces.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypePDF  = "application/pdf"
)

// File is an upload that passed the checks.
type File struct {
	Kind Kind
	// ContentType is "image/jpeg", "image/png" or "application/pdf",
	// judged from the content.
	ContentType string
	// Data is what to store: for images the re-encoded image without any
	// metadata, for attachments the bytes as received.
	Data []byte
	// Width and Height are the image's size after its EXIF orientation was
	// applied (images only).
	Width, Height int
	// Thumb is a JPEG or PNG at most ThumbWidth wide (images only).
	Thumb []byte
	// ThumbType is the content type of Thumb (images only).
	ThumbType string
	// Size is len(Data).
	Size int64
}

// Errors returned by ReadImage and ReadAttachment, wrapped with context;
// test for them with errors.Is. They are bad input (fault.Invalid). A
// failure of the reader itself (a broken connection) is returned wrapped as
// it is and matches none of these.
var (
	ErrTooLarge      = fault.New(fault.Invalid, "media: file too large")
	ErrUnsupported   = fault.New(fault.Invalid, "media: unsupported file type")
	ErrCorrupt       = fault.New(fault.Invalid, "media: file is damaged or unreadable")
	ErrTooManyPixels = fault.New(fault.Invalid, "media: image dimensions too large")
	ErrEmpty         = fault.New(fault.Invalid, "media: empty file")
)

var (
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicPDF  = []byte("%PDF-")
	pdfEOF    = []byte("%%EOF")
)

// pdfTrailerWindow is how close to the end (after trailing whitespace)
// the "%%EOF" marker must be.
const pdfTrailerWindow = 1024

// readUpTo reads all of r but never more than max+1 bytes, so that an
// oversized upload is detected without reading it all.
func readUpTo(r io.Reader, max int64) ([]byte, error) {
	limit := max
	if limit < math.MaxInt64 {
		limit++
	}
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("media: reading upload: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	return data, nil
}

// ReadImage reads a JPEG or PNG image of at most max bytes from r (max <= 0
// means MaxImageBytes), checks it, and returns it re-encoded without
// metadata, upright according to its EXIF orientation, with a thumbnail.
//
// The type is judged by the leading magic bytes only; anything that is not
// JPEG or PNG gives ErrUnsupported. An image whose header claims more than
// MaxImagePixels pixels gives ErrTooManyPixels before it is decoded.
func ReadImage(r io.Reader, max int64) (*File, error) {
	return readImage(r, max, MaxImagePixels)
}

// readImage is ReadImage with the pixel limit as a parameter, so that the
// fuzz test can keep each run small.
func readImage(r io.Reader, max int64, maxPixels int64) (*File, error) {
	if max <= 0 {
		max = MaxImageBytes
	}
	data, err := readUpTo(r, max)
	if err != nil {
		return nil, err
	}

	var (
		contentType string
		decodeCfg   func(io.Reader) (image.Config, error)
		decode      func(io.Reader) (image.Image, error)
	)
	// The decoders are called directly, not through image.Decode, so that
	// formats registered elsewhere in the program (GIF, WebP, ...) are never
	// accepted here.
	switch {
	case bytes.HasPrefix(data, magicJPEG):
		contentType, decodeCfg, decode = TypeJPEG, jpeg.DecodeConfig, jpeg.Decode
	case bytes.HasPrefix(data, magicPNG):
		contentType, decodeCfg, decode = TypePNG, png.DecodeConfig, png.Decode
	default:
		return nil, fmt.Errorf("%w: not a JPEG or PNG image", ErrUnsupported)
	}

	cfg, err := decodeCfg(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(contentType, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %s header gives size %dx%d", ErrCorrupt, contentType, cfg.Width, cfg.Height)
	}
	// Both sides fit in int32 in either format, so the product cannot
	// overflow int64.
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, fmt.Errorf("%w: %dx%d is over %d pixels", ErrTooManyPixels, cfg.Width, cfg.Height, maxPixels)
	}
	if n := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel); n > MaxDecodedBytes {
		return nil, fmt.Errorf("%w: %dx%d would take %d bytes to decode", ErrTooManyPixels, cfg.Width, cfg.Height, n)
	}

	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(contentType, err)
	}
	b := img.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		// Never seen with the standard decoders; refuse rather than trust
		// a size that was not checked.
		return nil, fmt.Errorf("%w: decoded size differs from header", ErrCorrupt)
	}

	if contentType == TypeJPEG {
		img = applyOrientation(img, exifOrientation(data))
	}

	var out bytes.Buffer
	if contentType == TypeJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: imageJPEGQuality})
	} else {
		err = png.Encode(&out, img)
	}
	if err != nil {
		return nil, fmt.Errorf("media: encoding %s: %w", contentType, err)
	}

	thumb, thumbType, err := makeThumb(img, contentType == TypePNG && !isOpaque(img))
	if err != nil {
		return nil, err
	}

	b = img.Bounds()
	return &File{
		Kind:        KindImage,
		ContentType: contentType,
		Data:        out.Bytes(),
		Width:       b.Dx(),
		Height:      b.Dy(),
		Thumb:       thumb,
		ThumbType:   thumbType,
		Size:        int64(out.Len()),
	}, nil
}

// decodeError turns a decoder's error into one of the package's errors.
func decodeError(contentType string, err error) error {
	var ju jpeg.UnsupportedError
	var pu png.UnsupportedError
	if errors.As(err, &ju) || errors.As(err, &pu) {
		// A real JPEG or PNG using a feature the decoder lacks (for
		// example arithmetic-coded JPEG).
		return fmt.Errorf("%w: %s: %v", ErrUnsupported, contentType, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrCorrupt, contentType, err)
}

// isOpaque reports whether every pixel of img is fully opaque. All image
// types the PNG decoder returns have an Opaque method; anything else is
// taken as possibly transparent.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// ReadAttachment reads a PDF of at most max bytes from r (max <= 0 means
// MaxAttachmentBytes) and returns it unchanged.
//
// The content must start with "%PDF-" at offset 0 (no leading junk is
// tolerated), otherwise ErrUnsupported; and "%%EOF" must appear within the
// last 1024 bytes once trailing whitespace is ignored, otherwise the file
// is taken as truncated: ErrCorrupt. The PDF is not parsed further.
func ReadAttachment(r io.Reader, max int64) (*File, error) {
	if max <= 0 {
		max = MaxAttachmentBytes
	}
	data, err := readUpTo(r, max)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, magicPDF) {
		return nil, fmt.Errorf("%w: not a PDF document", ErrUnsupported)
	}
	body := data[len(magicPDF):]
	// PDF white-space characters (ISO 32000-1, 7.2.2).
	tail := bytes.TrimRight(body, "\x00\t\n\f\r ")
	if len(tail) > pdfTrailerWindow {
		tail = tail[len(tail)-pdfTrailerWindow:]
	}
	if !bytes.Contains(tail, pdfEOF) {
		return nil, fmt.Errorf("%w: PDF has no %%%%EOF marker at its end (truncated?)", ErrCorrupt)
	}
	return &File{
		Kind:        KindAttachment,
		ContentType: TypePDF,
		Data:        data,
		Size:        int64(len(data)),
	}, nil
}

// bytesPerPixel is what the standard decoders allocate a pixel for in
// model; JPEG's YCbCr is counted as unsubsampled, the worst case.
func bytesPerPixel(model color.Model) int64 {
	switch model {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return 4
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := model.(color.Palette); ok {
		return 1
	}
	return 8
}
