//! The security headers every response carries, on both serving paths: the axum router adds
//! them as a layer ([`security_headers`]), the lean ingest loop writes the same bytes
//! ([`LEAN_BLOCK`]). One list, so the two cannot drift.

use axum::http::HeaderValue;
use axum::response::Response;

/// The policy every response carries: no inline script or style, nothing from elsewhere, never
/// framed. A macro, so [`LEAN_BLOCK`] can be built from it at compile time.
macro_rules! csp {
    () => {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    };
}
pub const CSP: &str = csp!();

/// The headers, by (lowercase) name.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
];

/// [`SECURITY_HEADERS`] as HTTP/1.1 header lines, each ending in CRLF, for the lean loop.
pub const LEAN_BLOCK: &str = concat!(
    "content-security-policy: ",
    csp!(),
    "\r\n",
    "x-content-type-options: nosniff\r\n",
    "referrer-policy: same-origin\r\n",
    "x-frame-options: DENY\r\n",
);

/// Middleware for the router: sets every security header on the response.
pub async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.insert(name, HeaderValue::from_static(value));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lean_block_is_the_list() {
        let want: String = SECURITY_HEADERS
            .iter()
            .map(|(n, v)| format!("{n}: {v}\r\n"))
            .collect();
        assert_eq!(LEAN_BLOCK, want);
    }
}
