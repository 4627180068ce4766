//! The mailer on SES v2: plain-text messages from one verified sender.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{
    Body, Content, Destination, EmailContent, Message as SesMessage, MessageHeader,
};
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

fn header(name: &str, value: String) -> Result<MessageHeader, MailError> {
    MessageHeader::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| MailError::Rejected(format!("header not buildable: {e}")))
}

/// The message as SES sends it: plain text, and for mail people can stop,
/// the two headers of RFC 8058 that let a mail client's own "Unsubscribe"
/// stop it in one press (what large mailbox providers ask of bulk senders;
/// SES signs them with the domain's DKIM key, as the RFC requires).
fn content(message: &Message) -> Result<EmailContent, MailError> {
    let mut simple = SesMessage::builder()
        .subject(utf8(&message.subject)?)
        .body(Body::builder().text(utf8(&message.text)?).build());
    if let Some(url) = &message.unsubscribe {
        simple = simple
            .headers(header("List-Unsubscribe", format!("<{url}>"))?)
            .headers(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            )?);
    }
    Ok(EmailContent::builder().simple(simple.build()).build())
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let content = content(message)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn message(unsubscribe: Option<&str>) -> Message {
        Message {
            to: "ada@mo.gov".into(),
            subject: "News".into(),
            text: "Hello".into(),
            unsubscribe: unsubscribe.map(String::from),
        }
    }

    fn headers(content: &EmailContent) -> Vec<(String, String)> {
        content
            .simple()
            .map(|m| {
                m.headers()
                    .iter()
                    .map(|h| (h.name().to_string(), h.value().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn mail_people_can_stop_carries_the_one_click_headers_and_other_mail_none() {
        let url = "https://mentoring.mo.gov/api/announcements/a1/unsubscribe/ada%40mo.gov/t0k";
        let stoppable = content(&message(Some(url))).expect("content");
        assert_eq!(
            headers(&stoppable),
            [
                ("List-Unsubscribe".to_string(), format!("<{url}>")),
                (
                    "List-Unsubscribe-Post".to_string(),
                    "List-Unsubscribe=One-Click".to_string()
                ),
            ]
        );
        let own = content(&message(None)).expect("content");
        assert!(headers(&own).is_empty());
    }
}
