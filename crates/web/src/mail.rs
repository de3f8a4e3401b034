//! The words of the emails Stoa sends, in each recipient's language: a
//! plain-text and an HTML version of every message.

use std::fmt::Write as _;

use fluent_templates::fluent_bundle::FluentValue;
use stoa_core::mail::{AccountExists, DigestNotice, Letter, Letters, Notice};
use unic_langid::LanguageIdentifier;

use crate::html::escape;
use crate::i18n;

/// [`Letters`] from the Fluent catalogs.
pub struct CatalogLetters {
    /// The instance's name, for subjects.
    pub site: String,
}

fn lang_of(locale: Option<&str>) -> LanguageIdentifier {
    i18n::negotiate(locale, None)
}

/// "Ana mentioned you in “Title”", in `lang`.
fn line(lang: &LanguageIdentifier, n: &Notice) -> String {
    let actor = n.actor_name.clone().unwrap_or_else(|| i18n::text(lang, "anonymous"));
    i18n::text_with(
        lang,
        &i18n::notice_id(&n.kind, &n.change),
        &[("actor", FluentValue::from(actor)), ("title", FluentValue::from(n.title.clone()))],
    )
}

fn html_page(body: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family: system-ui, sans-serif; line-height: 1.5; max-width: 36rem\">\
         {body}</body></html>"
    )
}

impl Letters for CatalogLetters {
    fn notice(&self, n: &Notice) -> Letter {
        let lang = lang_of(n.locale.as_deref());
        let t = |id: &str| i18n::text(&lang, id);
        let greeting =
            i18n::text_with(&lang, "mail-greeting", &[("name", FluentValue::from(n.recipient_name.clone()))]);
        let headline = line(&lang, n);
        let mut text = format!("{greeting}\n\n{headline}\n");
        if !n.space_name.is_empty() {
            let _ = writeln!(text, "({})", n.space_name);
        }
        if !n.excerpt.is_empty() {
            let _ = write!(text, "\n{}\n", n.excerpt);
        }
        let _ = write!(
            text,
            "\n{}: {}\n\n-- \n{}\n{}: {}\n{}: {}\n",
            t("mail-open"),
            n.link,
            t("mail-why"),
            t("mail-unsubscribe"),
            n.unsubscribe,
            t("mail-settings"),
            n.settings
        );
        let mut html = format!("<p>{}</p><p><strong>{}</strong>", escape(&greeting), escape(&headline));
        if !n.space_name.is_empty() {
            let _ = write!(html, " <span style=\"color:#555\">({})</span>", escape(&n.space_name));
        }
        html.push_str("</p>");
        if !n.excerpt.is_empty() {
            let _ = write!(
                html,
                "<blockquote style=\"border-left:3px solid #ccc;margin:0;padding-left:1em\">{}</blockquote>",
                escape(&n.excerpt)
            );
        }
        let _ = write!(
            html,
            "<p><a href=\"{}\">{}</a></p><hr><p style=\"color:#555;font-size:0.9em\">{} \
             <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></p>",
            escape(&n.link),
            escape(&t("mail-open")),
            escape(&t("mail-why")),
            escape(&n.unsubscribe),
            escape(&t("mail-unsubscribe")),
            escape(&n.settings),
            escape(&t("mail-settings"))
        );
        Letter { subject: headline, text, html: html_page(&html) }
    }

    fn digest(&self, d: &DigestNotice) -> Letter {
        let lang = lang_of(d.locale.as_deref());
        let t = |id: &str| i18n::text(&lang, id);
        let subject = i18n::text_with(
            &lang,
            if d.every == "weekly" { "mail-subject-digest-weekly" } else { "mail-subject-digest-daily" },
            &[("site", FluentValue::from(self.site.clone()))],
        );
        let greeting =
            i18n::text_with(&lang, "mail-greeting", &[("name", FluentValue::from(d.recipient_name.clone()))]);
        let mut text = format!("{greeting}\n\n{}\n\n", t("mail-digest-intro"));
        let mut html = format!("<p>{}</p><p>{}</p><ul>", escape(&greeting), escape(&t("mail-digest-intro")));
        for n in &d.items {
            let headline = line(&lang, n);
            let place = if n.space_name.is_empty() { String::new() } else { format!(" ({})", n.space_name) };
            let _ = write!(text, "* {headline}{place}\n  {}\n", n.link);
            let _ =
                write!(html, "<li><a href=\"{}\">{}</a>{}</li>", escape(&n.link), escape(&headline), escape(&place));
        }
        let _ = write!(
            text,
            "\n-- \n{}\n{}: {}\n{}: {}\n",
            t("mail-why"),
            t("mail-unsubscribe"),
            d.unsubscribe,
            t("mail-settings"),
            d.settings
        );
        let _ = write!(
            html,
            "</ul><hr><p style=\"color:#555;font-size:0.9em\">{} <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></p>",
            escape(&t("mail-why")),
            escape(&d.unsubscribe),
            escape(&t("mail-unsubscribe")),
            escape(&d.settings),
            escape(&t("mail-settings"))
        );
        Letter { subject, text, html: html_page(&html) }
    }

    fn account_exists(&self, n: &AccountExists) -> Letter {
        let lang = lang_of(n.locale.as_deref());
        let subject =
            i18n::text_with(&lang, "mail-subject-account-exists", &[("site", FluentValue::from(self.site.clone()))]);
        let greeting =
            i18n::text_with(&lang, "mail-greeting", &[("name", FluentValue::from(n.recipient_name.clone()))]);
        let body = i18n::text_with(
            &lang,
            "mail-account-exists",
            &[("site", FluentValue::from(self.site.clone())), ("username", FluentValue::from(n.username.clone()))],
        );
        let text = format!("{greeting}\n\n{body}\n\n{}\n", n.sign_in);
        let html = format!(
            "<p>{}</p><p>{}</p><p><a href=\"{}\">{}</a></p>",
            escape(&greeting),
            escape(&body),
            escape(&n.sign_in),
            escape(&n.sign_in)
        );
        Letter { subject, text, html: html_page(&html) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_escaped_and_carry_their_links() {
        let letters = CatalogLetters { site: "Stoa".into() };
        let notice = Notice {
            recipient_name: "Bo <b>".into(),
            locale: None,
            kind: "mention".into(),
            actor_name: Some("Ana".into()),
            title: "Fish & <chips>".into(),
            change: String::new(),
            space_name: "Circle".into(),
            excerpt: "look at <script>".into(),
            link: "https://s.test/n/1?to=%2Fs".into(),
            unsubscribe: "https://s.test/unsubscribe/abc".into(),
            settings: "https://s.test/settings/notifications".into(),
        };
        let letter = letters.notice(&notice);
        assert_eq!(letter.subject, "Ana mentioned you in “Fish & <chips>”");
        assert!(letter.text.contains("look at <script>") && letter.text.contains("https://s.test/unsubscribe/abc"));
        assert!(letter.html.contains("Fish &amp; &lt;chips&gt;") && !letter.html.contains("<script>"));
        assert!(letter.html.contains("Bo &lt;b&gt;"));
        let anonymous = Notice { actor_name: None, locale: Some("es".into()), ..notice.clone() };
        assert!(letters.notice(&anonymous).subject.starts_with("Anónim"), "{}", letters.notice(&anonymous).subject);
        let digest = letters.digest(&DigestNotice {
            recipient_name: "Bo".into(),
            locale: None,
            every: "weekly".into(),
            items: vec![notice.clone(), notice],
            unsubscribe: "https://s.test/unsubscribe/d".into(),
            settings: "https://s.test/settings/notifications".into(),
        });
        assert_eq!(digest.subject, "Your weekly digest from Stoa");
        assert_eq!(digest.text.matches("https://s.test/n/1").count(), 2);
    }
}
