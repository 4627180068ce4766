//! The mailer on SES v2: plain-text messages from one verified sender.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message as SesMessage};
use moments_domain::mail::Message;

use super::{MailError, Mailer};

pub struct SesMailer {
    client: Client,
    from: String,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client, from: impl Into<String>, configuration_set: Option<String>) -> Self {
        SesMailer {
            client,
            from: from.into(),
            configuration_set,
        }
    }
}

fn utf8(data: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError::Rejected(format!("message not buildable: {e}")))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let content = EmailContent::builder()
            .simple(
                SesMessage::builder()
                    .subject(utf8(&message.subject)?)
                    .body(Body::builder().text(utf8(&message.text)?).build())
                    .build(),
            )
            .build();
        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&message.to).build())
            .content(content)
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map(drop)
            .map_err(mail_error)
    }
}

/// Maps an SDK error by its code. Error text comes from the service and the
/// SDK only (codes, addresses), never from the message body.
fn mail_error<E, R>(err: SdkError<E, R>) -> MailError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let describe = || {
        format!(
            "{}: {}",
            err.code().unwrap_or("unknown"),
            err.message().unwrap_or("no message")
        )
    };
    match &err {
        SdkError::ServiceError(_) => match err.code() {
            Some(
                "MessageRejected"
                | "MailFromDomainNotVerifiedException"
                | "AccountSuspendedException"
                | "SendingPausedException"
                | "NotFoundException"
                | "BadRequestException",
            ) => MailError::Rejected(describe()),
            // Throttling, quotas and service faults pass; retrying may work.
            _ => MailError::Unavailable(describe()),
        },
        // Timeouts, connection failures, unreadable responses, and requests the
        // SDK could not build: nothing is known to be sent.
        _ => MailError::Unavailable(DisplayErrorContext(&err).to_string()),
    }
}
