//! The painter behind the demo pictures: a seeded random source, colours and
//! gradients, and a floating-point canvas that fills anti-aliased shapes given
//! as signed distances, then finishes (vignette, tint, grain) and encodes JPEG.
//!
//! It knows nothing of themes and must stay deterministic: no clock, no
//! thread-dependent state, so the same calls always give the same bytes.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};

/// Sets the JPEG quality of the finished picture.
const QUALITY: u8 = 86;

/// Holds an RGB colour, each channel 0..1.
pub(super) type Color = [f32; 3];

/// A 64-bit LCG; plenty for picking shapes, and stable across platforms.
pub(super) struct Rng(u64);

impl Rng {
    /// Seeds the source from a picture number.
    pub(super) fn new(n: u32) -> Self {
        // Spread consecutive n apart so neighbouring articles differ.
        let mut rng = Rng(u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03);
        rng.next();
        rng
    }

    /// Returns the next 31 random bits.
    pub(super) fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    /// Returns a float in `[lo, hi)`.
    pub(super) fn range(&mut self, lo: f32, hi: f32) -> f32 {
        // 24 bits fit an f32 exactly, so the result never rounds up to `hi`.
        let unit = (self.next() >> 7) as f32 / (1u32 << 24) as f32;
        lo + (hi - lo) * unit
    }

    /// Returns true with probability `p`.
    pub(super) fn chance(&mut self, p: f32) -> bool {
        self.range(0.0, 1.0) < p
    }

    /// Picks one of `items`.
    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.next() as usize % items.len()]
    }
}

/// Turns `0xRRGGBB` into a colour.
pub(super) fn rgb(hex: u32) -> Color {
    let channel = |shift: u32| ((hex >> shift) & 0xFF) as f32 / 255.0;
    [channel(16), channel(8), channel(0)]
}

/// Mixes `a` towards `b` by `t` (0..1).
pub(super) fn mix(a: Color, b: Color, t: f32) -> Color {
    let t = t.clamp(0.0, 1.0);
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

fn smoothstep(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Blends through evenly spaced stops, smoothly.
pub(super) fn gradient(stops: &[Color], t: f32) -> Color {
    let span = (stops.len() - 1) as f32;
    let pos = (t.clamp(0.0, 1.0) * span).min(span - 0.0001);
    let i = pos.floor() as usize;
    mix(stops[i], stops[i + 1], smoothstep(pos - i as f32))
}

/// How a shape is laid down: colour, opacity and edge softness in pixels.
#[derive(Clone, Copy)]
pub(super) struct Paint {
    pub(super) color: Color,
    pub(super) alpha: f32,
    pub(super) soft: f32,
}

/// Makes an opaque paint.
pub(super) fn solid(color: Color) -> Paint {
    Paint { color, alpha: 1.0, soft: 1.0 }
}

/// Makes a see-through paint.
pub(super) fn glass(color: Color, alpha: f32) -> Paint {
    Paint { color, alpha, soft: 1.0 }
}

/// Holds the picture being painted, one colour per pixel, row by row.
pub(super) struct Canvas {
    w: u32,
    h: u32,
    px: Vec<Color>,
}

impl Canvas {
    /// Makes a black canvas of `w` by `h` pixels.
    pub(super) fn new(w: u32, h: u32) -> Self {
        Canvas { w, h, px: vec![[0.0; 3]; (w as usize) * (h as usize)] }
    }

    /// Returns the width in pixels.
    pub(super) fn wf(&self) -> f32 {
        self.w as f32
    }

    /// Returns the height in pixels.
    pub(super) fn hf(&self) -> f32 {
        self.h as f32
    }

    /// Returns the shorter side, the unit for sizes that must not stretch.
    pub(super) fn unit(&self) -> f32 {
        self.wf().min(self.hf())
    }

    fn blend(&mut self, x: u32, y: u32, color: Color, alpha: f32) {
        if alpha <= 0.0 {
            return;
        }
        let p = &mut self.px[(y * self.w + x) as usize];
        *p = mix(*p, color, alpha);
    }

    /// Paints every pixel with `f(x, y)`, coordinates normalised to 0..1.
    pub(super) fn fill(&mut self, f: impl Fn(f32, f32) -> Color) {
        let (wf, hf) = (self.wf(), self.hf());
        for y in 0..self.h {
            for x in 0..self.w {
                let c = f((x as f32 + 0.5) / wf, (y as f32 + 0.5) / hf);
                self.px[(y * self.w + x) as usize] = c;
            }
        }
    }

    /// Paints rows from `top` down with `f(x, y)` in pixels, leaving the rest.
    pub(super) fn fill_below(&mut self, top: f32, f: impl Fn(f32, f32) -> Color) {
        let first = top.clamp(0.0, self.hf()) as u32;
        for y in first..self.h {
            for x in 0..self.w {
                self.px[(y * self.w + x) as usize] = f(x as f32 + 0.5, y as f32 + 0.5);
            }
        }
    }

    /// Pixel rows/columns covered by a box, grown by `pad` and clipped.
    fn span(&self, (x0, y0, x1, y1): (f32, f32, f32, f32), pad: f32) -> (u32, u32, u32, u32) {
        let clip = |v: f32, max: u32| v.clamp(0.0, max as f32) as u32;
        (clip(x0 - pad, self.w), clip(y0 - pad, self.h), clip(x1 + pad + 1.0, self.w), clip(y1 + pad + 1.0, self.h))
    }

    /// Fills where the signed distance `sdf` (pixels, negative inside) is below zero, anti-aliased.
    pub(super) fn shape(&mut self, bounds: (f32, f32, f32, f32), paint: Paint, sdf: impl Fn(f32, f32) -> f32) {
        let soft = paint.soft.max(0.5);
        let (x0, y0, x1, y1) = self.span(bounds, soft);
        for y in y0..y1 {
            for x in x0..x1 {
                let d = sdf(x as f32 + 0.5, y as f32 + 0.5);
                let cover = (0.5 - d / soft).clamp(0.0, 1.0);
                self.blend(x, y, paint.color, cover * paint.alpha);
            }
        }
    }

    /// Fills a disc of radius `r` around (`cx`, `cy`).
    pub(super) fn disc(&mut self, cx: f32, cy: f32, r: f32, paint: Paint) {
        let b = (cx - r, cy - r, cx + r, cy + r);
        self.shape(b, paint, |x, y| (x - cx).hypot(y - cy) - r);
    }

    /// Fills the rectangle from (`x0`, `y0`) to (`x1`, `y1`).
    pub(super) fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, paint: Paint) {
        self.shape((x0, y0, x1, y1), paint, |x, y| (x0 - x).max(x - x1).max(y0 - y).max(y - y1));
    }

    /// Fills a convex polygon given in either winding.
    pub(super) fn poly(&mut self, pts: &[(f32, f32)], paint: Paint) {
        let Some(bounds) = bounds_of(pts) else { return };
        let n = pts.len();
        let twice_area: f32 = (0..n).map(|i| cross(pts[i], pts[(i + 1) % n])).sum();
        let sign = if twice_area >= 0.0 { 1.0 } else { -1.0 };
        self.shape(bounds, paint, |x, y| {
            (0..n).fold(f32::MIN, |d, i| d.max(sign * edge_distance(pts[i], pts[(i + 1) % n], (x, y))))
        });
    }

    /// Draws a segment of width `thick` with round caps.
    pub(super) fn line(&mut self, a: (f32, f32), b: (f32, f32), thick: f32, paint: Paint) {
        let r = thick / 2.0;
        let bounds = (a.0.min(b.0) - r, a.1.min(b.1) - r, a.0.max(b.0) + r, a.1.max(b.1) + r);
        self.shape(bounds, paint, |x, y| segment_distance(a, b, (x, y)) - r);
    }

    /// Fills everything below the curve `top(x)` down to the bottom edge.
    pub(super) fn ridge(&mut self, paint: Paint, top: impl Fn(f32) -> f32) {
        for x in 0..self.w {
            let t = top(x as f32 + 0.5);
            let first = (t - 1.0).max(0.0) as u32;
            for y in first.min(self.h)..self.h {
                let cover = (y as f32 + 1.0 - t).clamp(0.0, 1.0);
                self.blend(x, y, paint.color, cover * paint.alpha);
            }
        }
    }

    /// Lightens around a point like a lamp or the sun ("screen" blend).
    pub(super) fn glow(&mut self, cx: f32, cy: f32, r: f32, color: Color, strength: f32) {
        let (x0, y0, x1, y1) = self.span((cx - 3.0 * r, cy - 3.0 * r, cx + 3.0 * r, cy + 3.0 * r), 0.0);
        for y in y0..y1 {
            for x in x0..x1 {
                let d = (x as f32 + 0.5 - cx).hypot(y as f32 + 0.5 - cy) / r;
                let a = strength * (-d * d).exp();
                let p = &mut self.px[(y * self.w + x) as usize];
                for c in 0..3 {
                    p[c] = 1.0 - (1.0 - p[c]) * (1.0 - color[c] * a);
                }
            }
        }
    }

    /// Adds a vignette, a gentle tint and film grain, then encodes as JPEG.
    pub(super) fn finish(self, rng: &mut Rng) -> Vec<u8> {
        let tint = [rng.range(0.97, 1.03), rng.range(0.97, 1.03), rng.range(0.97, 1.03)];
        let seed = rng.next();
        let (wf, hf) = (self.wf(), self.hf());
        let img = RgbImage::from_fn(self.w, self.h, |x, y| {
            let (u, v) = (x as f32 / wf - 0.5, y as f32 / hf - 0.5);
            let shade = 1.0 - 0.28 * (u * u + v * v);
            // Grain also dithers the gradients, so skies do not band.
            let grain = (hash(x, y, seed) - 0.5) * 0.035;
            let p = self.px[(y * self.w + x) as usize];
            Rgb([0, 1, 2].map(|c| to_byte(p[c] * shade * tint[c] + grain)))
        });
        let mut out = Vec::new();
        // Encoding an in-range RGB8 buffer into memory cannot fail; should it
        // anyway, an empty result is the safest thing to hand back.
        match DynamicImage::ImageRgb8(img).write_with_encoder(JpegEncoder::new_with_quality(&mut out, QUALITY)) {
            Ok(()) => out,
            Err(_) => Vec::new(),
        }
    }
}

fn to_byte(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8
}

fn hash(x: u32, y: u32, seed: u32) -> f32 {
    let mut h = x.wrapping_mul(0x27D4_EB2D) ^ y.wrapping_mul(0x1656_67B1) ^ seed;
    h ^= h >> 15;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    (h & 0xFFFF) as f32 / 65535.0
}

fn cross(a: (f32, f32), b: (f32, f32)) -> f32 {
    a.0 * b.1 - a.1 * b.0
}

fn bounds_of(pts: &[(f32, f32)]) -> Option<(f32, f32, f32, f32)> {
    let first = *pts.first()?;
    Some(
        pts.iter().fold((first.0, first.1, first.0, first.1), |b, p| {
            (b.0.min(p.0), b.1.min(p.1), b.2.max(p.0), b.3.max(p.1))
        }),
    )
}

/// Signed distance from `p` to the line through `a`–`b`, positive on the outer side.
fn edge_distance(a: (f32, f32), b: (f32, f32), p: (f32, f32)) -> f32 {
    let (ex, ey) = (b.0 - a.0, b.1 - a.1);
    let len = ex.hypot(ey).max(1e-6);
    ((p.0 - a.0) * ey - (p.1 - a.1) * ex) / len
}

fn segment_distance(a: (f32, f32), b: (f32, f32), p: (f32, f32)) -> f32 {
    let (ex, ey) = (b.0 - a.0, b.1 - a.1);
    let len2 = (ex * ex + ey * ey).max(1e-6);
    let t = (((p.0 - a.0) * ex + (p.1 - a.1) * ey) / len2).clamp(0.0, 1.0);
    (p.0 - a.0 - t * ex).hypot(p.1 - a.1 - t * ey)
}

/// A sum of two sines: the outline of hills, coasts and waves.
pub(super) fn wave(x: f32, freq: f32, phase: f32) -> f32 {
    0.6 * (x * freq + phase).sin() + 0.4 * (x * freq * 2.3 + phase * 1.7).sin()
}
