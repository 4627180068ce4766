//! The mailers: the outbox keeps what was sent; SES (moto) sends from a
//! verified identity only.

use std::sync::Arc;

use moments_adapters::mail::outbox::Outbox;
use moments_adapters::mail::ses::SesMailer;
use moments_adapters::mail::{MailError, Mailer};
use moments_adapters::table::Table;
use moments_domain::mail::Message;
use serde_json::Value;

use crate::support::{aws, endpoint, unique};

fn message(to: &str, subject: &str, text: &str) -> Message {
    Message {
        to: to.into(),
        subject: subject.into(),
        text: text.into(),
        unsubscribe: None,
    }
}

pub async fn outbox_lists_sent_messages_newest_first(table: Arc<dyn Table>) {
    let outbox = Outbox::new(table);
    assert!(outbox.list(10).await.expect("list").is_empty());
    for n in 1..=3 {
        outbox
            .send(&message(
                &format!("person{n}@example.gov"),
                &format!("Subject {n}"),
                &format!("Body {n}\nhttps://moments.example/confirm?t={n}"),
            ))
            .await
            .expect("send to the outbox");
    }
    let all = outbox.list(10).await.expect("list");
    let subjects: Vec<&str> = all.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(subjects, ["Subject 3", "Subject 2", "Subject 1"]);
    let newest = &all[0];
    assert_eq!(newest.to, "person3@example.gov");
    assert_eq!(newest.text, "Body 3\nhttps://moments.example/confirm?t=3");
    assert!(
        newest.sent_at.parse::<jiff::Timestamp>().is_ok(),
        "sent_at is RFC 3339: {}",
        newest.sent_at
    );
    let ids: std::collections::HashSet<&str> = all.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "ids are unique");
    let two = outbox.list(2).await.expect("list");
    assert_eq!(two, all[..2].to_vec(), "a limit keeps the newest");
}

/// The messages moto's SES has accepted (infra/moto_server.py serves them
/// alone; moto's whole model dump takes minutes once the suite's tables
/// are in it).
async fn moto_sent_messages() -> Vec<Value> {
    let url = format!("{}/_moments/ses/messages", endpoint());
    reqwest::get(&url)
        .await
        .expect("moto answers")
        .json()
        .await
        .expect("moto's messages are JSON")
}

pub async fn ses_mailer_sends_and_moto_records_the_message() {
    let config = aws().await;
    let client = aws_sdk_sesv2::Client::new(&config);
    let from = format!("{}@moments.example", unique("sender"));
    client
        .create_email_identity()
        .email_identity(&from)
        .send()
        .await
        .expect("verify the sender on moto");
    let mailer = SesMailer::new(client, from.clone(), None);
    let subject = unique("Your mentoring request — accepted ✓");
    let sent = message(
        "mentee@example.gov",
        &subject,
        "Hello Zoë,\nyour mentor accepted.",
    );
    mailer.send(&sent).await.expect("SES accepts the message");
    // An announcement's copy goes with its one-click unsubscribe headers.
    let stoppable = Message {
        unsubscribe: Some(
            "https://moments.example/api/announcements/a1/unsubscribe/m%40e.gov/t0k".into(),
        ),
        ..message("mentee@example.gov", &unique("News"), "Hello")
    };
    mailer
        .send(&stoppable)
        .await
        .expect("SES accepts a message with List-Unsubscribe headers");

    let recorded: Vec<Value> = moto_sent_messages()
        .await
        .into_iter()
        .filter(|m| m.get("subject").and_then(Value::as_str) == Some(subject.as_str()))
        .collect();
    assert_eq!(recorded.len(), 1, "moto recorded the message once");
    let recorded = &recorded[0];
    assert_eq!(
        recorded.pointer("/destinations/ToAddresses"),
        Some(&serde_json::json!(["mentee@example.gov"]))
    );
    assert_eq!(
        recorded.get("source").and_then(Value::as_str),
        Some(from.as_str())
    );
    assert_eq!(
        recorded.get("body").and_then(Value::as_str),
        Some("Hello Zoë,\nyour mentor accepted.")
    );
}

pub async fn ses_mailer_from_an_unverified_sender_is_rejected() {
    let client = aws_sdk_sesv2::Client::new(&aws().await);
    let from = format!("{}@unverified.example", unique("nobody"));
    let mailer = SesMailer::new(client, from, None);
    let subject = unique("never sent");
    let result = mailer
        .send(&message("mentee@example.gov", &subject, "secret body text"))
        .await;
    match result {
        Err(MailError::Rejected(reason)) => assert!(
            !reason.contains("secret body text"),
            "the error must not carry the body: {reason}"
        ),
        other => panic!("expected Rejected, got {other:?}"),
    }
    let recorded = moto_sent_messages().await;
    assert!(
        !recorded
            .iter()
            .any(|m| m.get("subject").and_then(Value::as_str) == Some(subject.as_str())),
        "nothing was sent"
    );
}
