//! JavaScript source maps: upload (files paired into maps by name and debug ID), storage
//! (compressed, capped per file and per project), and resolution of minified Sentry frames at
//! ingest, with parsed maps kept in a bounded cache, so issues group and read on the original
//! file, function and line.

pub mod map;
pub mod resolve;
pub mod store;
pub mod upload;

pub use map::SourceMap;
pub use resolve::Resolver;

/// Why a source map operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum SourcemapError {
    /// Over a size limit (413).
    #[error("{field}: {message}")]
    TooLarge { field: String, message: String },
    /// Bad input (400).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl SourcemapError {
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        SourcemapError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<rusqlite::Error> for SourcemapError {
    fn from(e: rusqlite::Error) -> Self {
        SourcemapError::Store(e.into())
    }
}

/// A debug ID as stored and compared: trimmed, lower case, at most 64 bytes of hex digits and
/// dashes (a UUID, optionally with an appendix); `None` for anything else.
pub fn normalize_debug_id(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_lowercase();
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        && s.bytes().filter(u8::is_ascii_hexdigit).count() >= 32;
    ok.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_ids_are_normalised() {
        assert_eq!(
            normalize_debug_id(" 8C5D3D7A-6B0E-4F6A-9F58-1C2D3E4F5A6B ").as_deref(),
            Some("8c5d3d7a-6b0e-4f6a-9f58-1c2d3e4f5a6b")
        );
        assert_eq!(normalize_debug_id("not-a-uuid"), None);
        assert_eq!(normalize_debug_id(""), None);
    }
}
