//! TLS to PostgreSQL (rustls), with libpq's meaning of `sslmode` so a URL copied from a
//! provider's console behaves as it does with `psql`:
//!
//! | `sslmode`          | TLS                          | certificate checked             |
//! |--------------------|------------------------------|---------------------------------|
//! | `disable`          | never                        | —                               |
//! | `prefer` (default) | when the server offers it    | no                              |
//! | `require`          | always                       | no (chain only with `sslrootcert`) |
//! | `verify-ca`        | always                       | chain                           |
//! | `verify-full`      | always                       | chain and host name             |
//!
//! The chain is checked against the Mozilla roots (`webpki-roots`) and, when the URL names one,
//! the PEM file `sslrootcert=/path/ca.pem` (what managed databases with their own CA need).
//! `verify-ca`, `verify-full` and `sslrootcert` are taken out of the URL here: the driver's
//! parser knows only `disable`, `prefer` and `require`.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use tokio_postgres::Socket;

/// How much of the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Encrypted, but any certificate is taken (libpq's `prefer` and `require`).
    Nothing,
    /// The chain must lead to a trusted root (`verify-ca`).
    Chain,
    /// The chain, and the certificate must name the host (`verify-full`).
    Full,
}

/// The URL's TLS wishes, with the parts the driver does not parse taken out.
#[derive(Debug)]
pub struct Split {
    /// The URL as the driver takes it.
    pub url: String,
    pub check: Check,
    pub root_cert: Option<PathBuf>,
}

/// Takes `sslmode=verify-ca|verify-full` and `sslrootcert=` out of `url`'s query.
pub fn split_url(url: &str) -> Result<Split, String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut kept = Vec::new();
    let mut mode = None;
    let mut root_cert = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => mode = Some(v.to_string()),
            "sslrootcert" => {
                let path = percent_decode(v)
                    .ok_or_else(|| "sslrootcert: not a valid percent-encoded path".to_string())?;
                if path.is_empty() {
                    return Err("sslrootcert: needs the path of a PEM file".into());
                }
                root_cert = Some(PathBuf::from(path));
            }
            _ => kept.push(pair.to_string()),
        }
    }
    let (driver_mode, check) = match mode.as_deref() {
        None | Some("prefer") => ("prefer", Check::Nothing),
        Some("disable") => ("disable", Check::Nothing),
        Some("allow") => ("prefer", Check::Nothing),
        // As libpq: `require` with a root certificate checks the chain.
        Some("require") if root_cert.is_some() => ("require", Check::Chain),
        Some("require") => ("require", Check::Nothing),
        Some("verify-ca") => ("require", Check::Chain),
        Some("verify-full") => ("require", Check::Full),
        Some(other) => {
            return Err(format!(
                "sslmode={other}: must be disable, allow, prefer, require, verify-ca or \
                 verify-full"
            ))
        }
    };
    kept.push(format!("sslmode={driver_mode}"));
    Ok(Split {
        url: format!("{base}?{}", kept.join("&")),
        check,
        root_cert,
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Makes the TLS connections of a pool (and of the cluster's own connection).
#[derive(Clone)]
pub struct Connector {
    config: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connector")
    }
}

impl Connector {
    /// A connector that checks what `check` says, trusting the Mozilla roots and the
    /// certificates in `root_cert` (PEM).
    pub fn new(check: Check, root_cert: Option<&std::path::Path>) -> Result<Connector, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = root_cert {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("sslrootcert={}: {e}", path.display()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("sslrootcert={}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "sslrootcert={}: no PEM certificate in it",
                    path.display()
                ));
            }
            for c in certs {
                roots
                    .add(c)
                    .map_err(|e| format!("sslrootcert={}: {e}", path.display()))?;
            }
        }
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| format!("TLS roots: {e}"))?;
        let verifier: Arc<dyn ServerCertVerifier> = match check {
            Check::Full => webpki,
            Check::Chain => Arc::new(Verifier {
                webpki,
                provider: provider.clone(),
                chain: true,
            }),
            Check::Nothing => Arc::new(Verifier {
                webpki,
                provider: provider.clone(),
                chain: false,
            }),
        };
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Connector {
            config: Arc::new(config),
        })
    }
}

/// `verify-ca` (the chain, whatever name the certificate gives) or no check at all; the
/// handshake's signatures are checked either way.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    provider: Arc<rustls::crypto::CryptoProvider>,
    chain: bool,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.chain {
            return Ok(ServerCertVerified::assertion());
        }
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

impl MakeTlsConnect<Socket> for Connector {
    type Stream = Stream;
    type TlsConnect = Connect;
    type Error = io::Error;

    /// `host` is empty for a unix socket, over which the driver never starts TLS: a host TLS
    /// cannot name fails only if a handshake is attempted.
    fn make_tls_connect(&mut self, host: &str) -> Result<Connect, io::Error> {
        Ok(Connect {
            connector: tokio_rustls::TlsConnector::from(self.config.clone()),
            name: ServerName::try_from(host.to_string()).ok(),
            host: host.to_string(),
        })
    }
}

pub struct Connect {
    connector: tokio_rustls::TlsConnector,
    name: Option<ServerName<'static>>,
    host: String,
}

impl TlsConnect<Socket> for Connect {
    type Stream = Stream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Stream>> + Send>>;

    fn connect(self, socket: Socket) -> Self::Future {
        Box::pin(async move {
            let name = self.name.ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{:?} is not a host name TLS can check", self.host),
                )
            })?;
            let s = self.connector.connect(name, socket).await?;
            Ok(Stream(Box::new(s)))
        })
    }
}

/// A TLS connection to the server.
pub struct Stream(Box<tokio_rustls::client::TlsStream<Socket>>);

impl TlsStream for Stream {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM without channel binding (SCRAM-SHA-256, not -PLUS): what libpq does unless
        // told `channel_binding=require`.
        ChannelBinding::none()
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_is_read_as_libpq_reads_it() {
        let s = split_url("postgres://u@h/db").unwrap();
        assert_eq!(
            (s.url.as_str(), s.check),
            ("postgres://u@h/db?sslmode=prefer", Check::Nothing)
        );
        let s = split_url("postgres://u@h/db?sslmode=verify-full&application_name=x").unwrap();
        assert_eq!(
            s.url,
            "postgres://u@h/db?application_name=x&sslmode=require"
        );
        assert_eq!(s.check, Check::Full);
        let s = split_url("postgres://u@h/db?sslmode=require&sslrootcert=%2Fetc%2Fca.pem").unwrap();
        assert_eq!(s.check, Check::Chain);
        assert_eq!(s.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(
            split_url("postgres://u@h/db?sslmode=verify-ca")
                .unwrap()
                .check,
            Check::Chain
        );
        assert_eq!(
            split_url("postgres://u@h/db?sslmode=disable")
                .unwrap()
                .check,
            Check::Nothing
        );
        let e = split_url("postgres://u@h/db?sslmode=always").unwrap_err();
        assert!(
            e.contains("sslmode=always") && e.contains("verify-full"),
            "{e}"
        );
        assert!(split_url("postgres://u@h/db?sslrootcert=").is_err());
    }

    #[test]
    fn a_missing_or_empty_root_certificate_is_named() {
        let e = Connector::new(
            Check::Chain,
            Some(std::path::Path::new("/nonexistent/ca.pem")),
        )
        .unwrap_err();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = Connector::new(Check::Chain, Some(&empty)).unwrap_err();
        assert!(e.contains("no PEM certificate"), "{e}");
    }
}
