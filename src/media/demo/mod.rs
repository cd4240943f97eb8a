//! Demo pictures: abstract editorial illustrations the project draws itself.
//!
//! Owns the small anti-aliased painter and six themes (city at dusk, hills,
//! harbour, tram line, stadium, geometric shapes) used to fill the demo site.
//! It must not read files, fetch anything or draw text: every picture is made
//! from `n` alone, so the same `n` always gives the same bytes. `paint` holds
//! the painter and `themes` the six compositions.

mod paint;
mod themes;

use paint::{Canvas, Rng};
use themes::{city, geometry, harbour, hills, stadium, tramline};

/// Caps each side of a demo picture, so a typo cannot eat the memory.
pub const MAX_SIDE: u32 = 4096;

/// Draws a deterministic abstract illustration (no text, no external assets) for demo article `n`, as a JPEG of `width`x`height`.
///
/// Sides are clamped to `1..=MAX_SIDE`; `n % 6` picks the theme and `n`
/// seeds the details, so `n` and `n + 6` share a theme but not a layout.
pub fn draw(n: u32, width: u32, height: u32) -> Vec<u8> {
    let mut canvas = Canvas::new(width.clamp(1, MAX_SIDE), height.clamp(1, MAX_SIDE));
    let mut rng = Rng::new(n);
    match n % 6 {
        0 => city(&mut canvas, &mut rng),
        1 => hills(&mut canvas, &mut rng),
        2 => harbour(&mut canvas, &mut rng),
        3 => tramline(&mut canvas, &mut rng),
        4 => stadium(&mut canvas, &mut rng),
        _ => geometry(&mut canvas, &mut rng),
    }
    canvas.finish(&mut rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_jpeg_of_the_asked_size() {
        for n in 0..7 {
            let bytes = draw(n, 320, 180);
            let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).expect("decodes");
            assert_eq!((img.width(), img.height()), (320, 180), "theme {n}");
        }
    }

    #[test]
    fn is_deterministic_and_varies_with_n() {
        assert_eq!(draw(3, 200, 120), draw(3, 200, 120));
        assert_ne!(draw(0, 200, 120), draw(1, 200, 120));
        assert_ne!(draw(2, 200, 120), draw(8, 200, 120));
    }

    #[test]
    fn survives_degenerate_sizes() {
        for (w, h) in [(0, 0), (1, 1), (3, 500), (500, 2)] {
            let img = image::load_from_memory(&draw(5, w, h)).expect("decodes");
            assert_eq!((img.width(), img.height()), (w.max(1), h.max(1)));
        }
    }
}
