//! Server-sent events read incrementally: bytes go in as the network delivers them (an event may
//! be split anywhere, even inside a `\r\n`), whole events come out with their exact bytes, so a
//! relay can pass them on unchanged or drop one.
//!
//! Framing as the SSE standard and the OpenAI SDK's parser read it: lines end with `\n`, `\r` or
//! `\r\n`; a blank line ends an event; a line starting with `:` is a comment; `event:` names the
//! event; several `data:` lines join with `\n`; one space after the colon is dropped.

/// One event: its bytes as received (terminator included) and its fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    pub raw: Vec<u8>,
    pub event: Option<String>,
    pub data: Option<String>,
}

impl Event {
    /// Only comments (a keep-alive): no field at all.
    pub fn is_comment(&self) -> bool {
        self.event.is_none() && self.data.is_none()
    }
}

/// The incremental reader.
#[derive(Debug, Default)]
pub struct Splitter {
    /// Bytes of the event not yet ended.
    pending: Vec<u8>,
    /// Where the next line of `pending` starts.
    line_start: usize,
    /// The last byte was a `\r`: a `\n` right after it is the same line end.
    after_cr: bool,
    event: Option<String>,
    data: Option<String>,
    /// The event so far has a line (a blank line ends it).
    started: bool,
}

impl Splitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds `bytes`; every event they complete is passed to `out`, in order. The bytes of
    /// the events handed out plus [`Splitter::pending`] are exactly the bytes fed.
    pub fn feed(&mut self, bytes: &[u8], mut out: impl FnMut(Event)) {
        for &b in bytes {
            let second_half = self.after_cr && b == b'\n';
            self.after_cr = false;
            self.pending.push(b);
            if second_half {
                self.line_start = self.pending.len();
                continue;
            }
            if b != b'\n' && b != b'\r' {
                continue;
            }
            self.after_cr = b == b'\r';
            let end = self.pending.len() - 1;
            let ended = field(
                &self.pending[self.line_start..end],
                &mut self.event,
                &mut self.data,
                &mut self.started,
            );
            self.line_start = self.pending.len();
            if ended {
                self.line_start = 0;
                out(Event {
                    raw: std::mem::take(&mut self.pending),
                    event: self.event.take(),
                    data: self.data.take(),
                });
            }
        }
    }

    /// Bytes held back: an event not ended yet.
    pub fn pending(&self) -> &[u8] {
        &self.pending
    }

    /// Takes the bytes held back (at the end of a stream) and starts afresh.
    pub fn take_pending(&mut self) -> Vec<u8> {
        let rest = std::mem::take(&mut self.pending);
        *self = Self::new();
        rest
    }
}

/// Reads one line into the event's fields; true when it is the blank line that ends an event.
fn field(
    line: &[u8],
    event: &mut Option<String>,
    data: &mut Option<String>,
    started: &mut bool,
) -> bool {
    if line.is_empty() {
        return std::mem::take(started);
    }
    *started = true;
    if line[0] == b':' {
        return false;
    }
    let text = String::from_utf8_lossy(line);
    let (name, value) = match text.split_once(':') {
        Some((n, v)) => (n, v.strip_prefix(' ').unwrap_or(v)),
        None => (&*text, ""),
    };
    match name {
        "event" => *event = Some(value.to_string()),
        "data" => match data {
            Some(d) => {
                d.push('\n');
                d.push_str(value);
            }
            None => *data = Some(value.to_string()),
        },
        _ => {}
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(stream: &[u8], cuts: &[usize]) -> (Vec<Event>, Vec<u8>) {
        let mut s = Splitter::new();
        let mut out = Vec::new();
        let mut at = 0;
        for &c in cuts.iter().chain([stream.len()].iter()) {
            s.feed(&stream[at..c], |e| out.push(e));
            at = c;
        }
        (out, s.pending().to_vec())
    }

    const STREAM: &[u8] = b": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: one\r\ndata: two\r\n\r\ndata: [DONE]\r\rdata: tail";

    #[test]
    fn events_come_out_whole_wherever_the_bytes_are_cut() {
        let (whole, rest) = events(STREAM, &[]);
        let fields: Vec<(Option<&str>, Option<&str>)> = whole
            .iter()
            .map(|e| (e.event.as_deref(), e.data.as_deref()))
            .collect();
        assert_eq!(
            fields,
            [
                (None, None),
                (Some("message_start"), Some("{\"a\":1}")),
                (None, Some("one\ntwo")),
                (None, Some("[DONE]")),
            ]
        );
        assert!(whole[0].is_comment());
        assert_eq!(rest, b"data: tail");
        // Every cut, including inside `\r\n`, gives the same events and the same bytes.
        for cut in 0..STREAM.len() {
            for cut2 in cut..STREAM.len() {
                let (got, rest) = events(STREAM, &[cut, cut2]);
                let fields2: Vec<_> = got
                    .iter()
                    .map(|e| (e.event.as_deref(), e.data.as_deref()))
                    .collect();
                assert_eq!(fields2, fields, "cut at {cut}, {cut2}");
                let mut bytes: Vec<u8> = got.iter().flat_map(|e| e.raw.clone()).collect();
                bytes.extend(rest);
                assert_eq!(bytes, STREAM, "cut at {cut}, {cut2}");
            }
        }
    }
}
