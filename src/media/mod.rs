//! STUB (replaced by the real module)
pub mod demo;
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
pub struct Limits {
    pub max_bytes: usize,
    pub max_width: u32,
    pub max_height: u32,
    pub max_alloc: u64,
}
impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 1,
            max_width: 1,
            max_height: 1,
            max_alloc: 1,
        }
    }
}
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("too large")]
    TooLarge { max: usize },
    #[error("unsupported")]
    Unsupported,
    #[error("pixels")]
    TooManyPixels { w: u32 },
    #[error("decode {0}")]
    Decode(String),
    #[error("encode {0}")]
    Encode(String),
}
pub enum Format {
    Jpeg,
    Png,
    Webp,
}
impl Format {
    pub fn mime(&self) -> &'static str {
        "image/jpeg"
    }
    pub fn ext(&self) -> &'static str {
        "jpg"
    }
}
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub original: Vec<u8>,
    pub variants: Vec<Variant>,
    pub card: Vec<u8>,
}
pub fn process(_bytes: &[u8], _limits: &Limits) -> Result<Processed, MediaError> {
    Err(MediaError::Unsupported)
}
