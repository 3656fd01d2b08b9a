//! Server-side scrubbing: secrets and card numbers (and, if configured, IP addresses) are taken
//! out of error events and LLM content before anything is queued for disk. The engine is pure:
//! [`Scrubber`] (built from `[scrubbing]`) rewrites text, JSON text and `serde_json::Value`s;
//! [`Scrubbing`] adds the server-wide switch and the per-project off-switch (kept in the
//! `settings` table as `scrubbing.off:<project>`, cached here). Which fields of an event or a
//! trace are scrubbed is decided by their owners ([`Scrubber::event`], `Trace::scrub`).
//!
//! The rules (also in the README, "Configuration"):
//! - **Keys.** A value whose key names a secret becomes `"[Filtered]"` (strings, numbers,
//!   objects and arrays alike; `null` and booleans say nothing and stay). A key is split into
//!   words (at non-alphanumerics, lower→upper camelCase, letter↔digit) and lowercased, and the
//!   words are joined. A stem then matches the joined key: `password`, `passwd`, `passphrase`,
//!   `secret`, `cookie`, `credential`, `apikey`, `privatekey`, `authorization`, `sessid`,
//!   `jsession` anywhere (`x-api-key`, `clientSecret`, `Set-Cookie`, `private_key`); `session` at
//!   the start of a word (`session_id`, `sessionid`, not `possession`); `token` and `auth` at the
//!   end of a word (`x-auth-token`, `csrftoken`, `oauth`, not `author`, `tokens`, `tokenizer`);
//!   `pwd` as a whole word; each of `[scrubbing].extra_keys` as whole words (`card_number` matches
//!   `cardNumber` and `cardnumber`, not `cardnumbers`). A key about a count or a lifetime is not a
//!   secret: a match followed by the word `count`, `usage`, `limit`, `length`, `ttl`, `expiry`,
//!   `expires`, `timeout` or `type` (`token_count`, `session_ttl`) does not filter. An array of
//!   exactly two items whose first is a string naming a secret (a Sentry-style header pair
//!   `["Authorization", "Bearer …"]`) has its second item filtered.
//! - **Text** (every string value, the message, the stack, prompts and completions):
//!   card numbers — 13 to 19 digits, single spaces or dashes allowed between them, starting with
//!   2–6 (the issuers' ranges) and passing the Luhn check — become `[card]`; `Bearer <token>`
//!   becomes `Bearer [Filtered]` (a token of 16+ characters, or with a digit or one of `.-_~+/=`,
//!   so prose keeps "Bearer token"); key-shaped tokens become `[Filtered]`: `sk-…`/`sk-ant-…`
//!   (OpenAI, Anthropic), `sk_live_`/`rk_live_`/`sk_test_` (Stripe), `ghp_`/`gho_`/`ghs_`/`ghu_`/
//!   `ghr_`/`github_pat_` (GitHub), `glpat-` (GitLab), `xox?-` (Slack), `AKIA`/`ASIA` (AWS key
//!   ids), `AIza` (Google), `hf_` (Hugging Face), `bloop_` (bloop's own keys and tokens), JSON
//!   Web Tokens and PEM private-key blocks; a URL's password (`scheme://user:[Filtered]@host`);
//!   and the value of `name=value` or `"name": "value"` written in text when `name` is a secret
//!   key by the rules above.
//! - **IP addresses** (`[scrubbing].ip_addresses`): `keep` (default: they are mostly the
//!   infrastructure's own, useful to debug), `hash` (`[ip:123456789012]`: 12 decimal digits of an
//!   HMAC-SHA256 under a random key kept in the database, stable across events and restarts,
//!   not reversible without that key; digits so that grouping folds them like any number) or
//!   `drop` (`[ip]`).
//! - **Depth.** JSON deeper than [`MAX_DEPTH`] levels is replaced whole by `"[Filtered]"` below
//!   that level (what is not walked is not kept).
//!
//! Fast by construction: one left-to-right pass per string with a table-free word-start scan,
//! JSON rewritten in place as text (never parsed into a tree), and no allocation unless
//! something is replaced.

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use hmac::Mac;
use rusqlite::Connection;
use serde_json::Value;

use crate::config::{IpAddresses, ScrubbingConfig};
use crate::event::Event;
use crate::store::{self, StoreError};

/// What a filtered value becomes.
pub const FILTERED: &str = "[Filtered]";
/// What a card number becomes.
pub const CARD: &str = "[card]";
/// What a dropped IP address becomes.
pub const IP_DROPPED: &str = "[ip]";
/// Deepest JSON nesting walked; deeper values are filtered whole.
pub const MAX_DEPTH: usize = 64;
/// Settings key prefix of the per-project off-switch (`scrubbing.off:<project>` = `1`).
pub const PROJECT_OFF_PREFIX: &str = "scrubbing.off:";
/// Settings key of the IP hashing key (64 hex digits, made on first use).
pub const IP_KEY_SETTING: &str = "scrubbing.ip_key";
/// Most stems (built in plus `extra_keys`).
const MAX_STEMS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Anywhere,
    StartsWord,
    EndsWord,
    Word,
}

const BUILTIN_STEMS: &[(&str, Mode)] = &[
    ("password", Mode::Anywhere),
    ("passwd", Mode::Anywhere),
    ("passphrase", Mode::Anywhere),
    ("pwd", Mode::Word),
    ("secret", Mode::Anywhere),
    ("cookie", Mode::Anywhere),
    ("credential", Mode::Anywhere),
    ("apikey", Mode::Anywhere),
    ("privatekey", Mode::Anywhere),
    ("authorization", Mode::Anywhere),
    ("sessid", Mode::Anywhere),
    ("jsession", Mode::Anywhere),
    ("session", Mode::StartsWord),
    ("token", Mode::EndsWord),
    ("auth", Mode::EndsWord),
];

/// A word after a matched stem that makes the key about a count or a lifetime, not a secret.
const NOT_SECRET_NEXT: &[&[u8]] = &[
    b"count", b"counts", b"usage", b"limit", b"limits", b"length", b"len", b"ttl", b"expiry",
    b"expires", b"expired", b"timeout", b"type", b"types",
];

struct Stem {
    text: Box<[u8]>,
    mode: Mode,
}

/// The scrubbing rules, built once from `[scrubbing]` (see the module doc).
pub struct Scrubber {
    stems: Vec<Stem>,
    /// For each first byte, the bit set of the stems starting with it.
    first: [u64; 256],
    ip: IpAddresses,
    ip_key: crate::signing::HmacSha256,
    /// Each byte's part in the text scan: [`WORD`], [`START`], [`SPECIAL`] bits.
    class: [u8; 256],
}

/// A word character (`[A-Za-z0-9_]`).
const WORD: u8 = 1;
/// A word character a text rule can start with.
const START: u8 = 2;
/// A non-word character a text rule looks at (`=`, `:`, `-`).
const SPECIAL: u8 = 4;

/// The byte classes of the text scan; hex letters start rules only when IPs are looked for.
fn byte_classes(ip: IpAddresses) -> [u8; 256] {
    let mut class = [0u8; 256];
    for c in 0..=255u8 {
        let mut k = 0;
        if is_word(c) {
            k |= WORD;
            let token = c < 128 && TOKEN_STARTS[c as usize] != 0;
            let hex = ip != IpAddresses::Keep && c.is_ascii_hexdigit();
            if c.is_ascii_digit() || token || hex || c | 0x20 == b'b' {
                k |= START;
            }
        }
        if matches!(c, b'=' | b':' | b'-') {
            k |= SPECIAL;
        }
        class[c as usize] = k;
    }
    class
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber")
            .field("stems", &self.stems.len())
            .field("ip", &self.ip)
            .finish_non_exhaustive()
    }
}

/// A key's words, lowercased and joined, with where each word starts and ends.
struct Words<'b> {
    joined: &'b [u8],
    /// Bit 1: a word starts at `i`; bit 2: a word ends after `i`.
    flags: &'b [u8],
}

const STARTS: u8 = 1;
const ENDS: u8 = 2;

/// Splits `key` into words (see the module doc): their lowercased letters and digits joined
/// into `joined`, each one's start and end marked in `flags`. The buffers hold at least
/// `key.len()` bytes; returns how many were written.
fn split_words(key: &str, joined: &mut [u8], flags: &mut [u8]) -> usize {
    let b = key.as_bytes();
    let mut n = 0;
    // 0: separator, 1: lower, 2: upper, 3: digit.
    let mut prev: u8 = 0;
    for (i, &c) in b.iter().enumerate() {
        let class = match c {
            b'a'..=b'z' => 1,
            b'A'..=b'Z' => 2,
            b'0'..=b'9' => 3,
            _ => 0,
        };
        if class == 0 {
            prev = 0;
            continue;
        }
        let start = match (prev, class) {
            (0, _) | (1, 2) | (3, 1 | 2) | (1 | 2, 3) => true,
            // `APIKey`: the last capital before a lowercase letter starts a word.
            (2, 2) => b.get(i + 1).is_some_and(u8::is_ascii_lowercase),
            _ => false,
        };
        if start && n > 0 {
            flags[n - 1] |= ENDS;
        }
        flags[n] = if start { STARTS } else { 0 };
        joined[n] = c.to_ascii_lowercase();
        n += 1;
        prev = class;
    }
    if n > 0 {
        flags[n - 1] |= ENDS;
    }
    n
}

impl Scrubber {
    /// The rules of `cfg`; `ip_key` keys the IP hash (see [`ip_key`]).
    pub fn new(cfg: &ScrubbingConfig, ip_key: &[u8]) -> Scrubber {
        let mut stems: Vec<Stem> = BUILTIN_STEMS
            .iter()
            .map(|(t, m)| Stem {
                text: t.as_bytes().into(),
                mode: *m,
            })
            .collect();
        for k in &cfg.extra_keys {
            let (mut joined, mut flags) = (vec![0; k.len()], vec![0; k.len()]);
            let n = split_words(k, &mut joined, &mut flags);
            if n > 0 && stems.len() < MAX_STEMS {
                stems.push(Stem {
                    text: joined[..n].into(),
                    mode: Mode::Word,
                });
            }
        }
        let mut first = [0u64; 256];
        for (k, s) in stems.iter().enumerate() {
            first[s.text[0] as usize] |= 1 << k;
        }
        Scrubber {
            stems,
            first,
            ip: cfg.ip_addresses,
            ip_key: crate::signing::keyed(ip_key),
            class: byte_classes(cfg.ip_addresses),
        }
    }

    /// Whether a value under `key` is filtered whole (see the module doc).
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        // Most keys are short: their words fit on the stack.
        if key.len() <= 64 {
            let (mut joined, mut flags) = ([0u8; 64], [0u8; 64]);
            let n = split_words(key, &mut joined, &mut flags);
            self.words_match(&Words {
                joined: &joined[..n],
                flags: &flags[..n],
            })
        } else {
            let (mut joined, mut flags) = (vec![0; key.len()], vec![0; key.len()]);
            let n = split_words(key, &mut joined, &mut flags);
            self.words_match(&Words {
                joined: &joined[..n],
                flags: &flags[..n],
            })
        }
    }

    fn words_match(&self, w: &Words) -> bool {
        let j = w.joined;
        for p in 0..j.len() {
            let mut cands = self.first[j[p] as usize];
            while cands != 0 {
                let k = cands.trailing_zeros() as usize;
                cands &= cands - 1;
                let stem = &self.stems[k];
                let end = p + stem.text.len();
                // The second byte first: most candidates differ there (no slice compare).
                if end > j.len()
                    || stem.text.get(1).is_some_and(|c| j[p + 1] != *c)
                    || j[p..end] != *stem.text
                {
                    continue;
                }
                let starts = w.flags[p] & STARTS != 0;
                let ends = w.flags[end - 1] & ENDS != 0;
                let ok = match stem.mode {
                    Mode::Anywhere => true,
                    Mode::StartsWord => starts,
                    Mode::EndsWord => ends,
                    Mode::Word => starts && ends,
                };
                if ok && !followed_by_count(w, end) {
                    return true;
                }
            }
        }
        false
    }

    /// Scrubs free text (see the module doc); borrowed when nothing changed.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let mut out = Out::new(s);
        self.scan_text(s, 0, s.len(), &mut out);
        out.finish()
    }

    /// Scrubs a JSON document given as text (keys and string values); borrowed when nothing
    /// changed. Text that is not JSON is scrubbed as free text.
    pub fn json_text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let mut j = JsonScrub {
            s: self,
            src: s,
            b: s.as_bytes(),
            pos: 0,
            out: Out::new(s),
        };
        let ok = j.ws().is_ok() && j.value(1, false).is_ok() && {
            let _ = j.ws();
            j.pos == j.b.len()
        };
        if ok {
            j.out.finish()
        } else {
            self.text(s)
        }
    }

    /// Prompt or completion text: JSON (an object or an array) as JSON, anything else as text.
    pub fn content<'a>(&self, s: &'a str) -> Cow<'a, str> {
        match s.as_bytes().iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => self.json_text(s),
            _ => self.text(s),
        }
    }

    /// Scrubs a JSON value in place.
    pub fn value(&self, v: &mut Value) {
        self.value_at(v, 1);
    }

    fn value_at(&self, v: &mut Value, depth: usize) {
        if depth > MAX_DEPTH && matches!(v, Value::Object(_) | Value::Array(_)) {
            *v = Value::String(FILTERED.into());
            return;
        }
        match v {
            Value::String(s) => {
                if let Cow::Owned(n) = self.text(s) {
                    *s = n;
                }
            }
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if self.is_sensitive_key(k) {
                        filter_value(x);
                    } else {
                        self.value_at(x, depth + 1);
                    }
                }
            }
            Value::Array(a) => {
                let pair = a.len() == 2 && a[0].as_str().is_some_and(|k| self.is_sensitive_key(k));
                for (i, x) in a.iter_mut().enumerate() {
                    if pair && i == 1 {
                        filter_value(x);
                    } else {
                        self.value_at(x, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// Scrubs an error event's free text in place: message, stack, metadata, route, screen.
    /// Labels, ids and hashes are left alone.
    pub fn event(&self, e: &mut Event) {
        if let Cow::Owned(m) = self.text(&e.message) {
            e.message = m;
        }
        self.opt_text(&mut e.stack);
        self.opt_text(&mut e.route_or_procedure);
        self.opt_text(&mut e.screen);
        self.opt_json(&mut e.metadata);
    }

    /// Scrubs an optional free-text field in place.
    pub fn opt_text(&self, s: &mut Option<String>) {
        if let Some(Cow::Owned(n)) = s.as_deref().map(|t| self.text(t)) {
            *s = Some(n);
        }
    }

    /// Scrubs an optional JSON-text field in place.
    pub fn opt_json(&self, s: &mut Option<String>) {
        if let Some(Cow::Owned(n)) = s.as_deref().map(|t| self.json_text(t)) {
            *s = Some(n);
        }
    }

    /// Scrubs an optional prompt or completion in place (see [`Scrubber::content`]).
    pub fn opt_content(&self, s: &mut Option<String>) {
        if let Some(Cow::Owned(n)) = s.as_deref().map(|t| self.content(t)) {
            *s = Some(n);
        }
    }

    /// The scan of `s[from..to]`, replacements into `out` (whose source is `s`).
    fn scan_text(&self, s: &str, from: usize, to: usize, out: &mut Out) {
        let b = &s.as_bytes()[..to];
        let class = &self.class;
        let mut jwt_floor = from;
        let mut i = from;
        // Skips the rest of a word from `i` (word characters are inert inside a word: rules
        // start at word starts only).
        let skip_word = |mut i: usize| {
            while i < to && class[b[i] as usize] & WORD != 0 {
                i += 1;
            }
            i
        };
        while i < to {
            let k = class[b[i] as usize];
            let hit = if k & WORD != 0 {
                // A word start: most start nothing, and the rest of the word is skipped.
                match (k & START != 0)
                    .then(|| self.word_at(b, i, from, &mut jwt_floor))
                    .flatten()
                {
                    Some(hit) => hit,
                    None => {
                        i = skip_word(i + 1);
                        continue;
                    }
                }
            } else if k & SPECIAL != 0 {
                let found = match b[i] {
                    b'=' => key_value_at(self, b, i, from),
                    b':' => url_password_at(b, i).or_else(|| quoted_key_value_at(self, b, i, from)),
                    _ => pem_at(b, i),
                };
                match found {
                    Some((s, e, r)) => (s, e, Cow::Borrowed(r)),
                    None => {
                        i += 1;
                        continue;
                    }
                }
            } else {
                // Plain bytes (spaces, punctuation) start nothing either.
                i += 1;
                while i < to && class[b[i] as usize] == 0 {
                    i += 1;
                }
                continue;
            };
            let (start, end, rep) = hit;
            out.replace(start, end, &rep);
            // A replacement ending inside a word: the word's rest is not a word start.
            i = if class[b[end - 1] as usize] & WORD != 0 {
                skip_word(end)
            } else {
                end
            };
        }
    }

    /// A token rule matching at word start `i` (`b[i]` is a word char, `b[i-1]` is not or
    /// `i == from`): the range to replace and its replacement.
    fn word_at(
        &self,
        b: &[u8],
        i: usize,
        from: usize,
        jwt_floor: &mut usize,
    ) -> Option<(usize, usize, Cow<'static, str>)> {
        let c = b[i];
        if c.is_ascii_digit() {
            if self.ip != IpAddresses::Keep {
                if let Some(r) = self.ip_at(b, i, from) {
                    return Some(r);
                }
            }
            return card_at(b, i).map(|e| (i, e, Cow::Borrowed(CARD)));
        }
        if self.ip != IpAddresses::Keep && c.is_ascii_hexdigit() {
            if let Some(r) = self.ip_at(b, i, from) {
                return Some(r);
            }
        }
        if let Some(end) = bearer_at(b, i) {
            return Some(end);
        }
        key_token_at(b, i, jwt_floor).map(|e| (i, e, Cow::Borrowed(FILTERED)))
    }

    fn ip_at(&self, b: &[u8], i: usize, from: usize) -> Option<(usize, usize, Cow<'static, str>)> {
        let prev = (i > from).then(|| b[i - 1]);
        let end = if b[i].is_ascii_digit() {
            crate::fingerprint::match_ipv4(b, i)
        } else {
            None
        }
        .or_else(|| {
            // IPv6 is not preceded by `.` or `:` (see `fingerprint::match_ipv6`).
            if matches!(prev, Some(b'.' | b':')) {
                None
            } else {
                crate::fingerprint::match_ipv6(b, i)
            }
        })?;
        // The matchers take the digit shapes; the address parser checks the values.
        let text = std::str::from_utf8(&b[i..end]).ok()?;
        let ip: IpAddr = text.parse().ok()?;
        let rep = match self.ip {
            IpAddresses::Keep => return None,
            IpAddresses::Drop => Cow::Borrowed(IP_DROPPED),
            IpAddresses::Hash => Cow::Owned(self.hash_ip(ip)),
        };
        Some((i, end, rep))
    }

    /// `[ip:` + 12 decimal digits of HMAC-SHA256(key, canonical address) + `]`.
    fn hash_ip(&self, ip: IpAddr) -> String {
        let mut mac = self.ip_key.clone();
        mac.update(ip.to_string().as_bytes());
        let d = mac.finalize().into_bytes();
        let mut n = [0u8; 8];
        n.copy_from_slice(&d[..8]);
        format!("[ip:{:012}]", u64::from_be_bytes(n) % 1_000_000_000_000)
    }
}

/// Replaces a value under a secret key: `null` and booleans stay (they say nothing).
fn filter_value(v: &mut Value) {
    if !matches!(v, Value::Null | Value::Bool(_)) {
        *v = Value::String(FILTERED.into());
    }
}

/// Whether the word after the one holding `joined[end - 1]` is a count or lifetime word.
fn followed_by_count(w: &Words, end: usize) -> bool {
    let len = w.joined.len();
    let word_end = |from: usize| (from..len).find(|&k| w.flags[k] & ENDS != 0).map(|k| k + 1);
    let Some(e) = word_end(end - 1) else {
        return false;
    };
    match word_end(e) {
        Some(f) => NOT_SECRET_NEXT.contains(&&w.joined[e..f]),
        None => false,
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// A card number starting at `i` (a digit at a word start): its end. Digit groups are added
/// while there are at most 19 digits, and each group end with 13 or more is tried, so a card
/// followed by another number (`4111 1111 1111 1111 12`) is still found; a card starting at a
/// later group is tried from there (each group starts a word). Looks at most 37 bytes ahead.
fn card_at(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b[i], b'2'..=b'6') {
        return None;
    }
    let mut j = i;
    let mut digits = 0;
    loop {
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
            digits += 1;
            if digits > 19 {
                return None;
            }
        }
        let boundary = j == b.len() || !is_word(b[j]);
        if !boundary {
            return None;
        }
        if digits >= 13 && luhn(&b[i..j]) {
            return Some(j);
        }
        if j + 1 < b.len() && matches!(b[j], b' ' | b'-') && b[j + 1].is_ascii_digit() {
            j += 1;
            continue;
        }
        return None;
    }
}

/// The Luhn check over the digits of `b` (separators skipped).
fn luhn(b: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut n = 0;
    for &c in b.iter().rev() {
        if !c.is_ascii_digit() {
            continue;
        }
        let mut d = u32::from(c - b'0');
        if n % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        n += 1;
    }
    sum % 10 == 0
}

fn is_token68(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

/// `Bearer <token>` at `i`: the token's range and `[Filtered]`.
fn bearer_at(b: &[u8], i: usize) -> Option<(usize, usize, Cow<'static, str>)> {
    if b[i] | 0x20 != b'b' || !b[i..].get(..6)?.eq_ignore_ascii_case(b"bearer") {
        return None;
    }
    let mut j = i + 6;
    let spaces = b[j..]
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    if spaces == 0 {
        return None;
    }
    j += spaces;
    let start = j;
    while j < b.len() && is_token68(b[j]) {
        j += 1;
    }
    let tok = &b[start..j];
    let shaped = tok.len() >= 16 || tok.iter().any(|c| !c.is_ascii_alphabetic());
    (!tok.is_empty() && shaped && tok != FILTERED.as_bytes()).then_some((
        start,
        j,
        Cow::Borrowed(FILTERED),
    ))
}

/// A key-shaped token: its prefix, the shortest tail after it, and the tail's characters.
type KeyShape = (&'static [u8], usize, fn(u8) -> bool);

const KEY_PREFIXES: &[KeyShape] = &[
    (b"sk-", 20, key_char),
    (b"sk_live_", 16, key_char),
    (b"sk_test_", 16, key_char),
    (b"rk_live_", 16, key_char),
    (b"ghp_", 30, alnum),
    (b"gho_", 30, alnum),
    (b"ghs_", 30, alnum),
    (b"ghu_", 30, alnum),
    (b"ghr_", 30, alnum),
    (b"github_pat_", 30, key_char),
    (b"glpat-", 20, key_char),
    (b"xoxb-", 10, key_char),
    (b"xoxp-", 10, key_char),
    (b"xoxa-", 10, key_char),
    (b"xoxr-", 10, key_char),
    (b"xoxs-", 10, key_char),
    (b"xapp-", 10, key_char),
    (b"AIza", 30, key_char),
    (b"hf_", 30, alnum),
    (b"bloop_", 20, key_char),
];

/// Other token shapes' first bytes (see [`key_token_at`]).
const OTHER_TOKEN_STARTS: &[&[u8]] = &[b"AKIA", b"ASIA", b"eyJ"];

/// For each first byte, the bit set of the second bytes (ASCII) a token can start with.
const TOKEN_STARTS: [u128; 256] = {
    let mut t = [0u128; 256];
    let mut k = 0;
    while k < KEY_PREFIXES.len() + OTHER_TOKEN_STARTS.len() {
        let p = if k < KEY_PREFIXES.len() {
            KEY_PREFIXES[k].0
        } else {
            OTHER_TOKEN_STARTS[k - KEY_PREFIXES.len()]
        };
        assert!(p.len() >= 2 && p[1] < 128);
        t[p[0] as usize] |= 1 << p[1];
        k += 1;
    }
    t
};

fn key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

fn upper_digit(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

/// The end of a key-shaped token (see [`KEY_PREFIXES`], AWS key ids, JWTs) starting at `i`.
/// Every scan either consumes what it read or reads a bounded amount, except a JWT that turns
/// out not to be one: no JWT is looked for again before `jwt_floor`, the end of that read, so
/// the whole text is read at most twice.
fn key_token_at(b: &[u8], i: usize, jwt_floor: &mut usize) -> Option<usize> {
    let rest = &b[i..];
    // Most words start with no token's first two bytes: one table look-up rules them out.
    match rest.get(1) {
        Some(&second) if second < 128 && TOKEN_STARTS[rest[0] as usize] >> second & 1 == 1 => {}
        _ => return None,
    }
    for (prefix, min, ok) in KEY_PREFIXES {
        if rest.starts_with(prefix) {
            let tail = rest[prefix.len()..].iter().take_while(|c| ok(**c)).count();
            if tail >= *min {
                return Some(i + prefix.len() + tail);
            }
        }
    }
    if rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA") {
        let tail = rest[4..].iter().take_while(|c| upper_digit(**c)).count();
        if tail == 16 && rest.get(20).is_none_or(|c| !is_word(*c)) {
            return Some(i + 20);
        }
    }
    if rest.starts_with(b"eyJ") && i >= *jwt_floor {
        // header.payload.signature, base64url each.
        let b64 = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_';
        let h = rest.iter().take_while(|c| b64(c)).count();
        let mut read = h;
        if h >= 10 && rest.get(h) == Some(&b'.') {
            let p = rest[h + 1..].iter().take_while(|c| b64(c)).count();
            read = h + 1 + p;
            if p >= 10 && rest.get(h + 1 + p) == Some(&b'.') {
                let s = rest[h + 2 + p..].iter().take_while(|c| b64(c)).count();
                return Some(i + h + 2 + p + s);
            }
        }
        *jwt_floor = i + read;
    }
    None
}

/// `name=value` in text, at the `=` at `i`, when `name` is a secret key: the value's range.
fn key_value_at(
    s: &Scrubber,
    b: &[u8],
    i: usize,
    from: usize,
) -> Option<(usize, usize, &'static str)> {
    let name_char = |c: &&u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    // Names are short; a longer run is not looked at (and the look-back stays bounded).
    let n = b[from..i]
        .iter()
        .rev()
        .take(65)
        .take_while(name_char)
        .count();
    if n == 0 || n > 64 || !s.is_sensitive_key(std::str::from_utf8(&b[i - n..i]).ok()?) {
        return None;
    }
    let start = i + 1;
    let v = b[start..]
        .iter()
        .take_while(|c| {
            !c.is_ascii_whitespace()
                && !matches!(c, b'&' | b';' | b',' | b'"' | b'\'' | b')' | b'<' | b'>')
        })
        .count();
    (v > 0 && &b[start..start + v] != FILTERED.as_bytes()).then_some((start, start + v, FILTERED))
}

/// `"name": "value"` (or with single quotes) in text, at the `:` at `i`, when `name` is a
/// secret key: the value's range inside its quotes.
fn quoted_key_value_at(
    s: &Scrubber,
    b: &[u8],
    i: usize,
    from: usize,
) -> Option<(usize, usize, &'static str)> {
    let q = *b[from..i].last()?;
    if !matches!(q, b'"' | b'\'') {
        return None;
    }
    let look = (i - 1).saturating_sub(66).max(from);
    let open = b[look..i - 1].iter().rposition(|c| *c == q)? + look;
    let name = std::str::from_utf8(&b[open + 1..i - 1]).ok()?;
    if name.len() > 64 || !s.is_sensitive_key(name) {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() && b[j] == b' ' {
        j += 1;
    }
    if b.get(j) != Some(&q) {
        return None;
    }
    let start = j + 1;
    let mut k = start;
    while k < b.len() && b[k] != q {
        if b[k] == b'\\' {
            k += 1;
        }
        k += 1;
    }
    let end = k.min(b.len());
    (end > start && &b[start..end] != FILTERED.as_bytes()).then_some((start, end, FILTERED))
}

/// `scheme://user:password@host`, at the `:` at `i` of `://`: the password's range.
fn url_password_at(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    if !b[i..].starts_with(b"://") {
        return None;
    }
    let auth_start = i + 3;
    let len = b[auth_start..]
        .iter()
        .take_while(|c| !matches!(c, b'/' | b'?' | b'#' | b'@') && !c.is_ascii_whitespace())
        .count();
    let at = auth_start + len;
    if b.get(at) != Some(&b'@') {
        return None;
    }
    let colon = b[auth_start..at].iter().position(|c| *c == b':')? + auth_start;
    let (start, end) = (colon + 1, at);
    (end > start && &b[start..end] != FILTERED.as_bytes()).then_some((start, end, FILTERED))
}

/// A PEM private key block at the `-` at `i`: the whole block.
fn pem_at(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    if !b[i..].starts_with(BEGIN) {
        return None;
    }
    let head = &b[i + BEGIN.len()..];
    let head_end = i + BEGIN.len() + find(&head[..head.len().min(64)], b"-----")?;
    if !b[i..head_end].ends_with(b"PRIVATE KEY") {
        return None;
    }
    // A block without its end is filtered to the end of the text (and the scan ends there).
    let close = find(&b[head_end..], b"-----END ")
        .map(|e| head_end + e + 9)
        .and_then(|e| find(&b[e..], b"-----").map(|c| e + c + 5))
        .unwrap_or(b.len());
    Some((i, close, FILTERED))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The rewritten text, built only once something is replaced.
struct Out<'a> {
    src: &'a str,
    buf: Option<String>,
    /// `src[..copied]` is accounted for in `buf`.
    copied: usize,
}

impl<'a> Out<'a> {
    fn new(src: &'a str) -> Self {
        Out {
            src,
            buf: None,
            copied: 0,
        }
    }

    /// Replaces `src[start..end]` (at or after what was replaced before) with `rep`.
    fn replace(&mut self, start: usize, end: usize, rep: &str) {
        let buf = self
            .buf
            .get_or_insert_with(|| String::with_capacity(self.src.len() + 16));
        buf.push_str(&self.src[self.copied..start]);
        buf.push_str(rep);
        self.copied = end;
    }

    fn finish(self) -> Cow<'a, str> {
        match self.buf {
            None => Cow::Borrowed(self.src),
            Some(mut b) => {
                b.push_str(&self.src[self.copied..]);
                Cow::Owned(b)
            }
        }
    }
}

/// A JSON document rewritten as text: one pass, recursive to [`MAX_DEPTH`].
struct JsonScrub<'a, 's> {
    s: &'s Scrubber,
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Out<'a>,
}

/// Not JSON (the caller falls back to scrubbing text).
struct NotJson;

const FILTERED_JSON: &str = "\"[Filtered]\"";

impl JsonScrub<'_, '_> {
    fn ws(&mut self) -> Result<(), NotJson> {
        while self.pos < self.b.len() && matches!(self.b[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        Ok(())
    }

    fn peek(&self) -> Result<u8, NotJson> {
        self.b.get(self.pos).copied().ok_or(NotJson)
    }

    fn expect(&mut self, c: u8) -> Result<(), NotJson> {
        self.ws()?;
        if self.peek()? != c {
            return Err(NotJson);
        }
        self.pos += 1;
        Ok(())
    }

    /// The value at `pos` (after whitespace); `filter` replaces it whole.
    fn value(&mut self, depth: usize, filter: bool) -> Result<(), NotJson> {
        self.ws()?;
        let c = self.peek()?;
        if filter || (depth > MAX_DEPTH && matches!(c, b'{' | b'[')) {
            let start = self.pos;
            self.skip_value()?;
            let kept = [&b"null"[..], b"true", b"false", FILTERED_JSON.as_bytes()];
            if !kept.contains(&&self.b[start..self.pos]) {
                self.out.replace(start, self.pos, FILTERED_JSON);
            }
            return Ok(());
        }
        match c {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => {
                let (start, end, escaped) = self.string()?;
                self.scrub_string(start, end, escaped);
                Ok(())
            }
            _ => self.skip_scalar(),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), NotJson> {
        self.pos += 1;
        self.ws()?;
        if self.peek()? == b'}' {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws()?;
            if self.peek()? != b'"' {
                return Err(NotJson);
            }
            let (start, end, escaped) = self.string()?;
            let sensitive = self.key_sensitive(start, end, escaped);
            self.expect(b':')?;
            self.value(depth + 1, sensitive)?;
            self.ws()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(NotJson),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), NotJson> {
        self.pos += 1;
        self.ws()?;
        if self.peek()? == b']' {
            self.pos += 1;
            return Ok(());
        }
        let mut pair_filter = false;
        if self.peek()? == b'"' {
            // A `[name, value]` pair: the name is looked at before the value is walked.
            let save = self.pos;
            let (start, end, escaped) = self.string()?;
            if self.key_sensitive(start, end, escaped) && self.is_pair_tail() {
                pair_filter = true;
            }
            self.pos = save;
        }
        let mut index = 0;
        loop {
            self.value(depth + 1, pair_filter && index == 1)?;
            index += 1;
            self.ws()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(NotJson),
            }
        }
    }

    /// After an array's first item: whether exactly one more item follows. Leaves `pos` moved.
    fn is_pair_tail(&mut self) -> bool {
        (|| -> Result<bool, NotJson> {
            self.expect(b',')?;
            self.ws()?;
            self.skip_value()?;
            self.ws()?;
            Ok(self.peek()? == b']')
        })()
        .unwrap_or(false)
    }

    /// The string at `pos`: the range of its contents and whether it has escapes.
    fn string(&mut self) -> Result<(usize, usize, bool), NotJson> {
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            match self.b.get(i) {
                None => return Err(NotJson),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    i += 2;
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        Ok((start, i, escaped))
    }

    fn key_sensitive(&self, start: usize, end: usize, escaped: bool) -> bool {
        if escaped {
            match serde_json::from_str::<String>(&self.src[start - 1..end + 1]) {
                Ok(k) => self.s.is_sensitive_key(&k),
                // An undecodable key is treated as a secret: nothing is kept that was not read.
                Err(_) => true,
            }
        } else {
            self.s.is_sensitive_key(&self.src[start..end])
        }
    }

    fn scrub_string(&mut self, start: usize, end: usize, escaped: bool) {
        if !escaped {
            // Replacements need no escaping, and unescaped JSON text is the string itself.
            self.s.scan_text(self.src, start, end, &mut self.out);
            return;
        }
        let Ok(decoded) = serde_json::from_str::<String>(&self.src[start - 1..end + 1]) else {
            self.out.replace(start - 1, end + 1, FILTERED_JSON);
            return;
        };
        if let Cow::Owned(n) = self.s.text(&decoded) {
            let encoded = serde_json::to_string(&n).unwrap_or_else(|_| FILTERED_JSON.into());
            self.out.replace(start - 1, end + 1, &encoded);
        }
    }

    fn skip_scalar(&mut self) -> Result<(), NotJson> {
        let start = self.pos;
        while self.pos < self.b.len()
            && !matches!(
                self.b[self.pos],
                b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
            )
        {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(NotJson);
        }
        Ok(())
    }

    /// Moves past the value at `pos` without looking into it (brackets counted, strings
    /// skipped).
    fn skip_value(&mut self) -> Result<(), NotJson> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => self.skip_scalar(),
        }
    }
}

/// The server's scrubbing: the rules (absent when `[scrubbing].enabled = false`) and the
/// projects that turned it off. Shared by the ingest adapters and the writer.
pub struct Scrubbing {
    scrubber: Option<Scrubber>,
    off: RwLock<HashSet<String>>,
    /// Whether any project is off (the common answer, no, without taking the lock).
    any_off: AtomicBool,
}

impl std::fmt::Debug for Scrubbing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubbing")
            .field("enabled", &self.enabled())
            .field("off", &self.off.read().map(|o| o.len()).unwrap_or(0))
            .finish()
    }
}

impl Scrubbing {
    /// Scrubbing as `cfg` says, keyed with `ip_key` for IP hashing.
    pub fn new(cfg: &ScrubbingConfig, ip_key: &[u8]) -> Scrubbing {
        Scrubbing {
            scrubber: cfg.enabled.then(|| Scrubber::new(cfg, ip_key)),
            off: RwLock::new(HashSet::new()),
            any_off: AtomicBool::new(false),
        }
    }

    /// No scrubbing at all (tools and tests that store events as given).
    pub fn disabled() -> Arc<Scrubbing> {
        Arc::new(Scrubbing {
            scrubber: None,
            off: RwLock::new(HashSet::new()),
            any_off: AtomicBool::new(false),
        })
    }

    /// Whether scrubbing is on server-wide.
    pub fn enabled(&self) -> bool {
        self.scrubber.is_some()
    }

    /// The rules for `project`'s data, `None` when scrubbing is off for it.
    pub fn for_project(&self, project: &str) -> Option<&Scrubber> {
        let s = self.scrubber.as_ref()?;
        if self.any_off.load(Ordering::Acquire) && self.is_off(project) {
            return None;
        }
        Some(s)
    }

    /// Whether `project` turned scrubbing off (whatever the server-wide switch says).
    pub fn is_off(&self, project: &str) -> bool {
        self.off
            .read()
            .map(|o| o.contains(project))
            .unwrap_or(false)
    }

    /// Records a project's switch in memory (after it was stored with [`set_project`]).
    pub fn set_project(&self, project: &str, enabled: bool) {
        if let Ok(mut o) = self.off.write() {
            if enabled {
                o.remove(project);
            } else {
                o.insert(project.to_string());
            }
            self.any_off.store(!o.is_empty(), Ordering::Release);
        }
    }

    /// Reloads the projects' switches (from whichever backend `db` is).
    pub async fn reload_from(&self, db: &store::Db) -> Result<(), StoreError> {
        self.apply(db.settings_with_prefix(PROJECT_OFF_PREFIX).await?);
        Ok(())
    }

    fn apply(&self, settings: Vec<(String, String)>) {
        let off: HashSet<String> = settings
            .into_iter()
            .filter(|(_, v)| v == "1")
            .map(|(k, _)| k[PROJECT_OFF_PREFIX.len()..].to_string())
            .collect();
        if let Ok(mut o) = self.off.write() {
            if *o != off {
                self.any_off.store(!off.is_empty(), Ordering::Release);
                *o = off;
            }
        }
    }
}

/// Stores a project's switch (`enabled = false` turns scrubbing off for it).
pub fn set_project(conn: &Connection, project: &str, enabled: bool) -> Result<(), StoreError> {
    store::set_setting(conn, &off_key(project), (!enabled).then_some("1"))
}

/// The setting that turns scrubbing off for `project`.
fn off_key(project: &str) -> String {
    format!("{PROJECT_OFF_PREFIX}{project}")
}

/// [`set_project`] on whichever backend `db` is (the other nodes reload it on the change
/// notice, or within the reload interval).
pub async fn set_project_in(
    db: &store::Db,
    project: &str,
    enabled: bool,
) -> Result<(), StoreError> {
    db.set_setting(&off_key(project), (!enabled).then_some("1"))
        .await
}

/// The key of the IP hash: read from the settings, made (32 random bytes) on first use; on a
/// shared database the first node to start makes it and every node uses it.
pub async fn ip_key_from(db: &store::Db) -> Result<Vec<u8>, StoreError> {
    let mut k = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut k);
    let stored = db
        .setting_or_insert(IP_KEY_SETTING, &hex::encode(k))
        .await?;
    match hex::decode(&stored) {
        Ok(k) if k.len() == 32 => Ok(k),
        _ => {
            // A damaged value: replace it (hashes made with it no longer match, as on SQLite).
            db.set_setting(IP_KEY_SETTING, Some(&hex::encode(k)))
                .await?;
            Ok(k.to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scrubber() -> Scrubber {
        Scrubber::new(&ScrubbingConfig::default(), b"test-key")
    }

    fn with(ip: IpAddresses, extra: &[&str]) -> Scrubber {
        let cfg = ScrubbingConfig {
            enabled: true,
            extra_keys: extra.iter().map(|s| s.to_string()).collect(),
            ip_addresses: ip,
        };
        Scrubber::new(&cfg, b"test-key")
    }

    fn json(s: &Scrubber, v: Value) -> Value {
        let text = v.to_string();
        let out = s.json_text(&text);
        let parsed: Value = serde_json::from_str(&out).expect("still JSON");
        // The text rewrite and the tree walk agree.
        let mut walked = v;
        s.value(&mut walked);
        assert_eq!(parsed, walked, "text and tree scrubbing differ for {text}");
        parsed
    }

    #[test]
    fn secret_keys_match_by_words_in_any_case() {
        let s = scrubber();
        for k in [
            "password",
            "PASSWORD",
            "user_password",
            "newPassword",
            "passwd",
            "mysql_pwd",
            "secret",
            "client_secret",
            "clientSecret",
            "api_key",
            "apiKey",
            "APIKey",
            "x-api-key",
            "X-API-KEY",
            "apikey",
            "token",
            "access_token",
            "x-auth-token",
            "csrftoken",
            "authToken",
            "auth",
            "oauth",
            "Authorization",
            "proxy-authorization",
            "cookie",
            "Cookie",
            "set-cookie",
            "Set-Cookie",
            "cookies",
            "session",
            "session_id",
            "sessionId",
            "sessionid",
            "JSESSIONID",
            "PHPSESSID",
            "credentials",
            "private_key",
            "privateKey",
        ] {
            assert!(s.is_sensitive_key(k), "{k} should be filtered");
        }
        for k in [
            "author",
            "authors",
            "authority",
            "authenticated",
            "tokens",
            "max_tokens",
            "input_tokens",
            "tokenizer",
            "token_count",
            "llm.token_count.prompt",
            "session_ttl",
            "possession",
            "user",
            "headers",
            "message",
            "route",
            "status",
            "pwdx",
            "",
        ] {
            assert!(!s.is_sensitive_key(k), "{k} should be kept");
        }
        let long = format!("{}_password", "x".repeat(100));
        assert!(s.is_sensitive_key(&long));
    }

    #[test]
    fn extra_keys_match_whole_words() {
        let s = with(IpAddresses::Keep, &["card_number", "ssn"]);
        for k in [
            "card_number",
            "cardNumber",
            "CARD-NUMBER",
            "cardnumber",
            "user_ssn",
            "SSN",
        ] {
            assert!(s.is_sensitive_key(k), "{k}");
        }
        for k in ["cardnumbers", "lessons", "mycardnumber"] {
            assert!(!s.is_sensitive_key(k), "{k}");
        }
        assert!(!scrubber().is_sensitive_key("ssn"));
    }

    #[test]
    fn nested_values_arrays_and_header_pairs_are_filtered() {
        let s = scrubber();
        let out = json(
            &s,
            json!({
                "password": "hunter2",
                "user": {"name": "ann", "author": "bob", "auth": {"user": "ann", "pass": "x"}},
                "headers": {"Authorization": "Basic dXNlcjpwYXNz", "Accept": "*/*"},
                "list": [{"token": "t1"}, {"ok": 1}],
                "pairs": [["Cookie", "sid=1"], ["Accept", "json"], ["X-Api-Key", 42]],
                "three": ["token", "a", "b"],
            }),
        );
        assert_eq!(out["password"], FILTERED);
        assert_eq!(out["user"]["name"], "ann");
        assert_eq!(out["user"]["author"], "bob");
        assert_eq!(out["user"]["auth"], FILTERED);
        assert_eq!(out["headers"]["Authorization"], FILTERED);
        assert_eq!(out["headers"]["Accept"], "*/*");
        assert_eq!(out["list"][0]["token"], FILTERED);
        assert_eq!(out["list"][1]["ok"], 1);
        assert_eq!(out["pairs"][0], json!(["Cookie", FILTERED]));
        assert_eq!(out["pairs"][1], json!(["Accept", "json"]));
        assert_eq!(out["pairs"][2], json!(["X-Api-Key", FILTERED]));
        assert_eq!(out["three"], json!(["token", "a", "b"]), "not a pair");
    }

    #[test]
    fn non_string_values_under_secret_keys_are_filtered_but_null_and_booleans_stay() {
        let out = json(
            &scrubber(),
            json!({"pin_password": 1234, "secret": [1, 2], "token": null, "session": true,
                   "api_key": {"a": 1}, "token_count": 12}),
        );
        assert_eq!(out["pin_password"], FILTERED);
        assert_eq!(out["secret"], FILTERED);
        assert_eq!(out["token"], Value::Null);
        assert_eq!(out["session"], true);
        assert_eq!(out["api_key"], FILTERED);
        assert_eq!(out["token_count"], 12);
    }

    #[test]
    fn json_text_keeps_untouched_documents_borrowed_and_handles_escapes() {
        let s = scrubber();
        let clean = r#"{"a": 1, "b": [true, null, "x"], "c": {"d": "e\n"}}"#;
        assert!(matches!(s.json_text(clean), Cow::Borrowed(_)));
        let escaped =
            r#"{"pass\u0077ord":"x","note":"line\nsk-ant-api03-abcdefghijklmnopqrstuvwxyz"}"#;
        let out: Value = serde_json::from_str(&s.json_text(escaped)).unwrap();
        assert_eq!(out["password"], FILTERED);
        assert_eq!(out["note"], format!("line\n{FILTERED}"));
        // Not JSON: scrubbed as text.
        assert_eq!(
            s.json_text("{not json password=abc"),
            "{not json password=[Filtered]"
        );
    }

    #[test]
    fn depth_is_bounded() {
        let s = scrubber();
        let mut v = json!("sk-ant-api03-abcdefghijklmnopqrstuvwxyz");
        for _ in 0..(MAX_DEPTH + 5) {
            v = json!({ "k": v });
        }
        let out = json(&s, v);
        let mut cur = &out;
        let mut depth = 1;
        while let Some(next) = cur.get("k") {
            cur = next;
            depth += 1;
        }
        assert_eq!(cur, &json!(FILTERED));
        assert_eq!(
            depth,
            MAX_DEPTH + 1,
            "levels below the bound are replaced whole"
        );
        // Deep arrays too, and nothing overflows the stack on input serde could not even read.
        let deep = format!("{}1{}", "[".repeat(500), "]".repeat(500));
        let out = s.json_text(&deep);
        assert!(out.contains(FILTERED) && out.len() < deep.len());
    }

    #[test]
    fn luhn_valid_cards_are_masked_and_other_numbers_kept() {
        let s = scrubber();
        for (text, want) in [
            ("card 4111 1111 1111 1111 ok", "card [card] ok"),
            ("card 4111-1111-1111-1111", "card [card]"),
            ("4111111111111111", "[card]"),
            ("amex 378282246310005.", "amex [card]."),
            ("mc 5555555555554444 exp 12/25", "mc [card] exp 12/25"),
            ("4111 1111 1111 1111 2024", "[card] 2024"),
            ("n=12 4111 1111 1111 1111", "n=12 [card]"),
        ] {
            assert_eq!(s.text(text), want, "{text}");
        }
        for kept in [
            "4111 1111 1111 1112",     // Luhn fails
            "4111111111111112",        // Luhn fails
            "1700000000123",           // a timestamp: issuers start with 2-6
            "ts 1700000000000000",     // microseconds
            "id 41111111111111111111", // too long
            "x4111111111111111",       // inside a word
            "4111111111111111abc",
        ] {
            assert_eq!(s.text(kept), kept);
        }
    }

    #[test]
    fn bearer_tokens_and_provider_keys_are_filtered() {
        let s = scrubber();
        for (text, want) in [
            (
                "Authorization: Bearer abc.def",
                "Authorization: Bearer [Filtered]",
            ),
            ("bearer eyJhbGciOiJIUzI1NiJ9", "bearer [Filtered]"),
            ("the bearer of bad news", "the bearer of bad news"),
            ("Missing Bearer token", "Missing Bearer token"),
            (
                "key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA-bbbb_cc done",
                "key [Filtered] done",
            ),
            (
                "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz012345",
                "OPENAI_API_KEY=[Filtered]",
            ),
            ("sk-short", "sk-short"),
            ("task-sk-abcdefghijklmnopqrstuvwxyz", "task-[Filtered]"),
            (
                "gh ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                "gh [Filtered]",
            ),
            ("aws AKIAIOSFODNN7EXAMPLE.", "aws [Filtered]."),
            ("AKIAIOSFODNN7EXAMPLEX", "AKIAIOSFODNN7EXAMPLEX"),
            ("slack xoxb-1234567890-abc", "slack [Filtered]"),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig-nature_x y",
                "jwt [Filtered] y",
            ),
            ("bloop_tk_abcdefghijklmnopqrstuvwxyz", "[Filtered]"),
        ] {
            assert_eq!(s.text(text), want, "{text}");
        }
    }

    #[test]
    fn secrets_written_in_text_are_filtered() {
        let s = scrubber();
        for (text, want) in [
            (
                "GET /cb?code=1&access_token=abc123&x=2",
                "GET /cb?code=1&access_token=[Filtered]&x=2",
            ),
            ("password=hunter2 user=ann", "password=[Filtered] user=ann"),
            ("max_tokens=100", "max_tokens=100"),
            (
                "postgres://app:s3cret@db:5432/x",
                "postgres://app:[Filtered]@db:5432/x",
            ),
            ("https://example.com/a@b", "https://example.com/a@b"),
            (
                r#"body {"password": "hunter2", "a": "b"}"#,
                r#"body {"password": "[Filtered]", "a": "b"}"#,
            ),
            ("{'api_key': 'k-123'}", "{'api_key': '[Filtered]'}"),
            (
                "key -----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY----- end",
                "key [Filtered] end",
            ),
            ("-----BEGIN PRIVATE KEY-----\nMIIB", "[Filtered]"),
            ("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----"),
        ] {
            assert_eq!(s.text(text), want, "{text}");
        }
    }

    #[test]
    fn scrubbing_is_idempotent() {
        let s = with(IpAddresses::Hash, &[]);
        let text = "Bearer abc.def card 4111 1111 1111 1111 from 10.1.2.3 sk-ant-api03-abcdefghijklmnopqrstuv password=x";
        let once = s.text(text).into_owned();
        assert_eq!(s.text(&once), once);
    }

    #[test]
    fn ip_addresses_are_kept_hashed_or_dropped() {
        let text = "from 10.1.2.3 and 2001:db8::7 via 999.1.1.1 at 12:30:45 in std::io";
        assert_eq!(scrubber().text(text), text, "keep is the default");
        let drop = with(IpAddresses::Drop, &[]);
        assert_eq!(
            drop.text(text),
            "from [ip] and [ip] via 999.1.1.1 at 12:30:45 in std::io"
        );
        let hash = with(IpAddresses::Hash, &[]);
        let out = hash.text(text).into_owned();
        assert!(
            !out.contains("10.1.2.3") && !out.contains("2001:db8"),
            "{out}"
        );
        let tokens: Vec<&str> = out.split(' ').filter(|w| w.starts_with("[ip:")).collect();
        assert_eq!(tokens.len(), 2, "{out}");
        assert_eq!(tokens[0].len(), "[ip:123456789012]".len());
        assert_ne!(tokens[0], tokens[1]);
        // Stable, canonical (the same address written differently hashes alike), keyed.
        assert_eq!(hash.text("10.1.2.3"), hash.text("10.1.2.3"));
        assert_eq!(hash.text("2001:db8::7"), hash.text("2001:0db8:0::7"));
        let other = Scrubber::new(
            &ScrubbingConfig {
                ip_addresses: IpAddresses::Hash,
                ..ScrubbingConfig::default()
            },
            b"another-key",
        );
        assert_ne!(hash.text("10.1.2.3"), other.text("10.1.2.3"));
        // The fingerprint folds hashes like any number: grouping does not split by address.
        assert_eq!(
            crate::fingerprint::normalize_message(&hash.text("refused by 10.1.2.3")),
            crate::fingerprint::normalize_message(&hash.text("refused by 10.9.9.9")),
        );
    }

    #[test]
    fn events_are_scrubbed_in_every_free_text_field() {
        let caps = crate::config::IngestConfig::default();
        let body = json!({
            "timestamp": 1_700_000_000, "error_type": "E",
            "message": "charge failed for 4111 1111 1111 1111",
            "stack": "at pay (Authorization: Bearer abc.def)",
            "route_or_procedure": "GET /cb?token=xyz",
            "metadata": {"password": "hunter2", "headers": {"Authorization": "Bearer abc.def"},
                         "note": "card 4111 1111 1111 1111"},
        });
        let mut e = crate::event::parse_event(body.to_string().as_bytes(), &caps).unwrap();
        scrubber().event(&mut e);
        let all = format!("{e:?}");
        for secret in ["hunter2", "abc.def", "4111 1111", "xyz"] {
            assert!(!all.contains(secret), "{secret} left in {all}");
        }
        assert_eq!(e.message, "charge failed for [card]");
        let meta: Value = serde_json::from_str(e.metadata.as_deref().unwrap()).unwrap();
        assert_eq!(meta["headers"]["Authorization"], FILTERED);
    }

    #[test]
    fn text_scanning_stays_linear_on_hostile_input() {
        let s = with(IpAddresses::Hash, &[]);
        for unit in [
            "eyJ-",
            "1 ",
            "a=",
            "\":",
            "-----BEGIN RSA PRIVATE KEY-----",
            "sk_",
            "Bearer  ",
        ] {
            let text = unit.repeat(200_000);
            let t = std::time::Instant::now();
            let _ = s.text(&text);
            assert!(
                t.elapsed() < std::time::Duration::from_secs(2),
                "{unit:?} took {:?}",
                t.elapsed()
            );
        }
    }

    #[test]
    fn project_switches_turn_scrubbing_off_for_one_project() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("s.db")).unwrap();
        let sc = Scrubbing::new(&ScrubbingConfig::default(), b"k");
        assert!(sc.for_project("a").is_some());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // The pool returns its connections on the runtime, also when dropped.
        let _in_runtime = rt.enter();
        let db = crate::store::Db::Sqlite(crate::store::pool(&dir.path().join("s.db"), 1).unwrap());
        set_project(&conn, "a", false).unwrap();
        rt.block_on(sc.reload_from(&db)).unwrap();
        assert!(sc.for_project("a").is_none());
        assert!(sc.for_project("b").is_some());
        set_project(&conn, "a", true).unwrap();
        rt.block_on(sc.reload_from(&db)).unwrap();
        assert!(sc.for_project("a").is_some());
        sc.set_project("b", false);
        assert!(sc.for_project("b").is_none());
        let off = Scrubbing::new(
            &ScrubbingConfig {
                enabled: false,
                ..ScrubbingConfig::default()
            },
            b"k",
        );
        assert!(off.for_project("a").is_none());
        // The IP key is made once and kept.
        let k1 = rt.block_on(ip_key_from(&db)).unwrap();
        assert_eq!(k1, rt.block_on(ip_key_from(&db)).unwrap());
        assert_eq!(k1.len(), 32);
    }
}
