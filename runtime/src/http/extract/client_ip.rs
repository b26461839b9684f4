//! The client's IP as PocketBase determines it: the connection's peer address, unless
//! `settings.trustedProxy.headers` names a header that carries it (first value, or the
//! leftmost/rightmost entry of a comma list per `useLeftmostIP`).

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;

use crate::model::settings::TrustedProxySettings;

/// The real client IP.
pub fn client_ip(proxy: &TrustedProxySettings, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    for name in &proxy.headers {
        let Some(value) = headers.get(name.as_str()).and_then(|v| v.to_str().ok()) else {
            continue;
        };
        let mut parts = value.split(',').map(str::trim).filter(|p| !p.is_empty());
        let candidate = if proxy.use_leftmost_ip { parts.next() } else { parts.next_back() };
        if let Some(ip) = candidate.and_then(|c| c.parse::<IpAddr>().ok()) {
            return ip;
        }
    }
    peer.ip()
}

/// Whether `ip` is one of `allowed` (IPs or CIDR subnets); an empty list allows everyone.
pub fn ip_allowed(allowed: &[String], ip: IpAddr) -> bool {
    allowed.is_empty() || allowed.iter().any(|entry| matches_entry(entry, ip))
}

fn matches_entry(entry: &str, ip: IpAddr) -> bool {
    let Some((network, bits)) = entry.split_once('/') else {
        return entry.parse::<IpAddr>().is_ok_and(|allowed| allowed == ip);
    };
    let (Ok(network), Ok(bits)) = (network.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (network, ip) {
        (IpAddr::V4(network), IpAddr::V4(ip)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(network) & mask == u32::from(ip) & mask
        }
        (IpAddr::V6(network), IpAddr::V6(ip)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(network) & mask == u128::from(ip) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ips_and_subnets() {
        let ip: IpAddr = "192.168.1.7".parse().unwrap();
        assert!(ip_allowed(&[], ip));
        assert!(ip_allowed(&["192.168.0.0/16".into()], ip));
        assert!(ip_allowed(&["10.0.0.1".into(), "192.168.1.7".into()], ip));
        assert!(!ip_allowed(&["10.0.0.0/8".into()], ip));
        assert!(ip_allowed(&["0.0.0.0/0".into()], ip));
        assert!(!ip_allowed(&["::1".into()], ip));
    }

    #[test]
    fn honours_trusted_proxy_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.1.1.1, 2.2.2.2".parse().unwrap());
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut proxy = TrustedProxySettings::default();
        assert_eq!(client_ip(&proxy, &headers, peer), peer.ip());
        proxy.headers = vec!["X-Forwarded-For".into()];
        assert_eq!(client_ip(&proxy, &headers, peer).to_string(), "2.2.2.2");
        proxy.use_leftmost_ip = true;
        assert_eq!(client_ip(&proxy, &headers, peer).to_string(), "1.1.1.1");
    }
}
