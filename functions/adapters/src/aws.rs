//! The SDK's shared configuration: region and credentials from the
//! environment, and one HTTPS client for every AWS client of a function.
//!
//! The client is rustls with ring, trusting only Amazon's root CAs (Amazon
//! Root CA 1–4 and the Starfield Services G2 root that cross-signs them),
//! which sign every AWS service endpoint. The SDK's default client instead
//! reads and parses every certificate of the operating system's store when
//! the function starts and links aws-lc: together most of a cold start and
//! over a megabyte of each bootstrap (see docs/deploy.md, "Cold starts").

use std::time::Duration;

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_sdk_dynamodb::config::SharedCredentialsProvider;
use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_smithy_http_client::Builder;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use crate::config::{ConfigError, var};

const AMAZON_ROOTS: &[u8] = include_bytes!("amazon-roots.pem");

/// An HTTPS (and, for local stand-ins, plain HTTP) client for the SDK.
pub fn http_client() -> Result<SharedHttpClient, ConfigError> {
    let trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(AMAZON_ROOTS);
    let tls = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| ConfigError {
            name: "AWS root certificates",
            problem: e.to_string(),
        })?;
    Ok(SharedHttpClient::new(ConnectorOnFirstUse(
        Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .tls_context(tls)
            .build_https(),
    )))
}

/// The SDK's client, minus its check at start-up. Each AWS client built
/// on it asks it to "validate the base config", which makes a whole TLS
/// connector (roots parsed, rustls configured) and throws it away, so that
/// system roots would load early; the connector requests use is made and
/// kept on the first request either way. With our embedded roots (checked
/// by a test) the check only cost every start one connector per client.
#[derive(Debug)]
struct ConnectorOnFirstUse(SharedHttpClient);

impl HttpClient for ConnectorOnFirstUse {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// `aws_config::defaults` (region and credentials from the environment)
/// with our HTTP client.
pub fn defaults() -> Result<ConfigLoader, ConfigError> {
    Ok(aws_config::defaults(BehaviorVersion::latest()).http_client(http_client()?))
}

/// How long a function waits on AWS. The SDK's standard retries (3
/// attempts, backing off, throttling included) stay; each attempt and the
/// whole call are bounded so a call that hangs ends as our 503 well within
/// the Lambda's 10 seconds, not as API Gateway's bare timeout.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_millis(1500))
        .operation_timeout(Duration::from_secs(4))
        .build()
}

/// The SDK's standard retries: 3 attempts, backing off, throttling included.
fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// The SDK configuration a Lambda runs on, from what Lambda puts in every
/// function's environment: `AWS_REGION` and the function's credentials
/// (`AWS_ACCESS_KEY_ID`, ...). The SDK's loader (profile files, a provider
/// per setting, IMDS, container endpoints, STS) is neither asked nor linked
/// into the bootstraps: its `load` took 120 to 230 µs of each start, timed
/// step by step. `AWS_ENDPOINT_URL` is still honoured, for stand-ins.
pub fn lambda_config() -> Result<SdkConfig, ConfigError> {
    let region = var("AWS_REGION")?;
    // Read on each call by the provider; checked here so that a function
    // without credentials does not start, rather than fail at its first call.
    var("AWS_ACCESS_KEY_ID")?;
    sdk_config(
        Region::new(region),
        SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new()),
        std::env::var("AWS_ENDPOINT_URL").ok(),
    )
}

/// A region, credentials and optionally an endpoint, on our HTTP client
/// with standard retries and `timeouts`: what `lambda_config` builds.
pub fn sdk_config(
    region: Region,
    credentials: SharedCredentialsProvider,
    endpoint_url: Option<String>,
) -> Result<SdkConfig, ConfigError> {
    let mut config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(region)
        .credentials_provider(credentials)
        .identity_cache(IdentityCache::lazy().build())
        .http_client(http_client()?)
        .retry_config(retries())
        .timeout_config(timeouts());
    config.set_endpoint_url(endpoint_url);
    Ok(config.build())
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;

    use super::*;

    /// The client parses the roots only when it first connects, and panics
    /// there if they are malformed: check them here instead.
    #[test]
    fn the_embedded_amazon_roots_are_five_well_formed_certificates() {
        let certs = CertificateDer::pem_slice_iter(AMAZON_ROOTS)
            .collect::<Result<Vec<_>, _>>()
            .expect("well-formed PEM");
        assert_eq!(certs.len(), 5);
        let mut roots = rustls::RootCertStore::empty();
        let (valid, invalid) = roots.add_parsable_certificates(certs);
        assert_eq!((valid, invalid), (5, 0));
        assert!(http_client().is_ok());
    }
}
