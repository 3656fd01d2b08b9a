//! Per-client-IP token bucket (governor) and the client address it is keyed by: the socket peer,
//! or the `X-Forwarded-For` hop just before the first trusted proxy when the peer is one.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::http::HeaderMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::{cidr_contains, RateLimitConfig};

pub struct Limiter {
    inner: Option<DefaultKeyedRateLimiter<IpAddr>>,
    trusted: Vec<(IpAddr, u8)>,
}

impl Limiter {
    pub fn new(cfg: &RateLimitConfig, trusted: Vec<(IpAddr, u8)>) -> Self {
        let inner = NonZeroU32::new(cfg.per_second).map(|rate| {
            let burst = NonZeroU32::new(cfg.burst_size).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Self { inner, trusted }
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|(n, l)| cidr_contains(*n, *l, ip))
    }

    /// The client's address: proxy headers count only when the peer is a trusted proxy.
    pub fn client_ip(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        self.client_ip_from(
            peer,
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok()),
        )
    }

    /// [`Limiter::client_ip`] given the request's `X-Forwarded-For` values, in order.
    pub fn client_ip_from<'a>(
        &self,
        peer: SocketAddr,
        forwarded_for: impl Iterator<Item = &'a str>,
    ) -> IpAddr {
        let peer_ip = peer.ip().to_canonical();
        if self.trusted.is_empty() || !self.is_trusted(peer_ip) {
            return peer_ip;
        }
        let hops: Vec<IpAddr> = forwarded_for
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .collect();
        // Walk from the nearest hop outwards; the first untrusted one is the client.
        hops.iter()
            .rev()
            .map(|ip| ip.to_canonical())
            .find(|ip| !self.is_trusted(*ip))
            .or_else(|| hops.first().map(|ip| ip.to_canonical()))
            .unwrap_or(peer_ip)
    }

    /// Takes one token for `ip`; false when the client is over its rate.
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.inner.as_ref().is_none_or(|l| l.check_key(&ip).is_ok())
    }

    /// Forgets clients whose buckets are full again (bounds memory).
    pub fn housekeeping(&self) {
        if let Some(l) = &self.inner {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

/// A token bucket per Sentry DSN key (`rate_limit.dsn_per_second`).
pub struct DsnLimiter {
    inner: Option<DefaultKeyedRateLimiter<String>>,
}

impl DsnLimiter {
    pub fn new(cfg: &RateLimitConfig) -> Self {
        let inner = NonZeroU32::new(cfg.dsn_per_second).map(|rate| {
            let burst = NonZeroU32::new(cfg.dsn_burst_size).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Self { inner }
    }

    /// Takes one token for `key`; false when the key is over its rate.
    pub fn allow(&self, key: &str) -> bool {
        self.inner
            .as_ref()
            .is_none_or(|l| l.check_key(&key.to_string()).is_ok())
    }

    /// Forgets keys whose buckets are full again.
    pub fn housekeeping(&self) {
        if let Some(l) = &self.inner {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_cidr;

    #[test]
    fn burst_then_refusal() {
        let l = Limiter::new(
            &RateLimitConfig {
                per_second: 1,
                burst_size: 3,
                ..Default::default()
            },
            vec![],
        );
        let ip: IpAddr = "10.1.1.1".parse().unwrap();
        assert!((0..3).all(|_| l.allow(ip)));
        assert!(!l.allow(ip));
        assert!(
            l.allow("10.1.1.2".parse().unwrap()),
            "other clients have their own bucket"
        );
    }

    #[test]
    fn zero_rate_disables() {
        let l = Limiter::new(
            &RateLimitConfig {
                per_second: 0,
                burst_size: 0,
                ..Default::default()
            },
            vec![],
        );
        assert!((0..10_000).all(|_| l.allow("1.2.3.4".parse().unwrap())));
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let l = Limiter::new(
            &RateLimitConfig::default(),
            vec![parse_cidr("10.0.0.0/8").unwrap()],
        );
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.7".parse().unwrap());
        let via_proxy: SocketAddr = "10.0.0.2:999".parse().unwrap();
        let direct: SocketAddr = "198.51.100.1:999".parse().unwrap();
        assert_eq!(
            l.client_ip(via_proxy, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            l.client_ip(direct, &h),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
    }
}
