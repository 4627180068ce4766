//! Markdown → HTML as Zola 0.22.1 does it: pulldown-cmark with Zola's
//! options, ids on headings, and links fixed as Zola's `fix_link` does.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::config::MarkdownConfig;
use super::content::slugify;

/// Markdown → HTML with Zola's pulldown-cmark options and its rewrites:
/// every heading gets an id (explicit `{#id}` or the slug of its text, made
/// unique with -1, -2, ...), and links are fixed as Zola's `fix_link` does
/// (see `resolve_link`) for the page at `permalink`.
pub(super) fn render_markdown(
    markdown: &str,
    config: &MarkdownConfig,
    permalinks: &HashMap<String, String>,
    permalink: &str,
) -> Result<String, String> {
    if markdown.contains("{{") || markdown.contains("{%") {
        return Err("shortcodes are not supported by the local renderer".into());
    }
    let mut events = fixed_events(markdown, options(config), permalinks, permalink)?;
    anchor_headings(&mut events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html)
}

/// The extensions Zola always turns on, and those `[markdown]` may add.
fn options(config: &MarkdownConfig) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if config.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    if config.definition_list {
        options |= Options::ENABLE_DEFINITION_LIST;
    }
    if config.github_alerts {
        options |= Options::ENABLE_GFM;
    }
    options
}

/// The parser's events with every link and image fixed; footnotes and code
/// blocks, which Zola renders its own way, are refused.
fn fixed_events<'a>(
    markdown: &'a str,
    options: Options,
    permalinks: &HashMap<String, String>,
    permalink: &str,
) -> Result<Vec<Event<'a>>, String> {
    let mut events: Vec<Event<'a>> = Vec::new();
    for event in Parser::new_ext(markdown, options) {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                dest_url: resolve_link(link_type, dest_url, permalinks, permalink)?,
                link_type,
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                dest_url: resolve_link(link_type, dest_url, permalinks, permalink)?,
                link_type,
                title,
                id,
            }),
            Event::Start(Tag::FootnoteDefinition(_)) | Event::FootnoteReference(_) => {
                return Err("footnotes are not supported by the local renderer".into());
            }
            Event::Start(Tag::CodeBlock(_)) => {
                return Err("code blocks are not supported by the local renderer".into());
            }
            other => other,
        };
        events.push(event);
    }
    Ok(events)
}

/// Replaces each heading's start with HTML carrying its id. Explicit ids are
/// reserved first, as Zola does, then the others are derived from the
/// heading text.
fn anchor_headings(events: &mut [Event<'_>]) {
    let mut taken: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level, id, classes, ..
        }) = &events[i]
        {
            let id = match id {
                Some(id) => id.to_string(),
                None => {
                    let id = unique_anchor(&taken, slugify(&heading_text(&events[i + 1..])));
                    taken.push(id.clone());
                    id
                }
            };
            let mut html = format!("<{level} id=\"{}\"", escape_attr(&id));
            if !classes.is_empty() {
                let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                let _ = write!(html, " class=\"{}\"", escape_attr(&classes.join(" ")));
            }
            html.push('>');
            events[i] = Event::Html(CowStr::from(html));
        }
        i += 1;
    }
}

/// The text and code of a heading whose content starts `events`.
fn heading_text(events: &[Event<'_>]) -> String {
    events
        .iter()
        .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

fn unique_anchor(taken: &[String], name: String) -> String {
    if !taken.contains(&name) {
        return name;
    }
    (1..)
        .map(|n| format!("{name}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(name)
}

/// Zola's `fix_link`: `@/file.md#anchor` becomes the content's URL; an
/// anchor alone (`#faq`) and a relative link (`photo.png`, a colocated
/// asset in Zola) are put after the page's own permalink; `#`, absolute,
/// `../` and scheme links (`https:`, `mailto:`) and email autolinks stay.
fn resolve_link<'a>(
    link_type: LinkType,
    dest: CowStr<'a>,
    permalinks: &HashMap<String, String>,
    permalink: &str,
) -> Result<CowStr<'a>, String> {
    if link_type == LinkType::Email {
        return Ok(dest);
    }
    if let Some(target) = dest.strip_prefix("@/") {
        return resolve_internal(target, permalinks)
            .map(CowStr::from)
            .ok_or_else(|| format!("link to `{dest}`: no such content file"));
    }
    let scheme = dest.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    let relative = !dest.starts_with('/') && !dest.starts_with("..") && !scheme;
    if dest.as_ref() != "#" && relative {
        return Ok(CowStr::from(format!("{permalink}{dest}")));
    }
    Ok(dest)
}

/// `apply/mentee.md#skills` → "/apply/mentee/#skills".
pub(super) fn resolve_internal(
    target: &str,
    permalinks: &HashMap<String, String>,
) -> Option<String> {
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    };
    let permalink = permalinks.get(file)?;
    Some(match anchor {
        Some(anchor) => format!("{permalink}#{anchor}"),
        None => permalink.clone(),
    })
}

fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
