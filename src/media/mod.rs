//! Media: turns an uploaded photo into the files the site serves.
//!
//! Owns format detection, size and pixel limits, metadata stripping (by
//! re-encoding every output), the responsive JPEG variants and the social
//! card crop. It is pure — bytes in, bytes out — and must not touch files,
//! the network or the database; storing the results is the caller's job.

pub mod demo;

use std::fmt;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Rgb, RgbImage, Rgba};

/// Lists the widths (px) of the responsive variants made for every photo.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
/// Gives the size (width, height) of the social card crop.
pub const CARD: (u32, u32) = (1200, 630);

const ORIGINAL_QUALITY: u8 = 90;
const VARIANT_QUALITY: u8 = 82;
const FILTER: FilterType = FilterType::Lanczos3;
const MIB: usize = 1024 * 1024;

/// Caps what an upload may cost before and while it is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Caps the file size, in bytes.
    pub max_bytes: usize,
    /// Caps the image width, in pixels.
    pub max_width: u32,
    /// Caps the image height, in pixels.
    pub max_height: u32,
    /// Caps the memory the decoder may allocate, in bytes.
    pub max_alloc: u64,
}

impl Default for Limits {
    /// Returns 20 MiB, 12000 × 12000 pixels and 512 MiB of decoder memory.
    fn default() -> Self {
        Self { max_bytes: 20 * MIB, max_width: 12_000, max_height: 12_000, max_alloc: 512 * MIB as u64 }
    }
}

impl Limits {
    // Header parsing gets no width/height caps: the PNG decoder would refuse
    // before telling us the size, and editors deserve the actual numbers.
    fn header_limits(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(self.max_alloc);
        limits
    }

    fn decode_limits(&self) -> image::Limits {
        let mut limits = self.header_limits();
        limits.max_image_width = Some(self.max_width);
        limits.max_image_height = Some(self.max_height);
        limits
    }
}

/// Explains why an upload was refused; `Display` texts are shown to editors.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Refuses a file bigger than [`Limits::max_bytes`].
    #[error("The image is larger than {}. Please upload a smaller file.", human_size(.max))]
    TooLarge {
        /// Gives the file's size in bytes.
        size: usize,
        /// Gives the limit in bytes.
        max: usize,
    },
    /// Refuses anything that is not a JPEG, PNG or WebP image.
    #[error("Only JPEG, PNG and WebP images are accepted.")]
    Unsupported,
    /// Refuses an image wider, taller or hungrier than [`Limits`] allow.
    #[error(
        "The image is {width} × {height} pixels, which is too big to process. \
         Please use one of at most {max_width} × {max_height} pixels."
    )]
    TooManyPixels {
        /// Gives the image's width in pixels.
        width: u32,
        /// Gives the image's height in pixels.
        height: u32,
        /// Gives the width limit in pixels.
        max_width: u32,
        /// Gives the height limit in pixels.
        max_height: u32,
    },
    /// Reports a file that could not be decoded; the string carries the technical cause for logs.
    #[error("The image could not be read. The file may be damaged or incomplete.")]
    Decode(String),
    /// Reports an output that could not be encoded; the string carries the technical cause for logs.
    #[error("The image could not be converted. Please try again or use another file.")]
    Encode(String),
}

fn human_size(bytes: &usize) -> String {
    if *bytes >= MIB {
        format!("{} MB", bytes / MIB)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Names an accepted image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Marks a JPEG (JFIF/Exif) image.
    Jpeg,
    /// Marks a PNG image.
    Png,
    /// Marks a WebP image, lossy or lossless.
    Webp,
}

impl Format {
    /// Returns the MIME type, e.g. `image/jpeg`.
    pub fn mime(&self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
        }
    }

    /// Returns the usual file extension without a dot, e.g. `jpg`.
    pub fn ext(&self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
        }
    }

    /// Detects an accepted format from the file's magic bytes, or `None`.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else {
            None
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Webp => ImageFormat::WebP,
        }
    }
}

/// Holds one responsive JPEG rendition.
#[derive(Clone)]
pub struct Variant {
    /// Gives the width in pixels.
    pub width: u32,
    /// Gives the height in pixels.
    pub height: u32,
    /// Holds the JPEG bytes (quality 82, no metadata).
    pub jpeg: Vec<u8>,
}

/// Holds everything made from one upload, all free of metadata.
#[derive(Clone)]
pub struct Processed {
    /// Gives the original's width, after applying its EXIF orientation.
    pub width: u32,
    /// Gives the original's height, after applying its EXIF orientation.
    pub height: u32,
    /// Names the upload's format, which `original` keeps.
    pub format: Format,
    /// Holds the full-size image re-encoded in its own format (JPEG q90, PNG, lossless WebP).
    pub original: Vec<u8>,
    /// Holds the JPEG renditions, narrowest first; at least one.
    pub variants: Vec<Variant>,
    /// Holds the 1200 × 630 social card as JPEG.
    pub card: Vec<u8>,
}

// Hand-written so logs and test failures show sizes, not megabytes of bytes.
impl fmt::Debug for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Variant({}x{}, {} bytes)", self.width, self.height, self.jpeg.len())
    }
}

impl fmt::Debug for Processed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Processed")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("format", &self.format)
            .field("original_bytes", &self.original.len())
            .field("variants", &self.variants)
            .field("card_bytes", &self.card.len())
            .finish()
    }
}

/// Detects the format from the magic bytes (not from a file name or a declared content type); refuses everything except JPEG, PNG, WebP (so SVG, GIF, BMP, TIFF ... are refused with Unsupported).
///
/// Then decodes within `limits`, applies the EXIF orientation, and re-encodes
/// the original, the responsive variants and the social card.
///
/// # Errors
///
/// Returns [`MediaError`] when the file is too big, not an accepted format,
/// over the pixel or memory limits, undecodable, or (rarely) not re-encodable.
pub fn process(bytes: &[u8], limits: &Limits) -> Result<Processed, MediaError> {
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::TooLarge { size: bytes.len(), max: limits.max_bytes });
    }
    let format = Format::sniff(bytes).ok_or(MediaError::Unsupported)?;
    let img = decode(bytes, format, limits)?;
    let (width, height) = (img.width(), img.height());
    let lossless = encode_lossless(&img, format)?;
    let rgb = flatten(img);
    let original = match lossless {
        Some(encoded) => encoded,
        None => encode_jpeg(&rgb, ORIGINAL_QUALITY)?,
    };
    let variants = make_variants(&rgb)?;
    let card = encode_jpeg(&make_card(&rgb), VARIANT_QUALITY)?;
    Ok(Processed { width, height, format, original, variants, card })
}

fn decode(bytes: &[u8], format: Format, limits: &Limits) -> Result<DynamicImage, MediaError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(limits.header_limits());
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    let too_many =
        || MediaError::TooManyPixels { width, height, max_width: limits.max_width, max_height: limits.max_height };
    if width > limits.max_width || height > limits.max_height {
        return Err(too_many());
    }
    if width == 0 || height == 0 {
        return Err(MediaError::Decode("image has no pixels".into()));
    }
    // Reserving the output buffer up front is what makes max_alloc bite
    // before the pixels are allocated (ImageReader::decode does the same).
    let mut decode_limits = limits.decode_limits();
    decode_limits.reserve(decoder.total_bytes()).map_err(|_| too_many())?;
    decoder.set_limits(decode_limits).map_err(|_| too_many())?;
    // A broken Exif block should not cost the editor the upload.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => too_many(),
        other => decode_error(other),
    })?;
    img.apply_orientation(orientation);
    Ok(img)
}

// The magic bytes already matched, so even the decoder's "unsupported"
// (say, a 12-bit JPEG) is a file we cannot read, not a wrong format.
fn decode_error(e: ImageError) -> MediaError {
    MediaError::Decode(e.to_string())
}

fn encode_error(e: ImageError) -> MediaError {
    MediaError::Encode(e.to_string())
}

/// Re-encodes PNG and WebP losslessly; JPEG returns `None` and is encoded later from RGB.
fn encode_lossless(img: &DynamicImage, format: Format) -> Result<Option<Vec<u8>>, MediaError> {
    let mut buf = Vec::new();
    let written = match format {
        Format::Jpeg => return Ok(None),
        Format::Png => img.write_with_encoder(PngEncoder::new(&mut buf)),
        Format::Webp => img.write_with_encoder(WebPEncoder::new_lossless(&mut buf)),
    };
    written.map_err(encode_error)?;
    Ok(Some(buf))
}

fn encode_jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let mut buf = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut buf, quality)).map_err(encode_error)?;
    Ok(buf)
}

/// Converts to RGB8, compositing any transparency onto white.
fn flatten(img: DynamicImage) -> DynamicImage {
    if !img.color().has_alpha() {
        // For JPEG this is a move, not a copy.
        return DynamicImage::ImageRgb8(img.into_rgb8());
    }
    let rgba = img.into_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        *dst = over_white(*src);
    }
    DynamicImage::ImageRgb8(out)
}

fn over_white(Rgba([r, g, b, a]): Rgba<u8>) -> Rgb<u8> {
    let a = u16::from(a);
    let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
    Rgb([mix(r), mix(g), mix(b)])
}

/// Scales `len` by `to / from`, rounded to nearest and at least 1.
fn scaled(len: u32, from: u32, to: u32) -> u32 {
    let num = u64::from(len) * u64::from(to) + u64::from(from) / 2;
    let out = num / u64::from(from.max(1));
    u32::try_from(out).unwrap_or(u32::MAX).max(1)
}

/// Resizes to exactly `width` × `height` with a sharp filter.
fn resize(src: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    // Area-averaging down to twice the target first, then Lanczos for the
    // last step, looks the same as Lanczos alone at a fraction of the cost
    // on camera-sized photos. DynamicImage's methods (not the generic
    // imageops ones) also run at the dependency's opt-level in dev builds.
    let (w2, h2) = (width.saturating_mul(2), height.saturating_mul(2));
    if src.width() > w2 && src.height() > h2 {
        src.thumbnail_exact(w2, h2).resize_exact(width, height, FILTER)
    } else {
        src.resize_exact(width, height, FILTER)
    }
}

fn make_variants(rgb: &DynamicImage) -> Result<Vec<Variant>, MediaError> {
    let (w, h) = (rgb.width(), rgb.height());
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&t| t <= w).collect();
    if widths.is_empty() {
        widths.push(w);
    }
    // Largest first, each made from the previous one: far cheaper than
    // resampling a huge original three times, with no visible loss.
    let mut previous: Option<DynamicImage> = None;
    let mut out = Vec::with_capacity(widths.len());
    for &width in widths.iter().rev() {
        let height = scaled(h, w, width);
        let source = previous.as_ref().unwrap_or(rgb);
        if source.width() == width {
            out.push(Variant { width, height, jpeg: encode_jpeg(source, VARIANT_QUALITY)? });
            continue;
        }
        let resized = resize(source, width, height);
        out.push(Variant { width, height, jpeg: encode_jpeg(&resized, VARIANT_QUALITY)? });
        previous = Some(resized);
    }
    out.reverse();
    Ok(out)
}

/// Crops the centre to the card's aspect ratio, then resizes (up or down) to [`CARD`].
fn make_card(rgb: &DynamicImage) -> DynamicImage {
    let (w, h) = (rgb.width(), rgb.height());
    let (card_w, card_h) = CARD;
    // Integer cross-multiplication: no float rounding at the boundary.
    let wider = u64::from(w) * u64::from(card_h) > u64::from(h) * u64::from(card_w);
    let (crop_w, crop_h) =
        if wider { (scaled(h, card_h, card_w).min(w), h) } else { (w, scaled(w, card_w, card_h).min(h)) };
    let cropped = rgb.crop_imm((w - crop_w) / 2, (h - crop_h) / 2, crop_w, crop_h);
    resize(&cropped, card_w, card_h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8]))
    }

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        encode_jpeg(&DynamicImage::ImageRgb8(gradient(w, h)), 90).expect("test JPEG encodes")
    }

    fn dims(bytes: &[u8], format: ImageFormat) -> (u32, u32) {
        let img = image::load_from_memory_with_format(bytes, format).expect("output decodes");
        (img.width(), img.height())
    }

    /// Builds an APP1 Exif segment (big-endian TIFF) with one Orientation entry and `extra` appended.
    fn exif_segment(orientation: u16, extra: &[u8]) -> Vec<u8> {
        let mut tiff = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(extra);
        segment(0xE1, &tiff)
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(payload.len() + 2).expect("segment fits");
        let mut out = vec![0xFF, marker];
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// Inserts segments right after the JPEG's SOI marker.
    fn with_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        segments.iter().for_each(|s| out.extend_from_slice(s));
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len()).expect("chunk fits").to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
        out
    }

    /// Builds a tiny PNG whose header claims `w` × `h` RGB pixels.
    fn bomb_png(w: u32, h: u32) -> Vec<u8> {
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        out.extend(png_chunk(b"IHDR", &ihdr));
        out.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        out.extend(png_chunk(b"IEND", &[]));
        out
    }

    #[test]
    fn jpeg_round_trips_with_all_variants() {
        let p = process(&jpeg(2000, 1000), &Limits::default()).expect("processes");
        assert_eq!((p.width, p.height, p.format), (2000, 1000, Format::Jpeg));
        assert_eq!(dims(&p.original, ImageFormat::Jpeg), (2000, 1000));
        let sizes: Vec<(u32, u32)> = p.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, vec![(480, 240), (960, 480), (1600, 800)]);
        for v in &p.variants {
            assert_eq!(dims(&v.jpeg, ImageFormat::Jpeg), (v.width, v.height));
        }
    }

    #[test]
    fn exif_and_comments_are_stripped() {
        let marker = b"DATELINE-SECRET-GPS-48.8584N";
        let comment = segment(0xFE, b"DATELINE-SECRET-COMMENT");
        let input = with_segments(&jpeg(1000, 700), &[exif_segment(1, marker), comment]);
        assert!(contains(&input, marker));
        let p = process(&input, &Limits::default()).expect("processes");
        let outputs =
            std::iter::once(&p.original).chain(std::iter::once(&p.card)).chain(p.variants.iter().map(|v| &v.jpeg));
        for out in outputs {
            assert!(!contains(out, b"DATELINE-SECRET"));
            assert!(!contains(out, b"Exif"));
        }
    }

    #[test]
    fn exif_orientation_is_applied() {
        let input = with_segments(&jpeg(64, 32), &[exif_segment(6, b"")]);
        let p = process(&input, &Limits::default()).expect("processes");
        assert_eq!((p.width, p.height), (32, 64));
        assert_eq!(dims(&p.original, ImageFormat::Jpeg), (32, 64));
    }

    #[test]
    fn png_with_alpha_keeps_alpha_in_original_and_is_white_in_jpegs() {
        let img = image::RgbaImage::from_fn(600, 300, |x, _| Rgba([200, 30, 30, if x < 300 { 0 } else { 255 }]));
        let mut png = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut png)).expect("test PNG encodes");
        let p = process(&png, &Limits::default()).expect("processes");
        assert_eq!(p.format, Format::Png);
        assert_eq!(Format::sniff(&p.original), Some(Format::Png));
        let original = image::load_from_memory(&p.original).expect("decodes");
        assert!(original.color().has_alpha());
        assert_eq!(p.variants.len(), 1);
        let v = image::load_from_memory(&p.variants[0].jpeg).expect("decodes").to_rgb8();
        let Rgb([r, g, b]) = *v.get_pixel(100, 150);
        assert!(r > 245 && g > 245 && b > 245, "transparent area should be white");
    }

    #[test]
    fn webp_is_accepted_and_kept_as_webp() {
        let mut webp = Vec::new();
        gradient(500, 400).write_with_encoder(WebPEncoder::new_lossless(&mut webp)).expect("test WebP encodes");
        let p = process(&webp, &Limits::default()).expect("processes");
        assert_eq!((p.format, p.format.mime(), p.format.ext()), (Format::Webp, "image/webp", "webp"));
        assert_eq!(dims(&p.original, ImageFormat::WebP), (500, 400));
        assert_eq!(p.variants.len(), 1);
    }

    #[test]
    fn other_formats_are_refused() {
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#.to_vec();
        let bmp = b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
        let wav = b"RIFF\x24\0\0\0WAVEfmt ".to_vec();
        for bytes in [gif, svg, bmp, wav, b"just some text".to_vec(), Vec::new()] {
            let err = process(&bytes, &Limits::default()).expect_err("refused");
            assert!(matches!(err, MediaError::Unsupported), "{err:?}");
        }
        assert_eq!(MediaError::Unsupported.to_string(), "Only JPEG, PNG and WebP images are accepted.");
    }

    #[test]
    fn oversize_bytes_are_refused_before_decoding() {
        let limits = Limits { max_bytes: 1000, ..Limits::default() };
        let err = process(&jpeg(300, 300), &limits).expect_err("refused");
        assert!(matches!(err, MediaError::TooLarge { max: 1000, .. }), "{err:?}");
        let default = MediaError::TooLarge { size: 30 * MIB, max: Limits::default().max_bytes };
        assert!(default.to_string().starts_with("The image is larger than 20 MB."));
    }

    #[test]
    fn decompression_bomb_is_refused_fast() {
        let started = Instant::now();
        let err = process(&bomb_png(100_000, 100_000), &Limits::default()).expect_err("refused");
        assert!(started.elapsed() < Duration::from_secs(1));
        match err {
            MediaError::TooManyPixels { width, height, .. } => {
                assert_eq!((width, height), (100_000, 100_000))
            }
            other => panic!("expected TooManyPixels, got {other:?}"),
        }
    }

    #[test]
    fn memory_cap_is_enforced() {
        let limits = Limits { max_alloc: 10_000, ..Limits::default() };
        let err = process(&jpeg(200, 200), &limits).expect_err("refused");
        assert!(matches!(err, MediaError::TooManyPixels { .. }), "{err:?}");
    }

    #[test]
    fn card_is_exactly_1200_by_630() {
        for (w, h) in [(2000, 500), (300, 900), (1200, 630), (50, 40)] {
            let p = process(&jpeg(w, h), &Limits::default()).expect("processes");
            assert_eq!(dims(&p.card, ImageFormat::Jpeg), CARD, "from {w}x{h}");
        }
    }

    #[test]
    fn narrow_image_yields_one_variant_of_its_own_width() {
        let p = process(&jpeg(300, 200), &Limits::default()).expect("processes");
        let sizes: Vec<(u32, u32)> = p.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, vec![(300, 200)]);
        let p = process(&jpeg(480, 321), &Limits::default()).expect("processes");
        assert_eq!(p.variants.len(), 1);
        assert_eq!(dims(&p.variants[0].jpeg, ImageFormat::Jpeg), (480, 321));
    }

    #[test]
    fn damaged_files_are_decode_errors() {
        let mut png = Vec::new();
        gradient(400, 300).write_with_encoder(PngEncoder::new(&mut png)).expect("test PNG encodes");
        let jpeg = jpeg(400, 300);
        // zune-jpeg pads a JPEG cut mid-scan, so cut this one inside its headers.
        for cut in [&png[..png.len() / 2], &jpeg[..40]] {
            let err = process(cut, &Limits::default()).expect_err("refused");
            assert!(matches!(err, MediaError::Decode(_)), "{err:?}");
        }
    }

    #[test]
    #[ignore = "timing only: cargo test -- --ignored --nocapture"]
    fn time_a_camera_sized_photo() {
        let bytes = jpeg(6000, 4000);
        let started = Instant::now();
        let p = process(&bytes, &Limits::default()).expect("processes");
        println!("6000x4000 JPEG ({} bytes) took {:?}: {p:?}", bytes.len(), started.elapsed());
    }
}
