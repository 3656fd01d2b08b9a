//! TEMPORARY until the real module lands.
pub fn compute(
    source: &str,
    error_type: &str,
    route: &str,
    message: &str,
    stack: Option<&str>,
) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in [source, error_type, route, message, stack.unwrap_or("")] {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    format!("{:016x}", h.digest())
}
