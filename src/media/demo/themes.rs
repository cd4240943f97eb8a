//! The six themes of the demo pictures (city at dusk, hills, harbour, tram
//! line, stadium, geometric shapes), each a composition of painter calls
//! whose sizes and positions come from the seeded random source.
//!
//! Themes draw shapes only: they must not draw text or load anything, and
//! every random choice must come from the `Rng` they are handed.

use super::paint::{glass, gradient, mix, rgb, solid, wave, Canvas, Color, Paint, Rng};

/// Paints a city skyline at dusk, with a low sun and lit windows.
pub(super) fn city(c: &mut Canvas, rng: &mut Rng) {
    let (w, h, u) = (c.wf(), c.hf(), c.unit());
    let sky = [rgb(0x1B1E3F), rgb(0x4A3566), rgb(0xB2587A), rgb(0xF39A5B)];
    c.fill(|_, y| gradient(&sky, y / 0.8));
    for _ in 0..(w * h / 4000.0) as u32 {
        let (x, y) = (rng.range(0.0, w), rng.range(0.0, h * 0.35));
        c.disc(x, y, rng.range(0.4, 0.9), glass(rgb(0xFFF4E0), rng.range(0.2, 0.7)));
    }
    let sun = (rng.range(0.25, 0.75) * w, h * 0.66);
    c.glow(sun.0, sun.1, u * 0.25, rgb(0xFFB070), 0.55);
    c.disc(sun.0, sun.1, u * 0.09, solid(rgb(0xFFD9A0)));
    skyline(c, rng, (0.42, 0.62), rgb(0x5B3F63), 0.0);
    skyline(c, rng, (0.30, 0.70), rgb(0x17142A), 0.4);
}

/// Draws a row of towers with tops between `tops` (fractions of height) and `lit` windows.
fn skyline(c: &mut Canvas, rng: &mut Rng, tops: (f32, f32), color: Color, lit: f32) {
    let (w, h) = (c.wf(), c.hf());
    let mut x = -rng.range(0.0, w * 0.05);
    while x < w {
        let width = rng.range(0.04, 0.10) * w;
        let top = rng.range(tops.0, tops.1) * h;
        c.rect(x, top, x + width, h, solid(color));
        if rng.chance(0.3) {
            let mid = x + width * rng.range(0.3, 0.7);
            c.line((mid, top), (mid, top - h * rng.range(0.03, 0.08)), (w * 0.002).max(1.0), solid(color));
        }
        if lit > 0.0 {
            windows(c, rng, (x, top, x + width), lit);
        }
        x += width + rng.range(0.0, 0.015) * w;
    }
}

fn windows(c: &mut Canvas, rng: &mut Rng, (x0, top, x1): (f32, f32, f32), lit: f32) {
    let cell = (c.unit() * 0.022).max(4.0);
    let warm = [rgb(0xFFD27A), rgb(0xFFE9B0), rgb(0xF6B75E)];
    let mut y = top + cell * 0.8;
    while y < c.hf() - cell {
        let mut x = x0 + cell * 0.6;
        while x < x1 - cell * 0.6 {
            if rng.chance(lit) {
                let paint = glass(rng.pick(&warm), rng.range(0.55, 0.95));
                c.rect(x, y, x + cell * 0.45, y + cell * 0.55, paint);
            }
            x += cell;
        }
        y += cell * 1.1;
    }
}

/// Paints layered hills under a sun and clouds, with trees on one ridge.
pub(super) fn hills(c: &mut Canvas, rng: &mut Rng) {
    let (w, h, u) = (c.wf(), c.hf(), c.unit());
    let sky = [rgb(0x8DB3CC), rgb(0xCFDDE0), rgb(0xFBE6C4)];
    c.fill(|_, y| gradient(&sky, y / 0.7));
    let sun = (rng.range(0.55, 0.8) * w, rng.range(0.22, 0.35) * h);
    c.glow(sun.0, sun.1, u * 0.3, rgb(0xFFD79A), 0.6);
    c.disc(sun.0, sun.1, u * 0.08, solid(rgb(0xFFF1D2)));
    for _ in 0..3 {
        let at = (rng.range(0.0, w), rng.range(0.08, 0.35) * h);
        cloud(c, rng, at);
    }
    let layers = [rgb(0x9FB5AE), rgb(0x7C9A7E), rgb(0x58805A), rgb(0x365E3A)];
    for (i, &color) in layers.iter().enumerate() {
        let base = h * (0.55 + 0.1 * i as f32);
        let (amp, freq, phase) = (h * rng.range(0.04, 0.08), rng.range(2.0, 5.0) / w, rng.range(0.0, 6.3));
        c.ridge(solid(color), |x| base + amp * wave(x, freq, phase));
        if i == 2 {
            trees(c, rng, |x| base + amp * wave(x, freq, phase));
        }
    }
}

fn cloud(c: &mut Canvas, rng: &mut Rng, (cx, cy): (f32, f32)) {
    let u = c.unit();
    let puffs: Vec<(f32, f32, f32)> = (0..5)
        .map(|i| (cx + (i as f32 - 2.0) * u * 0.045, cy - rng.range(0.0, 0.03) * u, u * rng.range(0.03, 0.05)))
        .collect();
    let bounds = (cx - u * 0.2, cy - u * 0.1, cx + u * 0.2, cy + u * 0.06);
    let sdf = |x: f32, y: f32| {
        let round = puffs.iter().fold(f32::MAX, |d, &(px, py, r)| d.min((x - px).hypot(y - py) - r));
        round.max(y - cy - u * 0.02)
    };
    c.shape(bounds, Paint { color: rgb(0xFFFBF3), alpha: 0.85, soft: 2.0 }, sdf);
}

fn trees(c: &mut Canvas, rng: &mut Rng, ground: impl Fn(f32) -> f32) {
    let (w, u) = (c.wf(), c.unit());
    let mut x = rng.range(0.0, 0.1) * w;
    while x < w {
        let r = u * rng.range(0.012, 0.022);
        let y = ground(x) - r * 1.2;
        c.line((x, y), (x, ground(x) + r), r * 0.3, solid(rgb(0x2E3B2A)));
        c.disc(x, y, r, solid(rgb(0x2F4F33)));
        x += rng.range(0.02, 0.12) * w;
    }
}

/// Paints a harbour: a far coast, the sea, a lighthouse and boats.
pub(super) fn harbour(c: &mut Canvas, rng: &mut Rng) {
    let (w, h, u) = (c.wf(), c.hf(), c.unit());
    let horizon = h * rng.range(0.5, 0.58);
    let sky = [rgb(0x6F93B8), rgb(0xB9CAD6), rgb(0xF1E2CC)];
    let sea = [rgb(0x6C8FA3), rgb(0x2F5B74), rgb(0x173C52)];
    c.fill(|_, y| gradient(&sky, y * h / horizon));
    let sun = rng.range(0.3, 0.8) * w;
    c.glow(sun, horizon - u * 0.12, u * 0.25, rgb(0xFFE2B0), 0.55);
    // Only the crests show, so the far coast comes and goes like headlands.
    let (freq, phase) = (rng.range(3.0, 6.0) / w, rng.range(0.0, 6.3));
    c.ridge(solid(rgb(0x8B8FA8)), |x| horizon - h * 0.09 * (wave(x, freq, phase) + 0.4).max(0.0) + 0.5);
    c.fill_below(horizon, |_, y| gradient(&sea, (y - horizon) / (h - horizon)));
    c.glow(sun, horizon + (h - horizon) * 0.3, u * 0.22, rgb(0xF6D8A8), 0.25);
    waves(c, rng, horizon);
    lighthouse(c, rng, horizon);
    // One boat per slot so they never pile up; far ones first so near ones overlap them.
    let count = rng.range(2.0, 4.0) as u32;
    let mut boats: Vec<(f32, f32)> = (0..count)
        .map(|i| {
            let x = (0.3 + (i as f32 + rng.range(0.25, 0.75)) * 0.65 / count as f32) * w;
            (x, rng.range(horizon + (h - horizon) * 0.1, h * 0.9))
        })
        .collect();
    boats.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (x, y) in boats {
        boat(c, rng, (x, y), (y - horizon) / (h - horizon));
    }
}

fn waves(c: &mut Canvas, rng: &mut Rng, horizon: f32) {
    let (w, h) = (c.wf(), c.hf());
    for _ in 0..(w * h / 2500.0) as u32 {
        let y = rng.range(horizon + 2.0, h);
        let depth = (y - horizon) / (h - horizon);
        let (x, len) = (rng.range(0.0, w), w * 0.05 * depth + 2.0);
        let paint = glass(rgb(0xD5E4EA), 0.15 + 0.3 * depth);
        c.line((x, y), (x + len, y), 0.6 + 2.5 * depth, paint);
    }
}

fn lighthouse(c: &mut Canvas, rng: &mut Rng, horizon: f32) {
    let (w, h, u) = (c.wf(), c.hf(), c.unit());
    let x = rng.range(0.06, 0.2) * w;
    let (base, top) = (horizon + (h - horizon) * 0.35, horizon - u * 0.3);
    let pier = solid(rgb(0x3B3A3F));
    c.rect(-1.0, base, x + u * 0.15, base + u * 0.04, pier);
    let (bw, tw) = (u * 0.05, u * 0.032);
    c.poly(&[(x - bw, base), (x + bw, base), (x + tw, top), (x - tw, top)], solid(rgb(0xF4F0E8)));
    for k in [0.25_f32, 0.6] {
        let (y0, y1) = (base + (top - base) * k, base + (top - base) * (k + 0.15));
        let half = |y: f32| bw + (tw - bw) * (y - base) / (top - base);
        c.poly(&[(x - half(y0), y0), (x + half(y0), y0), (x + half(y1), y1), (x - half(y1), y1)], solid(rgb(0xB8423A)));
    }
    let dark = solid(rgb(0x2E2E34));
    c.rect(x - tw * 1.3, top - u * 0.004, x + tw * 1.3, top + u * 0.004, dark);
    c.rect(x - tw * 0.8, top - u * 0.05, x + tw * 0.8, top, solid(rgb(0xF7D774)));
    c.poly(&[(x - tw, top - u * 0.05), (x + tw, top - u * 0.05), (x, top - u * 0.085)], dark);
    c.glow(x, top - u * 0.025, u * 0.06, rgb(0xFFE9A8), 0.7);
}

fn boat(c: &mut Canvas, rng: &mut Rng, (x, y): (f32, f32), depth: f32) {
    let s = c.unit() * (0.04 + 0.12 * depth);
    let hull = rng.pick(&[rgb(0x8E2F2B), rgb(0x1F3550), rgb(0x9A6B3F), rgb(0x2E4B3C)]);
    c.poly(&[(x - s, y - s * 0.25), (x + s * 1.1, y - s * 0.25), (x + s * 0.75, y), (x - s * 0.8, y)], solid(hull));
    c.line((x, y - s * 0.25), (x, y - s * 1.6), (s * 0.04).max(1.0), solid(rgb(0x3A3530)));
    let sail = rng.pick(&[rgb(0xF7F1E3), rgb(0xF2D7B6), rgb(0xE9E3D6)]);
    c.poly(&[(x + s * 0.05, y - s * 1.55), (x + s * 0.05, y - s * 0.35), (x + s * 0.85, y - s * 0.35)], solid(sail));
    c.poly(
        &[(x - s * 0.05, y - s * 1.3), (x - s * 0.05, y - s * 0.35), (x - s * 0.6, y - s * 0.35)],
        solid(mix(sail, hull, 0.15)),
    );
    c.line((x - s * 0.8, y + s * 0.08), (x + s * 0.8, y + s * 0.08), s * 0.08, glass(rgb(0x0F2738), 0.35));
}

/// Paints a street in perspective with facades, poles and a tram.
pub(super) fn tramline(c: &mut Canvas, rng: &mut Rng) {
    let (w, h, u) = (c.wf(), c.hf(), c.unit());
    let vp = (w * rng.range(0.42, 0.58), h * rng.range(0.4, 0.48));
    let sky = [rgb(0xA9C3D4), rgb(0xE3E4DC), rgb(0xF7DDB8)];
    c.fill(|_, y| gradient(&sky, y * h / vp.1));
    c.glow(vp.0, vp.1, u * 0.3, rgb(0xFFE0B0), 0.6);
    c.poly(&[vp, (w * 1.6, h), (-w * 0.6, h)], solid(rgb(0x77757A)));
    c.poly(&[vp, (w * 0.8, h), (w * 0.2, h)], solid(rgb(0x8C877F)));
    facades(c, rng, vp, -w * 0.05);
    facades(c, rng, vp, w * 1.05);
    for side in [-1.0_f32, 1.0] {
        for gauge in [0.2_f32, 0.28] {
            let foot = (vp.0 + side * gauge * w, h);
            let thick = (u * 0.006).max(1.0);
            c.poly(&[(vp.0, vp.1), (foot.0 - thick, foot.1), (foot.0 + thick, foot.1)], solid(rgb(0xC9CCD0)));
        }
    }
    poles(c, vp);
    tram(c, rng, vp);
}

/// Draws perspective building fronts along one side, from `edge_x` towards the vanishing point.
fn facades(c: &mut Canvas, rng: &mut Rng, vp: (f32, f32), edge_x: f32) {
    let h = c.hf();
    let colours = [rgb(0xC77D5A), rgb(0xD9B27C), rgb(0xE8DCC4), rgb(0x9DAE94), rgb(0xB56D6D)];
    let ground = h * 0.95;
    let mut s = 1.0_f32;
    while s > 0.04 {
        let next = s * rng.range(0.55, 0.8);
        let top = h * rng.range(-0.3, 0.15);
        let at = |s: f32, y: f32| (vp.0 + (edge_x - vp.0) * s, vp.1 + (y - vp.1) * s);
        let quad = [at(s, top), at(next, top), at(next, ground), at(s, ground)];
        let color = mix(rng.pick(&colours), rgb(0xE9E2D6), 0.6 * (1.0 - s));
        c.poly(&quad, solid(color));
        facade_windows(c, &quad, mix(color, rgb(0x2B2A33), 0.55));
        s = next;
    }
}

fn facade_windows(c: &mut Canvas, q: &[(f32, f32); 4], color: Color) {
    // Bilinear position inside the facade quad: u along the street, v down.
    let at = |u: f32, v: f32| {
        let top = (q[0].0 + (q[1].0 - q[0].0) * u, q[0].1 + (q[1].1 - q[0].1) * u);
        let bottom = (q[3].0 + (q[2].0 - q[3].0) * u, q[3].1 + (q[2].1 - q[3].1) * u);
        (top.0 + (bottom.0 - top.0) * v, top.1 + (bottom.1 - top.1) * v)
    };
    for col in 0..3 {
        for row in 0..6 {
            let (u0, v0) = (0.12 + col as f32 * 0.3, 0.1 + row as f32 * 0.13);
            let (u1, v1) = (u0 + 0.16, v0 + 0.07);
            c.poly(&[at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)], glass(color, 0.8));
        }
    }
}

/// Returns the point at depth `s` (1 = picture bottom, 0 = vanishing point), `x` across and `rise` above the ground.
fn street_point(vp: (f32, f32), h: f32, s: f32, x: f32, rise: f32) -> (f32, f32) {
    (vp.0 + x * s, vp.1 + (h - vp.1 - rise) * s)
}

fn poles(c: &mut Canvas, vp: (f32, f32)) {
    let (w, h, u) = (c.wf(), c.hf(), c.unit());
    let at = |s: f32, x: f32, rise: f32| street_point(vp, h, s, x, rise);
    let wire = glass(rgb(0x33343A), 0.8);
    for x in [-0.24 * w, 0.24 * w] {
        c.line(at(1.6, x, 0.62 * h), at(0.0, x, 0.0), (u * 0.002).max(1.0), wire);
    }
    let mut s = 1.0_f32;
    while s > 0.05 {
        c.line(at(s, 0.42 * w, 0.0), at(s, 0.42 * w, 0.75 * h), (u * 0.012 * s).max(1.0), solid(rgb(0x3C3D44)));
        c.line(at(s, 0.42 * w, 0.66 * h), at(s, -0.3 * w, 0.66 * h), (u * 0.003 * s).max(0.8), wire);
        s *= 0.62;
    }
}

fn tram(c: &mut Canvas, rng: &mut Rng, vp: (f32, f32)) {
    let (w, h) = (c.wf(), c.hf());
    let s = rng.range(0.3, 0.45);
    let (cx, bottom) = street_point(vp, h, s, -0.24 * w, 0.0);
    let (half, tall) = (w * 0.07 * s, h * 0.38 * s);
    let body = rng.pick(&[rgb(0xC8372D), rgb(0xE2B23A), rgb(0x2F6E8F)]);
    c.rect(cx - half, bottom - tall, cx + half, bottom, solid(body));
    c.rect(cx - half * 0.85, bottom - tall * 0.88, cx + half * 0.85, bottom - tall * 0.45, solid(rgb(0x26303A)));
    c.rect(cx - half, bottom - tall * 0.3, cx + half, bottom - tall * 0.24, solid(rgb(0xF1ECE2)));
    for side in [-0.6_f32, 0.6] {
        c.glow(cx + half * side, bottom - tall * 0.12, half * 0.2, rgb(0xFFF3D0), 0.9);
    }
    let wire = street_point(vp, h, s, -0.24 * w, 0.62 * h);
    let arm = (half * 0.04).max(1.0);
    for side in [-0.3_f32, 0.3] {
        c.line((cx + half * side, bottom - tall), wire, arm, solid(rgb(0x2C2C30)));
    }
}

/// Paints a stadium: a crowd in the stands above a marked pitch, under floodlights.
pub(super) fn stadium(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = (c.wf(), c.hf());
    let (stand_top, pitch_top) = (h * 0.16, h * rng.range(0.48, 0.54));
    let sky = [rgb(0x0B1026), rgb(0x1C2747), rgb(0x2E3A5E)];
    c.fill(|_, y| gradient(&sky, y * h / pitch_top));
    c.ridge(solid(rgb(0x23242E)), |x| stand_top + h * 0.03 * ((x / w - 0.5) * 2.0).powi(2));
    crowd(c, rng, stand_top + h * 0.06, pitch_top - h * 0.04);
    c.rect(0.0, pitch_top - h * 0.04, w, pitch_top, solid(rgb(0x2A5C9A)));
    pitch(c, pitch_top);
    for x in [0.08_f32, 0.92] {
        let (lx, ly) = (x * w, h * 0.07);
        c.line((lx, ly), (lx, stand_top + h * 0.05), (w * 0.004).max(1.0), solid(rgb(0x3A3C48)));
        c.rect(lx - w * 0.03, ly - h * 0.03, lx + w * 0.03, ly, solid(rgb(0xF4F1E6)));
        c.glow(lx, ly - h * 0.015, c.unit() * 0.2, rgb(0xE8EEFF), 0.7);
    }
}

fn crowd(c: &mut Canvas, rng: &mut Rng, top: f32, bottom: f32) {
    let w = c.wf();
    let colours = [rgb(0xD64545), rgb(0xF2F0EA), rgb(0x3D6FB6), rgb(0xE0B341), rgb(0x8E8A90)];
    let step = (c.unit() * 0.012).max(3.0);
    let mut y = top;
    while y < bottom {
        let mut x = rng.range(0.0, step);
        while x < w {
            let paint = glass(rng.pick(&colours), rng.range(0.35, 0.75));
            c.disc(x + rng.range(-0.3, 0.3) * step, y, step * 0.32, paint);
            x += step;
        }
        y += step * 0.9;
    }
}

fn pitch(c: &mut Canvas, top: f32) {
    let (w, h) = (c.wf(), c.hf());
    let (light, dark) = (rgb(0x4F9A4A), rgb(0x3F8740));
    // Mowing stripes spaced as 1/distance, so they recede like real grass.
    c.fill_below(top, |x, y| {
        let depth = (y - top) / (h - top) + 0.08;
        let stripe = ((1.0 / depth) * 2.2) as i32 % 2 == 0;
        let base = if stripe { light } else { dark };
        mix(base, rgb(0x6FB35F), 0.25 * (1.0 - ((x / w - 0.5) * 2.0).abs()))
    });
    let chalk = glass(rgb(0xF4F6EE), 0.85);
    let t = (w * 0.003).max(1.0);
    c.line((w * 0.12, top + h * 0.03), (w * 0.88, top + h * 0.03), t, chalk);
    c.line((w * 0.12, top + h * 0.03), (-w * 0.25, h), t * 1.5, chalk);
    c.line((w * 0.88, top + h * 0.03), (w * 1.25, h), t * 1.5, chalk);
    let (cy, rx, ry) = (top + (h - top) * 0.55, w * 0.16, (h - top) * 0.16);
    c.line((w * 0.5, top + h * 0.03), (w * 0.5, h), t * 1.3, chalk);
    let bounds = (w * 0.5 - rx, cy - ry, w * 0.5 + rx, cy + ry);
    c.shape(bounds, chalk, |x, y| {
        let d = ((x - w * 0.5) / rx).hypot((y - cy) / ry) - 1.0;
        d.abs() * ry - t * 0.7
    });
}

/// Paints overlapping geometric shapes with soft shadows and a dot grid.
pub(super) fn geometry(c: &mut Canvas, rng: &mut Rng) {
    let (w, h, u) = (c.wf(), c.hf(), c.unit());
    let palettes = [
        [rgb(0xF3E9DC), rgb(0xE3B7A0), rgb(0xC96F53), rgb(0x2F4858), rgb(0xE0A841), rgb(0x6F9A8D)],
        [rgb(0xEAF0EF), rgb(0xB9D3D0), rgb(0x3C6E71), rgb(0x284B63), rgb(0xD9A441), rgb(0xD1495B)],
        [rgb(0xF6EFE6), rgb(0xD7C4E2), rgb(0x6C4F8C), rgb(0x1F2A44), rgb(0xF2A65A), rgb(0x7DB9A4)],
    ];
    let p = rng.pick(&palettes);
    let angle = rng.range(0.0, 1.0);
    c.fill(|x, y| gradient(&[p[0], p[1]], x * angle + y * (1.0 - angle)));
    for _ in 0..rng.range(6.0, 10.0) as u32 {
        let color = rng.pick(&p[2..]);
        let (x, y, r) = (rng.range(0.0, w), rng.range(0.0, h), u * rng.range(0.08, 0.28));
        shadowed(c, rng.range(0.0, 1.0), color, (x, y, r));
    }
    dot_grid(c, rng, p[3]);
    let y = rng.range(0.2, 0.8) * h;
    c.line((-1.0, y), (w + 1.0, y - h * rng.range(-0.2, 0.2)), (u * 0.006).max(1.0), glass(p[3], 0.7));
}

/// Draws a circle, square, triangle or half-disc with a soft drop shadow.
fn shadowed(c: &mut Canvas, kind: f32, color: Color, (x, y, r): (f32, f32, f32)) {
    let off = r * 0.12;
    let shadow = Paint { color: rgb(0x1A1A22), alpha: 0.18, soft: r * 0.35 };
    let paint = glass(color, 0.88);
    if kind < 0.3 {
        c.disc(x + off, y + off, r, shadow);
        c.disc(x, y, r, paint);
    } else if kind < 0.55 {
        c.rect(x - r + off, y - r + off, x + r + off, y + r + off, shadow);
        c.rect(x - r, y - r, x + r, y + r, paint);
    } else if kind < 0.8 {
        let tri = |d: f32| [(x + d, y - r + d), (x + r + d, y + r * 0.8 + d), (x - r + d, y + r * 0.8 + d)];
        c.poly(&tri(off), shadow);
        c.poly(&tri(0.0), paint);
    } else {
        let half = |d: f32| move |px: f32, py: f32| ((px - x - d).hypot(py - y - d) - r).max(py - y - d);
        let bounds = (x - r, y - r, x + r + off, y + off);
        c.shape(bounds, shadow, half(off));
        c.shape(bounds, paint, half(0.0));
    }
}

fn dot_grid(c: &mut Canvas, rng: &mut Rng, color: Color) {
    let u = c.unit();
    let (x0, y0) = (rng.range(0.05, 0.7) * c.wf(), rng.range(0.05, 0.6) * c.hf());
    let step = u * 0.035;
    for i in 0..8 {
        for j in 0..6 {
            c.disc(x0 + i as f32 * step, y0 + j as f32 * step, step * 0.14, glass(color, 0.75));
        }
    }
}
