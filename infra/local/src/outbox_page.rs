//! The local outbox: the emails the platform "sent", with their links
//! clickable, so a whole journey works in one browser without SES.

use serde::Serialize;
use tera::{Context, Tera};

use moments_adapters::mail::outbox::OutboxEntry;

const TEMPLATE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbox — MOments local platform</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1b1b1b; }
header { border-bottom: 2px solid #12355b; margin-bottom: 1rem; }
article { border: 1px solid #767676; border-radius: 4px; padding: 0.75rem 1rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 0.25rem; }
pre { white-space: pre-wrap; word-break: break-word; font: inherit; margin: 0.5rem 0 0; }
a { color: #0b4f8a; }
a:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
.meta { color: #444; margin: 0; }
</style>
</head>
<body>
<header>
<p><a href="/">MOments</a> · local platform</p>
<h1>Outbox</h1>
<p>Emails the platform would have sent through SES, newest first. Nothing here left this machine.</p>
</header>
<main>
{% if messages | length == 0 %}<p>No emails yet. Apply, or ask for a sign-in link, and they appear here.</p>{% endif %}
{% for m in messages %}
<article aria-labelledby="m{{ loop.index }}">
<h2 id="m{{ loop.index }}">{{ m.subject }}</h2>
<p class="meta">To <strong class="to">{{ m.to }}</strong> · <time datetime="{{ m.sent_at }}">{{ m.sent_at }}</time></p>
<pre>{% for part in m.parts %}{% if part.link %}<a href="{{ part.text }}">{{ part.text }}</a>{% else %}{{ part.text }}{% endif %}{% endfor %}</pre>
{% if m.unsubscribe %}<form method="post" action="{{ m.unsubscribe }}" class="meta">
<p>Sent with <code>List-Unsubscribe: &lt;{{ m.unsubscribe }}&gt;</code> and <code>List-Unsubscribe-Post: List-Unsubscribe=One-Click</code>.
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button>Unsubscribe, as a mail client's own button would</button></p>
</form>{% endif %}
</article>
{% endfor %}
</main>
</body>
</html>
"#;

#[derive(Serialize)]
struct Part<'a> {
    text: &'a str,
    link: bool,
}

#[derive(Serialize)]
struct Shown<'a> {
    to: &'a str,
    subject: &'a str,
    sent_at: &'a str,
    parts: Vec<Part<'a>>,
    unsubscribe: Option<&'a str>,
}

/// Split text into plain runs and http(s) links (a link ends at whitespace).
fn parts(text: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        if start > 0 {
            out.push(Part {
                text: &rest[..start],
                link: false,
            });
        }
        let end = rest[start..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |i| start + i);
        out.push(Part {
            text: &rest[start..end],
            link: true,
        });
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Part {
            text: rest,
            link: false,
        });
    }
    out
}

/// The outbox page; Tera escapes everything, so message text stays text.
pub fn render(messages: &[OutboxEntry]) -> Result<String, tera::Error> {
    let shown: Vec<Shown<'_>> = messages
        .iter()
        .map(|m| Shown {
            to: &m.to,
            subject: &m.subject,
            sent_at: &m.sent_at,
            parts: parts(&m.text),
            unsubscribe: m.unsubscribe.as_deref(),
        })
        .collect();
    let mut context = Context::new();
    context.insert("messages", &shown);
    Tera::one_off(TEMPLATE, &context, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_anchors_and_markup_stays_text() {
        let page = render(&[OutboxEntry {
            id: "1".into(),
            sent_at: "2026-11-25T10:00:00Z".into(),
            to: "a@mo.gov".into(),
            subject: "Hi <b>".into(),
            text: "Open http://127.0.0.1:8080/signin/confirm/?token=abc now\n<script>x</script>"
                .into(),
            unsubscribe: None,
        }])
        .expect("renders");
        // Tera escapes "/" as an entity, which the browser decodes in href.
        assert_eq!(
            page.matches("<a href=").count(),
            2,
            "home link and one message link"
        );
        assert!(page.contains("token=abc\">"));
        assert!(page.contains("Hi &lt;b&gt;"));
        assert!(!page.contains("<script>x"));
    }
}
