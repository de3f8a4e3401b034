//! Rendered posts of thread pages, kept in memory.
//!
//! Most of a thread page is its posts, and most readers see a post exactly
//! as the next reader does. A post's HTML (`post.html`) is kept per thread
//! page read at one revision (the revision the core's posts cache uses, which
//! every change to what a post shows bumps), per language and per class of
//! reader: their permissions in the space and whether they may reply.
//!
//! What differs from one reader to the next is never kept: a post with a form
//! (forms carry the reader's CSRF token), which is every post the reader may
//! edit, delete, moderate or has reactions to toggle, and every answer to a
//! question. What changes with time or with the reader's own reading ("2
//! hours ago", "new", whether they may flag it, whether its author is hidden
//! from them) is compared on every use, and the post rendered again when it
//! differs.

use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use fluent_templates::LanguageIdentifier;
use stoa_core::discussions::{Post, ThreadPage};

use super::PageCtx;

/// Pages kept at most; a full cache forgets half of them.
const CAPACITY: usize = 256;

/// One post of a thread page.
#[derive(Template)]
#[template(path = "post.html")]
struct PostItem<'a> {
    ctx: &'a PageCtx,
    tp: &'a ThreadPage,
    post: &'a Post,
}

/// Which thread page, read when, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    thread_id: String,
    page: i64,
    revision: i64,
    lang: LanguageIdentifier,
    /// The reader's permissions that `post.html` reads: signed in, read,
    /// post, moderate, facilitate, may reply.
    class: u8,
}

/// A post of a page, as one reader reads it: its number, whether it is new
/// to them, whether they may flag it, whether its author is hidden from them.
type PostKey = (i64, bool, bool, bool);

fn post_key(post: &Post) -> PostKey {
    (post.number, post.is_new, post.can_flag, post.author_hidden)
}

/// A kept post, and the age it shows ("2 hours ago").
type Fragment = (Arc<str>, Arc<str>);

#[derive(Debug, Default)]
pub struct PostFragments {
    pages: Mutex<HashMap<Key, HashMap<PostKey, Fragment>>>,
}

/// Whether a post's HTML is the same for every reader of its class: it has
/// no form in it.
fn cacheable(tp: &ThreadPage, post: &Post) -> bool {
    tp.thread.kind != "question"
        && !post.can_edit
        && !post.can_delete
        && !post.can_hide
        && !post.can_vote
        && !post.can_accept
        && !post.can_endorse
        && (!tp.may.post || post.reactions.is_empty())
}

fn class(ctx: &PageCtx, tp: &ThreadPage) -> u8 {
    let bits = [ctx.user.is_some(), tp.may.read, tp.may.post, tp.may.moderate, tp.may.facilitate, tp.thread.can_reply];
    bits.iter().enumerate().fold(0, |acc, (i, on)| acc | (u8::from(*on) << i))
}

fn render(ctx: &PageCtx, tp: &ThreadPage, post: &Post) -> Arc<str> {
    let mut html = String::with_capacity(1024 + post.body_html.len());
    if let Err(e) = (PostItem { ctx, tp, post }).render_into(&mut html) {
        tracing::error!(error = %e, "rendering a post");
    }
    Arc::from(html)
}

impl PostFragments {
    /// The HTML of every post of `tp`, in order, from the cache where it can be.
    pub fn posts(&self, ctx: &PageCtx, tp: &ThreadPage) -> Vec<Arc<str>> {
        let key = Key {
            thread_id: tp.thread.id.clone(),
            page: tp.page,
            revision: tp.revision,
            lang: ctx.lang.clone(),
            class: class(ctx, tp),
        };
        let mut kept: Vec<Option<Arc<str>>> = vec![None; tp.posts.len()];
        let ages: Vec<Arc<str>> = tp.posts.iter().map(|p| ctx.ago(&p.created_at)).collect();
        if let Ok(pages) = self.pages.lock()
            && let Some(fragments) = pages.get(&key)
        {
            for ((post, ago), slot) in tp.posts.iter().zip(&ages).zip(&mut kept) {
                if let Some((kept_ago, html)) = fragments.get(&post_key(post))
                    && kept_ago == ago
                    && cacheable(tp, post)
                {
                    *slot = Some(html.clone());
                }
            }
        }
        let mut fresh = Vec::new();
        let out = tp
            .posts
            .iter()
            .zip(ages)
            .zip(kept)
            .map(|((post, ago), slot)| match slot {
                Some(html) => html,
                None => {
                    let html = render(ctx, tp, post);
                    if cacheable(tp, post) {
                        fresh.push((post_key(post), (ago, html.clone())));
                    }
                    html
                }
            })
            .collect();
        if !fresh.is_empty()
            && let Ok(mut pages) = self.pages.lock()
        {
            if pages.len() >= CAPACITY && !pages.contains_key(&key) {
                let forget: Vec<Key> = pages.keys().take(CAPACITY / 2).cloned().collect();
                for k in forget {
                    pages.remove(&k);
                }
            }
            pages.entry(key).or_default().extend(fresh);
        }
        out
    }
}
