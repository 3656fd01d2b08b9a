//! Request bodies expanded per `Content-Encoding` (identity, gzip, deflate — zlib-wrapped or raw
//! —, br), never past a limit however small the compressed body: one implementation for every
//! adapter that takes compressed bodies (OTLP, the Sentry endpoints).

use std::io::Read;

/// Why a body could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body expands past {limit} bytes")]
    TooLarge { limit: usize },
    #[error("Content-Encoding `{0}` is not supported (gzip, deflate, br)")]
    Unsupported(String),
    #[error("bad compressed body: {0}")]
    Corrupt(String),
}

/// `body` expanded per `encoding`, at most `limit` bytes.
pub fn decompress(body: &[u8], encoding: Option<&str>, limit: usize) -> Result<Vec<u8>, BodyError> {
    let enc = encoding.unwrap_or("").trim();
    let is = |name: &str| enc.eq_ignore_ascii_case(name);
    if enc.is_empty() || is("identity") {
        if body.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        return Ok(body.to_vec());
    }
    if is("gzip") || is("x-gzip") {
        match gunzip_single(body, limit) {
            Some(Ok(out)) => Ok(out),
            Some(Err(())) => Err(BodyError::TooLarge { limit }),
            // Not one plain gzip member: the general reader (which also says what is wrong).
            None => read_limited(flate2::read::MultiGzDecoder::new(body), body.len(), limit),
        }
    } else if is("deflate") {
        if looks_like_zlib(body) {
            read_limited(flate2::read::ZlibDecoder::new(body), body.len(), limit)
        } else {
            read_limited(flate2::read::DeflateDecoder::new(body), body.len(), limit)
        }
    } else if is("br") {
        read_limited(
            brotli_decompressor::Decompressor::new(body, 4096),
            body.len(),
            limit,
        )
    } else {
        Err(BodyError::Unsupported(enc.chars().take(64).collect()))
    }
}

/// A zlib stream starts with CMF (method 8, window ≤ 32 KiB) and FLG, with CMF·256 + FLG a
/// multiple of 31.
fn looks_like_zlib(b: &[u8]) -> bool {
    match b {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8 && cmf >> 4 <= 7 && ((u16::from(*cmf) << 8) | u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

fn read_limited(r: impl Read, compressed: usize, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::with_capacity(compressed.saturating_mul(4).min(limit).min(1 << 20));
    r.take((limit as u64).saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Corrupt(e.to_string()))?;
    if out.len() > limit {
        return Err(BodyError::TooLarge { limit });
    }
    Ok(out)
}

thread_local! {
    /// A raw-deflate state per thread, reset for each body (making one costs more than
    /// inflating a small event).
    static INFLATE: std::cell::RefCell<flate2::Decompress> =
        std::cell::RefCell::new(flate2::Decompress::new(false));
}

/// A body of exactly one gzip member (what SDKs and exporters send), inflated with the thread's
/// state; `Some(Err)` past `limit`; `None` when it is anything else.
fn gunzip_single(body: &[u8], limit: usize) -> Option<Result<Vec<u8>, ()>> {
    // Header: magic, deflate, flags; then optional extra, name, comment and header CRC.
    if body.len() < 18 || body[0] != 0x1f || body[1] != 0x8b || body[2] != 8 {
        return None;
    }
    let flags = body[3];
    let mut at = 10;
    if flags & 4 != 0 {
        let n = usize::from(u16::from_le_bytes([*body.get(at)?, *body.get(at + 1)?]));
        at += 2 + n;
    }
    for bit in [8u8, 16] {
        if flags & bit != 0 {
            at += body.get(at..)?.iter().position(|b| *b == 0)? + 1;
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    let trailer = body.len().checked_sub(8)?;
    let data = body.get(at..trailer)?;
    let crc = u32::from_le_bytes(body[trailer..trailer + 4].try_into().ok()?);
    let size = u32::from_le_bytes(body[trailer + 4..].try_into().ok()?) as usize;
    if size > limit {
        return Some(Err(()));
    }
    let mut out = Vec::with_capacity(size);
    INFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset(false);
        let status = d
            .decompress_vec(data, &mut out, flate2::FlushDecompress::Finish)
            .ok()?;
        (status == flate2::Status::StreamEnd && d.total_in() as usize == data.len()).then_some(())
    })?;
    let mut c = flate2::Crc::new();
    c.update(&out);
    (out.len() == size && c.sum() == crc).then_some(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const LIMIT: usize = 1 << 20;

    fn gz(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn every_encoding_expands_within_the_limit() {
        let text = b"{\"a\":1}";
        assert_eq!(decompress(text, None, LIMIT).unwrap(), text);
        assert_eq!(decompress(text, Some(" IDENTITY "), LIMIT).unwrap(), text);
        assert_eq!(decompress(&gz(text), Some("gzip"), LIMIT).unwrap(), text);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(text).unwrap();
        assert_eq!(
            decompress(&z.finish().unwrap(), Some("deflate"), LIMIT).unwrap(),
            text
        );
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(text).unwrap();
        assert_eq!(
            decompress(&raw.finish().unwrap(), Some("Deflate"), LIMIT).unwrap(),
            text
        );
        // A file name in the gzip header, two members back to back.
        let mut named = flate2::GzBuilder::new()
            .filename("event.json")
            .write(Vec::new(), flate2::Compression::default());
        named.write_all(text).unwrap();
        assert_eq!(
            decompress(&named.finish().unwrap(), Some("gzip"), LIMIT).unwrap(),
            text
        );
        let two = [gz(text), gz(text)].concat();
        assert_eq!(
            decompress(&two, Some("gzip"), LIMIT).unwrap(),
            b"{\"a\":1}{\"a\":1}"
        );
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        assert!(matches!(
            decompress(b"not gzip", Some("gzip"), LIMIT),
            Err(BodyError::Corrupt(_))
        ));
        let mut bad = gz(b"{\"a\":1}");
        let n = bad.len();
        bad[n - 6] ^= 0xff; // the CRC
        assert!(matches!(
            decompress(&bad, Some("gzip"), LIMIT),
            Err(BodyError::Corrupt(_))
        ));
        assert_eq!(
            decompress(b"x", Some("zstd"), LIMIT),
            Err(BodyError::Unsupported("zstd".into()))
        );
        assert_eq!(
            decompress(b"xx", None, 1),
            Err(BodyError::TooLarge { limit: 1 })
        );
        // Bombs stop at the limit, whether the gzip trailer tells the truth or not.
        let bomb = gz(&vec![b'a'; LIMIT + 10]);
        assert_eq!(
            decompress(&bomb, Some("gzip"), LIMIT),
            Err(BodyError::TooLarge { limit: LIMIT })
        );
        let mut lying = bomb.clone();
        let n = lying.len();
        lying[n - 4..].copy_from_slice(&10u32.to_le_bytes());
        assert!(decompress(&lying, Some("gzip"), LIMIT).is_err());
    }
}
