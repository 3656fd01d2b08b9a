//! OTLP/HTTP trace ingest (`POST /v1/traces`, the OpenTelemetry protocol): content negotiation,
//! decompression under a cap, decoding of both OTLP encodings (binary protobuf and OTLP/JSON)
//! into one representation (the protobuf structs of [`proto`]), and the mapping of OpenTelemetry
//! spans onto bloop's [`Trace`]/[`Span`] contract.
//!
//! What the server does with it:
//! 1. [`Encoding::from_content_type`]: `None` → 415 (answer with a JSON [`error_body`]);
//! 2. [`decompress`] under the body cap (413 when the expanded body is larger);
//! 3. [`decode`] (400 when undecodable);
//! 4. [`to_traces`]: spans are grouped into traces; a span that cannot be kept is counted in
//!    [`Mapped::rejected_spans`] with its reason, and the others are kept;
//! 5. 200 with [`response`] in the request's encoding (a partial success when spans were
//!    rejected); a failure answers [`OtlpError::status`] with [`error_body`].
//!
//! Mapping (the precedence of attribute names is in [`classify`]):
//! - trace ids are 32 lowercase hex digits, span ids 16; an all-zero or wrong-length trace or
//!   span id rejects the span; an empty or all-zero parent id means "root";
//! - times are converted from ns to ms; a span's `latency_ms` is its end − start;
//! - resource attributes (`service.name`, `service.version`, `service.namespace`,
//!   `deployment.environment[.name]`) and the instrumentation scope (`otel.scope.name`,
//!   `otel.scope.version`) go into every span's metadata, and a resource's session and user
//!   apply to its spans that name none;
//! - the remaining attributes of a span (never its content attributes) go into its metadata;
//! - content (prompts and completions) is cut at `caps.max_content_bytes` on a char boundary
//!   rather than refused: a batch exporter cannot fix one oversized prompt, and losing the whole
//!   span's counts and cost for it would be worse than a cut text.

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::Engine;
use prost::Message;
use serde_json::{Map, Value};

use crate::llm::trace::{
    Caps, Inclusive, Span, Trace, MAX_ERROR_BYTES, MAX_FUTURE_MS, MAX_ID_BYTES, MAX_LABEL_BYTES,
    MAX_METADATA_BYTES, MAX_METADATA_DEPTH, MIN_TIME_MS,
};

/// The protobuf messages of OTLP trace export, written by hand with the field numbers of
/// `opentelemetry/proto/{collector/trace,trace,common,resource}/v1/*.proto` and
/// `google/rpc/status.proto`. Enums (`Span.kind`, `Status.code`) are kept as `i32` (same wire
/// format); unknown fields are skipped by prost.
pub mod proto {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ExportTraceServiceRequest {
        #[prost(message, repeated, tag = "1")]
        pub resource_spans: Vec<ResourceSpans>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ExportTraceServiceResponse {
        #[prost(message, optional, tag = "1")]
        pub partial_success: Option<ExportTracePartialSuccess>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ExportTracePartialSuccess {
        #[prost(int64, tag = "1")]
        pub rejected_spans: i64,
        #[prost(string, tag = "2")]
        pub error_message: String,
    }

    /// `google.rpc.Status` (its `details`, field 3, repeated `Any`, is not modelled: prost skips
    /// it when decoding and bloop never sends it).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct RpcStatus {
        #[prost(int32, tag = "1")]
        pub code: i32,
        #[prost(string, tag = "2")]
        pub message: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ResourceSpans {
        #[prost(message, optional, tag = "1")]
        pub resource: Option<Resource>,
        #[prost(message, repeated, tag = "2")]
        pub scope_spans: Vec<ScopeSpans>,
        #[prost(string, tag = "3")]
        pub schema_url: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Resource {
        #[prost(message, repeated, tag = "1")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "2")]
        pub dropped_attributes_count: u32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ScopeSpans {
        #[prost(message, optional, tag = "1")]
        pub scope: Option<InstrumentationScope>,
        #[prost(message, repeated, tag = "2")]
        pub spans: Vec<Span>,
        #[prost(string, tag = "3")]
        pub schema_url: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct InstrumentationScope {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(string, tag = "2")]
        pub version: String,
        #[prost(message, repeated, tag = "3")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "4")]
        pub dropped_attributes_count: u32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Span {
        #[prost(bytes = "vec", tag = "1")]
        pub trace_id: Vec<u8>,
        #[prost(bytes = "vec", tag = "2")]
        pub span_id: Vec<u8>,
        #[prost(string, tag = "3")]
        pub trace_state: String,
        #[prost(bytes = "vec", tag = "4")]
        pub parent_span_id: Vec<u8>,
        #[prost(fixed32, tag = "16")]
        pub flags: u32,
        #[prost(string, tag = "5")]
        pub name: String,
        /// 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
        #[prost(int32, tag = "6")]
        pub kind: i32,
        #[prost(fixed64, tag = "7")]
        pub start_time_unix_nano: u64,
        #[prost(fixed64, tag = "8")]
        pub end_time_unix_nano: u64,
        #[prost(message, repeated, tag = "9")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "10")]
        pub dropped_attributes_count: u32,
        #[prost(message, repeated, tag = "11")]
        pub events: Vec<Event>,
        #[prost(uint32, tag = "12")]
        pub dropped_events_count: u32,
        #[prost(message, repeated, tag = "13")]
        pub links: Vec<Link>,
        #[prost(uint32, tag = "14")]
        pub dropped_links_count: u32,
        #[prost(message, optional, tag = "15")]
        pub status: Option<Status>,
    }

    /// `Span.Event`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Event {
        #[prost(fixed64, tag = "1")]
        pub time_unix_nano: u64,
        #[prost(string, tag = "2")]
        pub name: String,
        #[prost(message, repeated, tag = "3")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "4")]
        pub dropped_attributes_count: u32,
    }

    /// `Span.Link`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Link {
        #[prost(bytes = "vec", tag = "1")]
        pub trace_id: Vec<u8>,
        #[prost(bytes = "vec", tag = "2")]
        pub span_id: Vec<u8>,
        #[prost(string, tag = "3")]
        pub trace_state: String,
        #[prost(message, repeated, tag = "4")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "5")]
        pub dropped_attributes_count: u32,
        #[prost(fixed32, tag = "6")]
        pub flags: u32,
    }

    /// The span status: `code` 0 unset, 1 ok, 2 error (field 1 is reserved).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Status {
        #[prost(string, tag = "2")]
        pub message: String,
        #[prost(int32, tag = "3")]
        pub code: i32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct KeyValue {
        #[prost(string, tag = "1")]
        pub key: String,
        #[prost(message, optional, tag = "2")]
        pub value: Option<AnyValue>,
    }

    /// An attribute value; `value: None` is the valid "empty" value.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct AnyValue {
        #[prost(oneof = "any_value::Value", tags = "1, 2, 3, 4, 5, 6, 7")]
        pub value: Option<any_value::Value>,
    }

    pub mod any_value {
        #[derive(Clone, PartialEq, prost::Oneof)]
        pub enum Value {
            #[prost(string, tag = "1")]
            StringValue(String),
            #[prost(bool, tag = "2")]
            BoolValue(bool),
            #[prost(int64, tag = "3")]
            IntValue(i64),
            #[prost(double, tag = "4")]
            DoubleValue(f64),
            #[prost(message, tag = "5")]
            ArrayValue(super::ArrayValue),
            #[prost(message, tag = "6")]
            KvlistValue(super::KeyValueList),
            #[prost(bytes = "vec", tag = "7")]
            BytesValue(Vec<u8>),
        }
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ArrayValue {
        #[prost(message, repeated, tag = "1")]
        pub values: Vec<AnyValue>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct KeyValueList {
        #[prost(message, repeated, tag = "1")]
        pub values: Vec<KeyValue>,
    }

    impl ExportTraceServiceRequest {
        /// How many spans the request carries (for the server's batch checks and counters).
        pub fn span_count(&self) -> usize {
            self.resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .map(|s| s.spans.len())
                .sum()
        }
    }
}

use proto::any_value::Value as V;
use proto::AnyValue;

/// A decoded export request, whatever its encoding.
pub type Request = proto::ExportTraceServiceRequest;

/// Why an OTLP request was refused.
#[derive(Debug, thiserror::Error)]
pub enum OtlpError {
    /// Not valid protobuf / OTLP JSON, or a corrupt compressed stream: 400 (not retried).
    #[error("undecodable OTLP body: {0}")]
    Undecodable(String),
    /// The body (after decompression) is over the cap: 413 (not retried).
    #[error("the body is larger than {limit} bytes (after decompression)")]
    TooLarge { limit: usize },
    /// A `Content-Encoding` other than gzip, deflate or identity: 415.
    #[error("unsupported Content-Encoding `{0}`: use gzip, deflate or none")]
    UnsupportedEncoding(String),
    /// A `Content-Type` other than protobuf or JSON: 415.
    #[error("unsupported Content-Type: use application/x-protobuf or application/json")]
    UnsupportedContentType,
}

impl OtlpError {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            OtlpError::Undecodable(_) => 400,
            OtlpError::TooLarge { .. } => 413,
            OtlpError::UnsupportedEncoding(_) | OtlpError::UnsupportedContentType => 415,
        }
    }

    /// The `google.rpc.Code` that goes with the status in [`error_body`].
    pub fn rpc_code(&self) -> i32 {
        match self {
            // INVALID_ARGUMENT
            OtlpError::Undecodable(_) => 3,
            // RESOURCE_EXHAUSTED
            OtlpError::TooLarge { .. } => 8,
            // UNIMPLEMENTED
            OtlpError::UnsupportedEncoding(_) | OtlpError::UnsupportedContentType => 12,
        }
    }
}

/// The two OTLP/HTTP body encodings; the answer uses the request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    /// From a `Content-Type` header (parameters such as `; charset=utf-8` ignored, case
    /// insensitive). `None`: unsupported (415).
    pub fn from_content_type(ct: Option<&str>) -> Option<Encoding> {
        let media = ct?.split(';').next().unwrap_or("").trim();
        if media.eq_ignore_ascii_case("application/x-protobuf")
            || media.eq_ignore_ascii_case("application/protobuf")
        {
            Some(Encoding::Protobuf)
        } else if media.eq_ignore_ascii_case("application/json") {
            Some(Encoding::Json)
        } else {
            None
        }
    }

    /// The `Content-Type` of an answer in this encoding.
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decompression

/// Expands a body sent with `Content-Encoding` (`None`, empty or `identity`: as is; `gzip` or
/// `x-gzip`, concatenated members accepted; `deflate`: zlib, or raw deflate when the zlib header
/// is absent; `br`), through the adapters' one [`crate::ingest::body::decompress`]. The output never grows past `limit` bytes: the stream is read incrementally and
/// abandoned with [`OtlpError::TooLarge`] at `limit + 1` bytes, so a zip bomb costs at most
/// `limit` of memory.
pub fn decompress(
    body: &[u8],
    content_encoding: Option<&str>,
    limit: usize,
) -> Result<Vec<u8>, OtlpError> {
    use super::body::BodyError;
    super::body::decompress(body, content_encoding, limit).map_err(|e| match e {
        BodyError::TooLarge { limit } => OtlpError::TooLarge { limit },
        BodyError::Unsupported(enc) => OtlpError::UnsupportedEncoding(enc),
        corrupt @ BodyError::Corrupt(_) => OtlpError::Undecodable(corrupt.to_string()),
    })
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// Decodes an (expanded) body. JSON is read leniently (see [`json`]) and converted into the
/// protobuf structs, so everything after this point sees one representation. An empty body is an
/// empty request in both encodings.
pub fn decode(body: &[u8], enc: Encoding) -> Result<Request, OtlpError> {
    match enc {
        Encoding::Protobuf => Request::decode(body)
            .map_err(|e| OtlpError::Undecodable(format!("invalid protobuf: {e}"))),
        Encoding::Json => {
            let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            match body.iter().find(|b| !b.is_ascii_whitespace()) {
                None => return Ok(Request::default()),
                Some(b'{') => {}
                Some(_) => {
                    return Err(OtlpError::Undecodable(
                        "invalid OTLP JSON: the body must be a JSON object".into(),
                    ))
                }
            }
            serde_json::from_slice::<json::Request>(body)
                .map(json::Request::into_proto)
                .map_err(|e| OtlpError::Undecodable(format!("invalid OTLP JSON: {e}")))
        }
    }
}

/// OTLP/JSON, read leniently: lowerCamelCase keys, every field optional (`null` too), unknown
/// fields ignored, ids as case-insensitive hex (a base64 8- or 16-byte id accepted as a
/// fallback; an id that is neither becomes a 1-byte placeholder, so its span is rejected
/// rather than the request), 64-bit integers as numbers or strings, doubles also as `"NaN"` /
/// `"Infinity"` / `"-Infinity"`, enums as integers (their proto names are tolerated),
/// `bytesValue` as base64. Links, `traceState`, `flags` and the dropped counts are not read
/// (bloop does not use them).
pub mod json {
    use std::fmt;

    use base64::Engine;
    use serde::de::{self, Deserializer, Visitor};
    use serde::Deserialize;

    use super::proto;

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    pub struct Request {
        resource_spans: Option<Vec<ResourceSpans>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct ResourceSpans {
        resource: Option<Resource>,
        scope_spans: Option<Vec<ScopeSpans>>,
        schema_url: Option<String>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Resource {
        attributes: Option<Vec<KeyValue>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct ScopeSpans {
        scope: Option<Scope>,
        spans: Option<Vec<Span>>,
        schema_url: Option<String>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Scope {
        name: Option<String>,
        version: Option<String>,
        attributes: Option<Vec<KeyValue>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Span {
        trace_id: Option<Id>,
        span_id: Option<Id>,
        parent_span_id: Option<Id>,
        name: Option<String>,
        kind: Option<EnumInt>,
        start_time_unix_nano: Option<U64>,
        end_time_unix_nano: Option<U64>,
        attributes: Option<Vec<KeyValue>>,
        events: Option<Vec<Event>>,
        status: Option<Status>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Event {
        time_unix_nano: Option<U64>,
        name: Option<String>,
        attributes: Option<Vec<KeyValue>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Status {
        message: Option<String>,
        code: Option<EnumInt>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct KeyValue {
        key: Option<String>,
        value: Option<AnyValue>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct AnyValue {
        string_value: Option<String>,
        bool_value: Option<bool>,
        int_value: Option<I64>,
        double_value: Option<F64>,
        array_value: Option<ArrayValue>,
        kvlist_value: Option<KeyValueList>,
        bytes_value: Option<B64>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct ArrayValue {
        values: Option<Vec<AnyValue>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct KeyValueList {
        values: Option<Vec<KeyValue>>,
    }

    impl Request {
        pub fn into_proto(self) -> proto::ExportTraceServiceRequest {
            proto::ExportTraceServiceRequest {
                resource_spans: self
                    .resource_spans
                    .unwrap_or_default()
                    .into_iter()
                    .map(ResourceSpans::into_proto)
                    .collect(),
            }
        }
    }

    impl ResourceSpans {
        fn into_proto(self) -> proto::ResourceSpans {
            proto::ResourceSpans {
                resource: self.resource.map(|r| proto::Resource {
                    attributes: kvs(r.attributes),
                    dropped_attributes_count: 0,
                }),
                scope_spans: self
                    .scope_spans
                    .unwrap_or_default()
                    .into_iter()
                    .map(ScopeSpans::into_proto)
                    .collect(),
                schema_url: self.schema_url.unwrap_or_default(),
            }
        }
    }

    impl ScopeSpans {
        fn into_proto(self) -> proto::ScopeSpans {
            proto::ScopeSpans {
                scope: self.scope.map(|s| proto::InstrumentationScope {
                    name: s.name.unwrap_or_default(),
                    version: s.version.unwrap_or_default(),
                    attributes: kvs(s.attributes),
                    dropped_attributes_count: 0,
                }),
                spans: self
                    .spans
                    .unwrap_or_default()
                    .into_iter()
                    .map(Span::into_proto)
                    .collect(),
                schema_url: self.schema_url.unwrap_or_default(),
            }
        }
    }

    impl Span {
        fn into_proto(self) -> proto::Span {
            proto::Span {
                trace_id: self.trace_id.map(|i| i.0).unwrap_or_default(),
                span_id: self.span_id.map(|i| i.0).unwrap_or_default(),
                parent_span_id: self.parent_span_id.map(|i| i.0).unwrap_or_default(),
                name: self.name.unwrap_or_default(),
                kind: self.kind.map_or(0, |k| k.0),
                start_time_unix_nano: self.start_time_unix_nano.map_or(0, |t| t.0),
                end_time_unix_nano: self.end_time_unix_nano.map_or(0, |t| t.0),
                attributes: kvs(self.attributes),
                events: self
                    .events
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| proto::Event {
                        time_unix_nano: e.time_unix_nano.map_or(0, |t| t.0),
                        name: e.name.unwrap_or_default(),
                        attributes: kvs(e.attributes),
                        dropped_attributes_count: 0,
                    })
                    .collect(),
                status: self.status.map(|s| proto::Status {
                    message: s.message.unwrap_or_default(),
                    code: s.code.map_or(0, |c| c.0),
                }),
                ..Default::default()
            }
        }
    }

    fn kvs(v: Option<Vec<KeyValue>>) -> Vec<proto::KeyValue> {
        v.unwrap_or_default()
            .into_iter()
            .map(|kv| proto::KeyValue {
                key: kv.key.unwrap_or_default(),
                value: kv.value.map(AnyValue::into_proto),
            })
            .collect()
    }

    impl AnyValue {
        fn into_proto(self) -> proto::AnyValue {
            use proto::any_value::Value as V;
            let value = if let Some(s) = self.string_value {
                Some(V::StringValue(s))
            } else if let Some(b) = self.bool_value {
                Some(V::BoolValue(b))
            } else if let Some(i) = self.int_value {
                Some(V::IntValue(i.0))
            } else if let Some(d) = self.double_value {
                Some(V::DoubleValue(d.0))
            } else if let Some(a) = self.array_value {
                Some(V::ArrayValue(proto::ArrayValue {
                    values: a
                        .values
                        .unwrap_or_default()
                        .into_iter()
                        .map(AnyValue::into_proto)
                        .collect(),
                }))
            } else if let Some(l) = self.kvlist_value {
                Some(V::KvlistValue(proto::KeyValueList {
                    values: kvs(l.values),
                }))
            } else {
                self.bytes_value.map(|b| V::BytesValue(b.0))
            };
            proto::AnyValue { value }
        }
    }

    /// Decodes an OTLP/JSON id: hex (any case); else base64 of 8 or 16 bytes; else a 1-byte
    /// placeholder that no id check accepts. Empty: empty.
    pub(super) fn decode_id(s: &str) -> Vec<u8> {
        let s = s.trim();
        if s.is_empty() {
            return Vec::new();
        }
        if let Ok(b) = hex::decode(s) {
            return b;
        }
        let engines = [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::URL_SAFE,
            base64::engine::general_purpose::STANDARD_NO_PAD,
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        for e in engines {
            if let Ok(b) = e.decode(s) {
                if b.len() == 8 || b.len() == 16 {
                    return b;
                }
            }
        }
        vec![0xff]
    }

    struct Id(Vec<u8>);
    struct U64(u64);
    struct I64(i64);
    struct F64(f64);
    struct EnumInt(i32);
    struct B64(Vec<u8>);

    impl<'de> Deserialize<'de> for Id {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Vis;
            impl Visitor<'_> for Vis {
                type Value = Id;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a hex id")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                    Ok(Id(decode_id(v)))
                }
            }
            d.deserialize_str(Vis)
        }
    }

    impl<'de> Deserialize<'de> for U64 {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Vis;
            impl Visitor<'_> for Vis {
                type Value = U64;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an unsigned integer (a number or a decimal string)")
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<U64, E> {
                    Ok(U64(v))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<U64, E> {
                    u64::try_from(v)
                        .map(U64)
                        .map_err(|_| E::custom("a negative time"))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<U64, E> {
                    if (0.0..1.8e19).contains(&v) {
                        Ok(U64(v as u64))
                    } else {
                        Err(E::custom("a time out of range"))
                    }
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<U64, E> {
                    let t = v.trim();
                    if t.is_empty() {
                        return Ok(U64(0));
                    }
                    match t.parse::<u64>() {
                        Ok(n) => Ok(U64(n)),
                        Err(_) => t
                            .parse::<f64>()
                            .map_err(|_| E::custom("not an unsigned integer"))
                            .and_then(|f| self.visit_f64(f)),
                    }
                }
            }
            d.deserialize_any(Vis)
        }
    }

    impl<'de> Deserialize<'de> for I64 {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Vis;
            impl Visitor<'_> for Vis {
                type Value = I64;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an integer (a number or a decimal string)")
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<I64, E> {
                    Ok(I64(v))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<I64, E> {
                    i64::try_from(v)
                        .map(I64)
                        .map_err(|_| E::custom("an integer out of the int64 range"))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<I64, E> {
                    if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.2e18 {
                        Ok(I64(v as i64))
                    } else {
                        Err(E::custom("not an int64"))
                    }
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<I64, E> {
                    let t = v.trim();
                    match t.parse::<i64>() {
                        Ok(n) => Ok(I64(n)),
                        Err(_) => t
                            .parse::<f64>()
                            .map_err(|_| E::custom("not an integer"))
                            .and_then(|f| self.visit_f64(f)),
                    }
                }
            }
            d.deserialize_any(Vis)
        }
    }

    impl<'de> Deserialize<'de> for F64 {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Vis;
            impl Visitor<'_> for Vis {
                type Value = F64;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a number, or \"NaN\", \"Infinity\", \"-Infinity\"")
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<F64, E> {
                    Ok(F64(v))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<F64, E> {
                    Ok(F64(v as f64))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<F64, E> {
                    Ok(F64(v as f64))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<F64, E> {
                    // Rust's parser takes "NaN", "inf", "Infinity" in any case.
                    v.trim()
                        .parse::<f64>()
                        .map(F64)
                        .map_err(|_| E::custom("not a number"))
                }
            }
            d.deserialize_any(Vis)
        }
    }

    impl<'de> Deserialize<'de> for EnumInt {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Vis;
            impl Visitor<'_> for Vis {
                type Value = EnumInt;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an enum value as an integer")
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnumInt, E> {
                    Ok(EnumInt(i32::try_from(v).unwrap_or(0)))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnumInt, E> {
                    Ok(EnumInt(i32::try_from(v).unwrap_or(0)))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<EnumInt, E> {
                    Ok(EnumInt(if v.fract() == 0.0 && v.abs() < 1e9 {
                        v as i32
                    } else {
                        0
                    }))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumInt, E> {
                    // The spec forbids enum names in OTLP/JSON; tolerate them anyway.
                    let n = match v.trim() {
                        "SPAN_KIND_INTERNAL" | "STATUS_CODE_OK" => 1,
                        "SPAN_KIND_SERVER" | "STATUS_CODE_ERROR" => 2,
                        "SPAN_KIND_CLIENT" => 3,
                        "SPAN_KIND_PRODUCER" => 4,
                        "SPAN_KIND_CONSUMER" => 5,
                        t => t.parse::<i32>().unwrap_or(0),
                    };
                    Ok(EnumInt(n))
                }
            }
            d.deserialize_any(Vis)
        }
    }

    impl<'de> Deserialize<'de> for B64 {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Vis;
            impl Visitor<'_> for Vis {
                type Value = B64;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("base64 bytes")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<B64, E> {
                    let t = v.trim();
                    let b = base64::engine::general_purpose::STANDARD
                        .decode(t)
                        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(t))
                        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(t))
                        .unwrap_or_else(|_| t.as_bytes().to_vec());
                    Ok(B64(b))
                }
            }
            d.deserialize_str(Vis)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Responses

/// The body of a 200 answer: an `ExportTraceServiceResponse` in the request's encoding. Full
/// success (`rejected == 0` and no message) leaves `partial_success` unset (an empty protobuf, or
/// `{}`); otherwise it carries `rejected_spans` (a decimal string in JSON, as int64 is) and the
/// message (a warning when nothing was rejected).
pub fn response(enc: Encoding, rejected: usize, message: Option<&str>) -> Vec<u8> {
    let message = message.filter(|m| !m.is_empty());
    let partial = (rejected > 0 || message.is_some()).then(|| proto::ExportTracePartialSuccess {
        rejected_spans: i64::try_from(rejected).unwrap_or(i64::MAX),
        error_message: message.unwrap_or_default().to_string(),
    });
    match enc {
        Encoding::Protobuf => proto::ExportTraceServiceResponse {
            partial_success: partial,
        }
        .encode_to_vec(),
        Encoding::Json => {
            let v = match partial {
                None => serde_json::json!({}),
                Some(p) => {
                    let mut ps = Map::new();
                    ps.insert(
                        "rejectedSpans".into(),
                        Value::String(p.rejected_spans.to_string()),
                    );
                    if !p.error_message.is_empty() {
                        ps.insert("errorMessage".into(), Value::String(p.error_message));
                    }
                    serde_json::json!({ "partialSuccess": ps })
                }
            };
            serde_json::to_vec(&v).unwrap_or_else(|_| b"{}".to_vec())
        }
    }
}

/// The body of a failure answer: a `google.rpc.Status` in the request's encoding (JSON when the
/// encoding is unknown, e.g. for a 415).
pub fn error_body(enc: Encoding, code: i32, message: &str) -> Vec<u8> {
    match enc {
        Encoding::Protobuf => proto::RpcStatus {
            code,
            message: message.to_string(),
        }
        .encode_to_vec(),
        Encoding::Json => {
            serde_json::to_vec(&serde_json::json!({"code": code, "message": message}))
                .unwrap_or_else(|_| b"{}".to_vec())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mapping

/// The traces of one request, and what could not be kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub traces: Vec<Trace>,
    pub rejected_spans: usize,
    /// Why spans were rejected (reasons with their counts), for the partial-success answer.
    pub error_message: Option<String>,
}

/// Depth allowed when a structured content value becomes JSON (decoding already bounds it:
/// prost nests at most 100 messages and serde_json 128 levels).
const CONTENT_DEPTH: usize = 128;
/// Longest rejection message sent back.
const MAX_REJECT_MESSAGE: usize = 1024;

/// Maps a decoded request onto bloop traces (one per OTLP trace id, in order of first
/// appearance). `now_ms` is the server's clock. Never fails: a span that cannot be kept is
/// counted, with its reason, and the others are kept.
pub fn to_traces(req: Request, caps: &Caps, now_ms: i64) -> Mapped {
    let mut rejected = Rejections::default();
    let mut traces: Vec<TraceAcc> = Vec::new();
    let mut by_id: HashMap<[u8; 16], usize> = HashMap::new();
    for rs in &req.resource_spans {
        let res = ResourceCtx::new(rs.resource.as_ref());
        for ss in &rs.scope_spans {
            let scope = ss.scope.as_ref();
            for s in &ss.spans {
                let (tid, m) = match map_span(s, &res, scope, caps, now_ms) {
                    Ok(v) => v,
                    Err(reason) => {
                        rejected.add(reason);
                        continue;
                    }
                };
                let i = *by_id.entry(tid).or_insert_with(|| {
                    traces.push(TraceAcc::new(hex::encode(tid)));
                    traces.len() - 1
                });
                let Some(acc) = traces.get_mut(i) else {
                    continue;
                };
                if acc.spans.len() >= caps.max_spans_per_trace {
                    rejected.add("its trace has more spans in this request than the per-trace cap");
                    continue;
                }
                if !acc.ids.insert(m.span.id.clone()) {
                    rejected.add("its span id is used by an earlier span of the same trace");
                    continue;
                }
                acc.add(m);
            }
        }
    }
    Mapped {
        traces: traces.into_iter().map(TraceAcc::finish).collect(),
        rejected_spans: rejected.count,
        error_message: rejected.message(),
    }
}

#[derive(Default)]
struct Rejections {
    count: usize,
    reasons: Vec<(&'static str, usize)>,
}

impl Rejections {
    fn add(&mut self, reason: &'static str) {
        self.count += 1;
        match self.reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.reasons.push((reason, 1)),
        }
    }

    fn message(&self) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(r, n)| format!("{n} because {r}"))
            .collect();
        let s = format!("{} span(s) rejected: {}", self.count, parts.join("; "));
        Some(cut(s, MAX_REJECT_MESSAGE))
    }
}

/// A mapped span and what it tells about its trace.
struct MappedSpan {
    span: Span,
    session: Option<String>,
    user: Option<String>,
    prompt_name: Option<String>,
    prompt_version: Option<String>,
    service: Option<String>,
}

struct TraceAcc {
    id: String,
    spans: Vec<Span>,
    ids: HashSet<String>,
    session: Option<String>,
    user: Option<String>,
    prompt_name: Option<String>,
    prompt_version: Option<String>,
    service: Option<String>,
}

impl TraceAcc {
    fn new(id: String) -> TraceAcc {
        TraceAcc {
            id,
            spans: Vec::new(),
            ids: HashSet::new(),
            session: None,
            user: None,
            prompt_name: None,
            prompt_version: None,
            service: None,
        }
    }

    fn add(&mut self, m: MappedSpan) {
        // The first span that has one wins.
        if self.session.is_none() {
            self.session = m.session;
        }
        if self.user.is_none() {
            self.user = m.user;
        }
        if self.prompt_name.is_none() {
            self.prompt_name = m.prompt_name;
        }
        if self.prompt_version.is_none() {
            self.prompt_version = m.prompt_version;
        }
        if self.service.is_none() {
            self.service = m.service;
        }
        self.spans.push(m.span);
    }

    fn finish(mut self) -> Trace {
        cut_cycles(&mut self.spans);
        let root = self.spans.iter().find(|s| s.parent_span_id.is_none());
        let started_at = self.spans.iter().map(|s| s.started_at).min().unwrap_or(0);
        let ended_at = self.spans.iter().filter_map(|s| s.ended_at).max();
        let status = if self.spans.iter().any(|s| s.status == "error") {
            "error"
        } else {
            "completed"
        };
        let metadata = self.service.map(|s| {
            let mut m = Map::new();
            m.insert("service.name".into(), Value::String(s));
            Value::Object(m).to_string()
        });
        Trace {
            id: self.id,
            session_id: self.session,
            user_id: self.user,
            name: root.map(|r| r.name.clone()).unwrap_or_default(),
            status: status.to_string(),
            input: root.and_then(|r| r.input.clone()),
            output: root.and_then(|r| r.output.clone()),
            metadata,
            started_at,
            ended_at,
            prompt_name: self.prompt_name,
            prompt_version: self.prompt_version,
            spans: self.spans,
        }
    }
}

/// Cuts parent loops: a span whose chain of parents comes back to itself loses its parent.
fn cut_cycles(spans: &mut [Span]) {
    let index: HashMap<String, usize> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    for start in 0..spans.len() {
        let mut at = start;
        for _ in 0..=spans.len() {
            let Some(p) = spans
                .get(at)
                .and_then(|s| s.parent_span_id.as_ref())
                .and_then(|p| index.get(p).copied())
            else {
                break;
            };
            if p == start {
                if let Some(s) = spans.get_mut(start) {
                    s.parent_span_id = None;
                }
                break;
            }
            at = p;
        }
    }
}

/// What a resource gives each of its spans.
struct ResourceCtx<'a> {
    meta: Vec<(&'a str, &'a AnyValue)>,
    service: Option<String>,
    session: Option<String>,
    user: Option<String>,
}

impl<'a> ResourceCtx<'a> {
    fn new(r: Option<&'a proto::Resource>) -> ResourceCtx<'a> {
        let mut ctx = ResourceCtx {
            meta: Vec::new(),
            service: None,
            session: None,
            user: None,
        };
        let Some(r) = r else { return ctx };
        let mut slots = Slots::default();
        for kv in &r.attributes {
            let Some(v) = kv.value.as_ref() else { continue };
            match kv.key.as_str() {
                "service.name" => {
                    ctx.service = label(v);
                    ctx.meta.push((&kv.key, v));
                }
                "service.version"
                | "service.namespace"
                | "deployment.environment"
                | "deployment.environment.name" => ctx.meta.push((&kv.key, v)),
                k => {
                    for &(f, rank) in classify(k) {
                        if matches!(f, F::Session | F::User) {
                            slots.offer(f, rank, v);
                        }
                    }
                }
            }
        }
        ctx.session = slots.get(F::Session).and_then(label);
        ctx.user = slots.get(F::User).and_then(label);
        ctx
    }
}

/// The bloop fields an attribute can feed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum F {
    Provider,
    Operation,
    RequestType,
    OiKind,
    TraceloopKind,
    ReqModel,
    RespModel,
    InTok,
    OutTok,
    CacheRead,
    CacheWrite,
    TotalTok,
    Cost,
    Session,
    User,
    ErrorType,
    TtftSeconds,
    TtftMs,
    PromptName,
    PromptVersion,
    InputMessages,
    SystemInstructions,
    OutputMessages,
    InputValue,
    OutputValue,
    LegacyPrompt,
    LegacyCompletion,
    EntityInput,
    EntityOutput,
    ToolArgs,
    ToolResult,
    AiPrompt,
    AiResponse,
    FrameworkInput,
    FrameworkOutput,
}

const N_FIELDS: usize = F::FrameworkOutput as usize + 1;

/// The attribute names bloop maps, with their rank for the field (0 wins; among equal ranks the
/// first attribute wins). Follows LLM-FACTS §2.6.
fn classify(key: &str) -> &'static [(F, u8)] {
    match key {
        "gen_ai.provider.name" => &[(F::Provider, 0)],
        "gen_ai.system" => &[(F::Provider, 1)],
        "llm.provider" => &[(F::Provider, 2)],
        "llm.system" => &[(F::Provider, 3)],
        "gen_ai.operation.name" => &[(F::Operation, 0)],
        "llm.request.type" => &[(F::RequestType, 0)],
        "openinference.span.kind" => &[(F::OiKind, 0)],
        "traceloop.span.kind" => &[(F::TraceloopKind, 0)],
        "gen_ai.request.model" => &[(F::ReqModel, 0)],
        "llm.request.model_name" => &[(F::ReqModel, 1)],
        "llm.model_name" => &[(F::ReqModel, 2), (F::RespModel, 2)],
        "embedding.model_name" => &[(F::ReqModel, 3)],
        "gen_ai.response.model" => &[(F::RespModel, 0)],
        "llm.response.model_name" => &[(F::RespModel, 1)],
        "gen_ai.usage.input_tokens" => &[(F::InTok, 0)],
        "gen_ai.usage.prompt_tokens" => &[(F::InTok, 1)],
        "llm.token_count.prompt" => &[(F::InTok, 2)],
        "gen_ai.usage.output_tokens" => &[(F::OutTok, 0)],
        "gen_ai.usage.completion_tokens" => &[(F::OutTok, 1)],
        "llm.token_count.completion" => &[(F::OutTok, 2)],
        "gen_ai.usage.cache_read.input_tokens" => &[(F::CacheRead, 0)],
        "gen_ai.usage.cache_read_input_tokens" => &[(F::CacheRead, 1)],
        "llm.token_count.prompt_details.cache_read" => &[(F::CacheRead, 2)],
        "gen_ai.usage.cache_creation.input_tokens" => &[(F::CacheWrite, 0)],
        "gen_ai.usage.cache_creation_input_tokens" => &[(F::CacheWrite, 1)],
        "llm.token_count.prompt_details.cache_write" => &[(F::CacheWrite, 2)],
        "llm.token_count.total" => &[(F::TotalTok, 0)],
        "llm.usage.total_tokens" => &[(F::TotalTok, 1)],
        "gen_ai.usage.total_tokens" => &[(F::TotalTok, 2)],
        "llm.cost.total" => &[(F::Cost, 0)],
        "gen_ai.usage.cost" => &[(F::Cost, 1)],
        "gen_ai.conversation.id" => &[(F::Session, 0)],
        "session.id" => &[(F::Session, 1)],
        "langfuse.session.id" => &[(F::Session, 2)],
        "traceloop.association.properties.session_id" => &[(F::Session, 3)],
        "user.id" => &[(F::User, 0)],
        "langfuse.user.id" => &[(F::User, 1)],
        "llm.user" => &[(F::User, 2)],
        "traceloop.association.properties.user_id" => &[(F::User, 3)],
        "error.type" => &[(F::ErrorType, 0)],
        "gen_ai.response.time_to_first_chunk" => &[(F::TtftSeconds, 0)],
        "gen_ai.server.time_to_first_token" => &[(F::TtftSeconds, 1)],
        "gen_ai.response.time_to_first_token" => &[(F::TtftSeconds, 2)],
        "ai.response.msToFirstChunk" => &[(F::TtftMs, 0)],
        "ai.stream.msToFirstChunk" => &[(F::TtftMs, 1)],
        "gen_ai.prompt.name" => &[(F::PromptName, 0)],
        "langfuse.observation.prompt.name" => &[(F::PromptName, 1)],
        "traceloop.prompt.key" => &[(F::PromptName, 2)],
        "gen_ai.prompt.version" => &[(F::PromptVersion, 0)],
        "langfuse.observation.prompt.version" => &[(F::PromptVersion, 1)],
        "llm.prompt_template.version" => &[(F::PromptVersion, 2)],
        "traceloop.prompt.version" => &[(F::PromptVersion, 3)],
        "gen_ai.input.messages" => &[(F::InputMessages, 0)],
        "gen_ai.system_instructions" => &[(F::SystemInstructions, 0)],
        "gen_ai.output.messages" => &[(F::OutputMessages, 0)],
        "input.value" => &[(F::InputValue, 0)],
        "output.value" => &[(F::OutputValue, 0)],
        "gen_ai.prompt" => &[(F::LegacyPrompt, 0)],
        "gen_ai.completion" => &[(F::LegacyCompletion, 0)],
        "traceloop.entity.input" => &[(F::EntityInput, 0)],
        "traceloop.entity.output" => &[(F::EntityOutput, 0)],
        "gen_ai.tool.call.arguments" => &[(F::ToolArgs, 0)],
        "gen_ai.tool.call.result" => &[(F::ToolResult, 0)],
        "ai.prompt.messages" => &[(F::AiPrompt, 0)],
        "ai.prompt" => &[(F::AiPrompt, 1)],
        "ai.response.text" => &[(F::AiResponse, 0)],
        "langfuse.observation.input" => &[(F::FrameworkInput, 0)],
        "mlflow.spanInputs" => &[(F::FrameworkInput, 1)],
        "langfuse.observation.output" => &[(F::FrameworkOutput, 0)],
        "mlflow.spanOutputs" => &[(F::FrameworkOutput, 1)],
        _ => &[],
    }
}

/// Attributes that hold prompt or completion content (or documents, templates, tool
/// definitions): never copied into metadata, which outlives content under the
/// `metadata_only` policy.
fn is_content_key(key: &str) -> bool {
    const EXACT: &[&str] = &[
        "gen_ai.tool.definitions",
        "input.mime_type",
        "output.mime_type",
        "llm.prompt_template.template",
        "llm.prompt_template.variables",
        "traceloop.prompt.template",
        "traceloop.prompt.template_variables",
        "embedding.text",
        "langfuse.trace.input",
        "langfuse.trace.output",
        "ai.response.object",
        "ai.response.toolCalls",
        "ai.prompt.tools",
    ];
    const PREFIXES: &[&str] = &[
        "gen_ai.prompt.",
        "gen_ai.completion.",
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "llm.input_messages.",
        "llm.output_messages.",
        "llm.prompts.",
        "llm.choices.",
        "llm.tools.",
        "llm.request.functions.",
        "retrieval.documents.",
        "reranker.",
        "embedding.embeddings.",
        "ai.toolCall.",
    ];
    EXACT.contains(&key) || PREFIXES.iter().any(|p| key.starts_with(p))
}

/// For each field, the best-ranked value seen.
struct Slots<'a>([Option<(u8, &'a AnyValue)>; N_FIELDS]);

impl Default for Slots<'_> {
    fn default() -> Self {
        Slots([None; N_FIELDS])
    }
}

impl<'a> Slots<'a> {
    fn offer(&mut self, f: F, rank: u8, v: &'a AnyValue) {
        if let Some(slot) = self.0.get_mut(f as usize) {
            if slot.is_none_or(|(r, _)| rank < r) {
                *slot = Some((rank, v));
            }
        }
    }

    fn get(&self, f: F) -> Option<&'a AnyValue> {
        self.0.get(f as usize).copied().flatten().map(|(_, v)| v)
    }
}

/// An indexed message (`gen_ai.prompt.{i}.*`, `llm.input_messages.{i}.message.*`, …).
#[derive(Default)]
struct Msg<'a> {
    role: Option<&'a AnyValue>,
    content: Option<&'a AnyValue>,
    finish_reason: Option<&'a AnyValue>,
    texts: BTreeMap<u32, &'a AnyValue>,
}

enum Part {
    Role,
    Content,
    FinishReason,
    Text(u32),
    Other,
}

/// Which of the four indexed families a key belongs to, its index and part.
fn parse_indexed(key: &str) -> Option<(usize, u32, Part)> {
    const FAMILIES: [&str; 4] = [
        "gen_ai.prompt.",
        "gen_ai.completion.",
        "llm.input_messages.",
        "llm.output_messages.",
    ];
    let (family, rest) = FAMILIES
        .iter()
        .enumerate()
        .find_map(|(i, p)| key.strip_prefix(p).map(|r| (i, r)))?;
    let (idx, field) = rest.split_once('.')?;
    if !idx.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let idx: u32 = idx.parse().ok()?;
    let field = if family >= 2 {
        field.strip_prefix("message.")?
    } else {
        field
    };
    let part = match field {
        "role" => Part::Role,
        "content" => Part::Content,
        "finish_reason" => Part::FinishReason,
        f => match f
            .strip_prefix("contents.")
            .and_then(|r| r.split_once('.'))
            .filter(|(_, t)| *t == "message_content.text")
            .and_then(|(j, _)| j.parse::<u32>().ok())
        {
            Some(j) => Part::Text(j),
            None => Part::Other,
        },
    };
    Some((family, idx, part))
}

fn msgs_json(m: &BTreeMap<u32, Msg<'_>>) -> Option<Value> {
    if m.is_empty() {
        return None;
    }
    let items = m
        .values()
        .map(|msg| {
            let mut o = Map::new();
            if let Some(r) = msg.role.and_then(|r| any_to_json(r, CONTENT_DEPTH)) {
                o.insert("role".into(), r);
            }
            let content = msg
                .content
                .and_then(|c| any_to_json(c, CONTENT_DEPTH))
                .or_else(|| {
                    let texts: Vec<&str> = msg.texts.values().filter_map(|t| as_str(t)).collect();
                    (!texts.is_empty()).then(|| Value::String(texts.join("\n")))
                });
            if let Some(c) = content {
                o.insert("content".into(), c);
            }
            if let Some(f) = msg
                .finish_reason
                .and_then(|f| any_to_json(f, CONTENT_DEPTH))
            {
                o.insert("finish_reason".into(), f);
            }
            Value::Object(o)
        })
        .collect();
    Some(Value::Array(items))
}

/// Maps one span; `Err` is the reason it is rejected.
fn map_span(
    s: &proto::Span,
    res: &ResourceCtx<'_>,
    scope: Option<&proto::InstrumentationScope>,
    caps: &Caps,
    now_ms: i64,
) -> Result<([u8; 16], MappedSpan), &'static str> {
    // Ids.
    let tid: [u8; 16] = s
        .trace_id
        .as_slice()
        .try_into()
        .map_err(|_| "its trace id is not 16 bytes")?;
    if tid == [0; 16] {
        return Err("its trace id is all zeros");
    }
    if s.span_id.len() != 8 {
        return Err("its span id is not 8 bytes");
    }
    if s.span_id.iter().all(|b| *b == 0) {
        return Err("its span id is all zeros");
    }
    let id = cut(hex::encode(&s.span_id), MAX_ID_BYTES);
    let parent_span_id = match s.parent_span_id.len() {
        0 => None,
        8 if s.parent_span_id.iter().all(|b| *b == 0) => None,
        8 => Some(hex::encode(&s.parent_span_id)).filter(|p| *p != id),
        _ => return Err("its parent span id is not 8 bytes"),
    };

    // Times.
    let (started_at, ended_at, latency_ms) = match (s.start_time_unix_nano, s.end_time_unix_nano) {
        (0, 0) => (now_ms, None, None),
        // No start: it started when it ended, as far as bloop can tell.
        (0, e) => (ns_to_ms(e), Some(ns_to_ms(e)), None),
        (st, 0) => (ns_to_ms(st), None, None),
        // Ended before it started: a clock bug; keep the start, zero duration.
        (st, e) if e < st => (ns_to_ms(st), Some(ns_to_ms(st)), Some(0)),
        (st, e) => (
            ns_to_ms(st),
            Some(ns_to_ms(e)),
            Some(ns_to_ms((e - st).saturating_add(500_000))),
        ),
    };
    if started_at < MIN_TIME_MS {
        return Err("its start time is before the year 2000");
    }
    let latest = now_ms.saturating_add(MAX_FUTURE_MS);
    if started_at > latest || ended_at.is_some_and(|e| e > latest) {
        return Err("its times are more than a day ahead of the server's clock");
    }

    // Attributes.
    let mut slots = Slots::default();
    let mut indexed: [BTreeMap<u32, Msg<'_>>; 4] = Default::default();
    let mut rest: Vec<(&str, &AnyValue)> = Vec::new();
    for kv in &s.attributes {
        let Some(v) = kv.value.as_ref() else { continue };
        let key = kv.key.as_str();
        let fields = classify(key);
        if !fields.is_empty() {
            for &(f, rank) in fields {
                slots.offer(f, rank, v);
            }
        } else if let Some((family, idx, part)) = parse_indexed(key) {
            if let Some(m) = indexed.get_mut(family) {
                let msg = m.entry(idx).or_default();
                match part {
                    Part::Role => msg.role = Some(v),
                    Part::Content => msg.content = Some(v),
                    Part::FinishReason => msg.finish_reason = Some(v),
                    Part::Text(j) => {
                        msg.texts.insert(j, v);
                    }
                    Part::Other => {}
                }
            }
        } else if !is_content_key(key) {
            rest.push((key, v));
        }
    }
    let [gen_prompt, gen_completion, oi_in, oi_out] = &indexed;

    // Events: legacy message events and exceptions.
    let mut event_in = Vec::new();
    let mut event_out = Vec::new();
    let mut exception: Option<(Option<String>, Option<String>)> = None;
    for ev in &s.events {
        match ev.name.as_str() {
            "exception" if exception.is_none() => {
                let get = |k: &str| {
                    ev.attributes
                        .iter()
                        .find(|kv| kv.key == k)
                        .and_then(|kv| kv.value.as_ref())
                        .and_then(as_str)
                        .filter(|s| !s.trim().is_empty())
                        .map(str::to_string)
                };
                exception = Some((get("exception.type"), get("exception.message")));
            }
            "gen_ai.system.message" => event_in.push(event_message(ev, "system")),
            "gen_ai.user.message" => event_in.push(event_message(ev, "user")),
            "gen_ai.assistant.message" => event_in.push(event_message(ev, "assistant")),
            "gen_ai.tool.message" => event_in.push(event_message(ev, "tool")),
            "gen_ai.choice" => event_out.push(choice_message(ev)),
            _ => {}
        }
    }

    // Provider, models, operation.
    let provider = slots.get(F::Provider).and_then(label).map(|p| {
        let p = p.to_ascii_lowercase();
        if p == "xai" {
            "x_ai".to_string()
        } else {
            p
        }
    });
    let request_model = slots.get(F::ReqModel).and_then(label);
    let response_model = slots.get(F::RespModel).and_then(label);
    let model = response_model.clone().or_else(|| request_model.clone());

    // Usage.
    let tok = |f: F| slots.get(f).and_then(as_count);
    let (mut input_tokens, mut output_tokens) = (tok(F::InTok), tok(F::OutTok));
    let total_tokens = tok(F::TotalTok);
    let mut total_unused = None;
    match (input_tokens, output_tokens, total_tokens) {
        (Some(i), None, Some(t)) => output_tokens = Some(t.saturating_sub(i)),
        (None, Some(o), Some(t)) => input_tokens = Some(t.saturating_sub(o)),
        (None, None, Some(t)) => total_unused = Some(t),
        _ => {}
    }
    let input_tokens = input_tokens.unwrap_or(0);
    let output_tokens = output_tokens.unwrap_or(0);
    let cache_read_tokens = tok(F::CacheRead).unwrap_or(0);
    let cache_write_tokens = tok(F::CacheWrite).unwrap_or(0);
    let cost_usd = slots
        .get(F::Cost)
        .and_then(as_f64)
        .filter(|c| c.is_finite() && *c > 0.0 && *c <= 1e6);
    let has_usage = input_tokens > 0
        || output_tokens > 0
        || cache_read_tokens > 0
        || cache_write_tokens > 0
        || total_tokens.is_some();

    let span_type = span_type(&slots, model.is_some() || has_usage);

    let ttft_ms = slots
        .get(F::TtftSeconds)
        .and_then(as_f64)
        .map(|s| s * 1000.0)
        .or_else(|| slots.get(F::TtftMs).and_then(as_f64))
        .filter(|ms| ms.is_finite() && *ms >= 0.0 && *ms <= 7.0 * 86_400_000.0)
        .map(|ms| ms.round() as i64);

    // Status and error.
    let code = s.status.as_ref().map_or(0, |st| st.code);
    let error_type = slots.get(F::ErrorType).and_then(label);
    let is_error = code == 2 || (code != 1 && error_type.is_some());
    let error_message = if is_error {
        let status_message = s
            .status
            .as_ref()
            .map(|st| st.message.trim())
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        let (exc_type, exc_message) = exception.unwrap_or((None, None));
        status_message
            .or_else(|| match (&error_type, &exc_message) {
                (Some(t), Some(m)) => Some(format!("{t}: {m}")),
                (Some(t), None) => Some(t.clone()),
                _ => None,
            })
            .or_else(|| match (exc_type, exc_message) {
                (Some(t), Some(m)) => Some(format!("{t}: {m}")),
                (None, Some(m)) => Some(m),
                _ => None,
            })
            .map(|m| cut(m, MAX_ERROR_BYTES))
    } else {
        None
    };

    // Content.
    let content = |f: F| slots.get(f).and_then(content_of);
    let input = gen_ai_input(
        slots.get(F::InputMessages),
        slots.get(F::SystemInstructions),
    )
    .or_else(|| msgs_json(oi_in).map(|v| v.to_string()))
    .or_else(|| content(F::InputValue))
    .or_else(|| msgs_json(gen_prompt).map(|v| v.to_string()))
    .or_else(|| content(F::LegacyPrompt))
    .or_else(|| (!event_in.is_empty()).then(|| Value::Array(event_in).to_string()))
    .or_else(|| content(F::EntityInput))
    .or_else(|| content(F::ToolArgs))
    .or_else(|| content(F::AiPrompt))
    .or_else(|| content(F::FrameworkInput))
    .map(|t| cut(t, caps.max_content_bytes));
    let output = content(F::OutputMessages)
        .or_else(|| msgs_json(oi_out).map(|v| v.to_string()))
        .or_else(|| content(F::OutputValue))
        .or_else(|| msgs_json(gen_completion).map(|v| v.to_string()))
        .or_else(|| content(F::LegacyCompletion))
        .or_else(|| (!event_out.is_empty()).then(|| Value::Array(event_out).to_string()))
        .or_else(|| content(F::EntityOutput))
        .or_else(|| content(F::ToolResult))
        .or_else(|| content(F::AiResponse))
        .or_else(|| content(F::FrameworkOutput))
        .map(|t| cut(t, caps.max_content_bytes));

    // Metadata: resource, scope, kind, then the span's unmapped attributes.
    let mut meta = MetaWriter::new();
    for (k, v) in &res.meta {
        meta.push_any(k, v);
    }
    if let Some(sc) = scope {
        if !sc.name.is_empty() {
            meta.push_str("otel.scope.name", &sc.name);
        }
        if !sc.version.is_empty() {
            meta.push_str("otel.scope.version", &sc.version);
        }
    }
    let kind = match s.kind {
        1 => Some("internal"),
        2 => Some("server"),
        3 => Some("client"),
        4 => Some("producer"),
        5 => Some("consumer"),
        _ => None,
    };
    if let Some(k) = kind {
        meta.push_str("otel.span.kind", k);
    }
    if let (Some(req), Some(m)) = (&request_model, &model) {
        if req != m {
            meta.push_str("gen_ai.request.model", req);
        }
    }
    if let Some(t) = total_unused {
        meta.push_u64("total_tokens", t);
    }
    for (k, v) in rest {
        meta.push_any(k, v);
    }

    let input_includes_cache =
        otel_input_includes_cache(input_tokens, cache_read_tokens, cache_write_tokens);

    let session = slots
        .get(F::Session)
        .and_then(label)
        .or_else(|| res.session.clone());
    let user = slots
        .get(F::User)
        .and_then(label)
        .or_else(|| res.user.clone());
    let span = Span {
        id,
        parent_span_id,
        span_type: span_type.to_string(),
        name: cut(s.name.clone(), MAX_LABEL_BYTES),
        model,
        provider,
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cost_usd,
        latency_ms,
        time_to_first_token_ms: ttft_ms,
        status: if is_error { "error" } else { "ok" }.to_string(),
        error_message,
        input,
        output,
        metadata: meta.finish(),
        started_at,
        ended_at,
        input_includes_cache,
    };
    Ok((
        tid,
        MappedSpan {
            span,
            session,
            user,
            prompt_name: slots.get(F::PromptName).and_then(label),
            prompt_version: slots.get(F::PromptVersion).and_then(label),
            service: res.service.clone(),
        },
    ))
}

/// Whether a span's input tokens count its cache tokens, for OTel data.
///
/// OpenTelemetry's `gen_ai.usage.input_tokens` SHOULD include the cache reads and writes, and
/// OpenInference's `llm.token_count.prompt` does too, whatever the provider: so, unlike bloop's
/// own API and the proxy, the provider and model are *not* passed to [`Inclusive::decide`]
/// (passing them would make every instrumented Anthropic or `claude` call exclusive). What is
/// left is its arithmetic rule: cache counts larger than the input can only have been reported
/// on top of it, as Anthropic's raw usage is (e.g. an old instrumentation copying
/// `cache_creation_input_tokens` into `gen_ai.usage.cache_creation_input_tokens`), so that case
/// is exclusive.
fn otel_input_includes_cache(input: u64, cache_read: u64, cache_write: u64) -> bool {
    Inclusive::decide(None, None, input, cache_read, cache_write)
}

/// The span type, from the first source that names a known one: `gen_ai.operation.name`,
/// `llm.request.type`, `openinference.span.kind`, `traceloop.span.kind`; else `generation` when
/// the span has a model or token counts, else `custom` (HTTP, DB, framework spans).
fn span_type(slots: &Slots<'_>, looks_like_llm: bool) -> &'static str {
    let sources = [F::Operation, F::RequestType, F::OiKind, F::TraceloopKind];
    for f in sources {
        let Some(v) = slots.get(f).and_then(as_str) else {
            continue;
        };
        let v = v.trim().to_ascii_lowercase();
        let t = match v.as_str() {
            "chat" | "text_completion" | "generate_content" | "completion" | "llm" => {
                Some("generation")
            }
            "embeddings" | "embedding" => Some("embedding"),
            "execute_tool" | "tool" => Some("tool"),
            "retrieval" | "retriever" | "rerank" | "reranker" => Some("retrieval"),
            "invoke_agent" | "create_agent" | "agent" => Some("agent"),
            "chain" | "workflow" | "task" => Some("chain"),
            _ => None,
        };
        if let Some(t) = t {
            return t;
        }
    }
    if looks_like_llm {
        "generation"
    } else {
        "custom"
    }
}

/// `gen_ai.input.messages`, with `gen_ai.system_instructions` put first as a `system` message
/// when both are present (the messages are then re-serialised; alone, a string is kept as is).
fn gen_ai_input(msgs: Option<&AnyValue>, system: Option<&AnyValue>) -> Option<String> {
    let system = system
        .and_then(|s| any_to_json(s, CONTENT_DEPTH))
        .map(parse_json_string);
    let Some(system) = system.filter(|s| !is_empty_json(s)) else {
        return msgs.and_then(content_of);
    };
    let mut entry = Map::new();
    entry.insert("role".into(), Value::String("system".into()));
    if system.is_array() {
        entry.insert("parts".into(), system);
    } else {
        entry.insert("content".into(), system);
    }
    let entry = Value::Object(entry);
    let Some(msgs) = msgs.and_then(|m| any_to_json(m, CONTENT_DEPTH)) else {
        return Some(Value::Array(vec![entry]).to_string());
    };
    match parse_json_string(msgs) {
        Value::Array(mut a) => {
            a.insert(0, entry);
            Some(Value::Array(a).to_string())
        }
        Value::Null => Some(Value::Array(vec![entry]).to_string()),
        Value::String(s) if s.is_empty() => Some(Value::Array(vec![entry]).to_string()),
        // Not a list of messages: keep it as sent.
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

fn is_empty_json(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A string holding JSON becomes that JSON; anything else stays.
fn parse_json_string(v: Value) -> Value {
    match v {
        Value::String(s) => {
            let t = s.trim_start();
            if t.starts_with('[') || t.starts_with('{') {
                serde_json::from_str(&s).unwrap_or(Value::String(s))
            } else {
                Value::String(s)
            }
        }
        other => other,
    }
}

/// A legacy `gen_ai.{system,user,assistant,tool}.message` span event as a message object: the
/// role from the event name (unless a `role` attribute says otherwise), then its attributes
/// (`content`, `tool_calls`, `id`, …) except the provider.
fn event_message(ev: &proto::Event, role: &str) -> Value {
    let mut o = Map::new();
    o.insert("role".into(), Value::String(role.into()));
    for kv in &ev.attributes {
        if matches!(kv.key.as_str(), "gen_ai.system" | "gen_ai.provider.name") {
            continue;
        }
        let key = if kv.key == "gen_ai.event.content" {
            "content"
        } else {
            kv.key.as_str()
        };
        if let Some(v) = kv
            .value
            .as_ref()
            .and_then(|v| any_to_json(v, CONTENT_DEPTH))
        {
            o.insert(key.to_string(), v);
        }
    }
    Value::Object(o)
}

/// A legacy `gen_ai.choice` event: its `message` (an object, or a string holding one) with
/// `finish_reason`/`index` added.
fn choice_message(ev: &proto::Event) -> Value {
    let mut o = Map::new();
    let mut others = Vec::new();
    for kv in &ev.attributes {
        let Some(v) = kv
            .value
            .as_ref()
            .and_then(|v| any_to_json(v, CONTENT_DEPTH))
        else {
            continue;
        };
        match kv.key.as_str() {
            "gen_ai.system" | "gen_ai.provider.name" => {}
            "message" => match parse_json_string(v) {
                Value::Object(m) => o.extend(m),
                other => {
                    o.insert("content".into(), other);
                }
            },
            k => others.push((k.to_string(), v)),
        }
    }
    for (k, v) in others {
        o.entry(k).or_insert(v);
    }
    Value::Object(o)
}

/// A bounded metadata object, written straight to JSON text (no intermediate values): at most
/// [`MAX_METADATA_BYTES`] of compact text and [`MAX_METADATA_DEPTH`] levels; an entry that does
/// not fit is dropped, and so are containers nested too deep (first come, first kept; a repeated
/// key keeps its first value).
struct MetaWriter<'a> {
    out: Vec<u8>,
    scratch: Vec<u8>,
    seen: HashSet<&'a str>,
}

impl<'a> MetaWriter<'a> {
    fn new() -> Self {
        MetaWriter {
            out: Vec::new(),
            scratch: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn push_any(&mut self, key: &'a str, v: &AnyValue) {
        // The object is level 1, so its values may nest `MAX_METADATA_DEPTH - 1` more.
        let depth = MAX_METADATA_DEPTH - 1;
        if too_deep(v, depth) {
            return;
        }
        self.entry(key, |buf| write_any(buf, v, depth));
    }

    fn push_str(&mut self, key: &'a str, v: &str) {
        self.entry(key, |buf| write_str(buf, v));
    }

    fn push_u64(&mut self, key: &'a str, v: u64) {
        self.entry(key, |buf| buf.extend_from_slice(v.to_string().as_bytes()));
    }

    fn entry(&mut self, key: &'a str, value: impl FnOnce(&mut Vec<u8>)) {
        if key.is_empty() || self.seen.contains(key) {
            return;
        }
        self.scratch.clear();
        self.scratch
            .push(if self.out.is_empty() { b'{' } else { b',' });
        write_str(&mut self.scratch, key);
        self.scratch.push(b':');
        value(&mut self.scratch);
        // +1 for the closing brace.
        if self.out.len() + self.scratch.len() + 1 > MAX_METADATA_BYTES {
            return;
        }
        self.out.extend_from_slice(&self.scratch);
        self.seen.insert(key);
    }

    fn finish(mut self) -> Option<String> {
        if self.out.is_empty() {
            return None;
        }
        self.out.push(b'}');
        String::from_utf8(self.out).ok()
    }
}

/// A container that would be nested deeper than `depth` allows.
fn too_deep(v: &AnyValue, depth: usize) -> bool {
    depth == 0 && matches!(v.value, Some(V::ArrayValue(_)) | Some(V::KvlistValue(_)))
}

fn write_str(buf: &mut Vec<u8>, s: &str) {
    if serde_json::to_writer(&mut *buf, s).is_err() {
        buf.extend_from_slice(b"null");
    }
}

/// Writes `v` as compact JSON (the same mapping as [`any_to_json`]), dropping containers
/// nested deeper than `depth`; the caller checks `v` itself with [`too_deep`].
fn write_any(buf: &mut Vec<u8>, v: &AnyValue, depth: usize) {
    match &v.value {
        None => buf.extend_from_slice(b"null"),
        Some(V::StringValue(s)) => write_str(buf, s),
        Some(V::BoolValue(b)) => buf.extend_from_slice(if *b { b"true" } else { b"false" }),
        Some(V::IntValue(i)) => buf.extend_from_slice(i.to_string().as_bytes()),
        Some(V::DoubleValue(d)) => match serde_json::Number::from_f64(*d) {
            Some(n) => buf.extend_from_slice(n.to_string().as_bytes()),
            None if d.is_nan() => buf.extend_from_slice(b"\"NaN\""),
            None if *d > 0.0 => buf.extend_from_slice(b"\"Infinity\""),
            None => buf.extend_from_slice(b"\"-Infinity\""),
        },
        Some(V::BytesValue(b)) => {
            buf.push(b'"');
            buf.extend_from_slice(
                base64::engine::general_purpose::STANDARD
                    .encode(b)
                    .as_bytes(),
            );
            buf.push(b'"');
        }
        Some(V::ArrayValue(a)) => {
            let inner = depth.saturating_sub(1);
            buf.push(b'[');
            let mut first = true;
            for x in a.values.iter().filter(|x| !too_deep(x, inner)) {
                if !first {
                    buf.push(b',');
                }
                first = false;
                write_any(buf, x, inner);
            }
            buf.push(b']');
        }
        Some(V::KvlistValue(l)) => {
            let inner = depth.saturating_sub(1);
            buf.push(b'{');
            let mut seen: HashSet<&str> = HashSet::new();
            let mut first = true;
            for kv in &l.values {
                if kv.value.as_ref().is_some_and(|x| too_deep(x, inner))
                    || !seen.insert(kv.key.as_str())
                {
                    continue;
                }
                if !first {
                    buf.push(b',');
                }
                first = false;
                write_str(buf, &kv.key);
                buf.push(b':');
                match kv.value.as_ref() {
                    Some(x) => write_any(buf, x, inner),
                    None => buf.extend_from_slice(b"null"),
                }
            }
            buf.push(b'}');
        }
    }
}

/// An attribute value as JSON: strings, bools, numbers as themselves (non-finite doubles as
/// `"NaN"`, `"Infinity"`, `"-Infinity"`), bytes as base64, arrays and key-value lists as arrays
/// and objects, the empty value as `null`. Containers deeper than `depth` levels are dropped
/// (`None` at the top).
fn any_to_json(v: &AnyValue, depth: usize) -> Option<Value> {
    Some(match &v.value {
        None => Value::Null,
        Some(V::StringValue(s)) => Value::String(s.clone()),
        Some(V::BoolValue(b)) => Value::Bool(*b),
        Some(V::IntValue(i)) => Value::from(*i),
        Some(V::DoubleValue(d)) => match serde_json::Number::from_f64(*d) {
            Some(n) => Value::Number(n),
            None if d.is_nan() => Value::String("NaN".into()),
            None if *d > 0.0 => Value::String("Infinity".into()),
            None => Value::String("-Infinity".into()),
        },
        Some(V::BytesValue(b)) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        Some(V::ArrayValue(a)) => {
            if depth == 0 {
                return None;
            }
            Value::Array(
                a.values
                    .iter()
                    .filter_map(|x| any_to_json(x, depth - 1))
                    .collect(),
            )
        }
        Some(V::KvlistValue(l)) => {
            if depth == 0 {
                return None;
            }
            let mut m = Map::new();
            for kv in &l.values {
                let x = match kv.value.as_ref() {
                    Some(x) => any_to_json(x, depth - 1),
                    None => Some(Value::Null),
                };
                if let Some(x) = x {
                    m.insert(kv.key.clone(), x);
                }
            }
            Value::Object(m)
        }
    })
}

/// Content text: a string as sent (JSON in a string stays that string), structured values as
/// compact JSON; empty → `None`.
fn content_of(v: &AnyValue) -> Option<String> {
    match &v.value {
        None => None,
        Some(V::StringValue(s)) => (!s.is_empty()).then(|| s.clone()),
        Some(_) => any_to_json(v, CONTENT_DEPTH)
            .filter(|j| !j.is_null())
            .map(|j| j.to_string()),
    }
}

fn as_str(v: &AnyValue) -> Option<&str> {
    match &v.value {
        Some(V::StringValue(s)) => Some(s),
        _ => None,
    }
}

/// A label (model, provider, session, user, prompt name or version, error type): a non-blank
/// string, or a number / bool written out; cut at [`MAX_LABEL_BYTES`].
fn label(v: &AnyValue) -> Option<String> {
    let s = match &v.value {
        Some(V::StringValue(s)) if !s.trim().is_empty() => s.clone(),
        Some(V::IntValue(i)) => i.to_string(),
        Some(V::DoubleValue(d)) if d.is_finite() => d.to_string(),
        Some(V::BoolValue(b)) => b.to_string(),
        _ => return None,
    };
    Some(cut(s, MAX_LABEL_BYTES))
}

/// A token count: a whole number ≥ 0 and ≤ 10^15, as an int, a double or a decimal string.
fn as_count(v: &AnyValue) -> Option<u64> {
    let f = match &v.value {
        Some(V::IntValue(i)) => {
            return u64::try_from(*i)
                .ok()
                .filter(|n| *n <= 1_000_000_000_000_000)
        }
        Some(V::DoubleValue(d)) => *d,
        Some(V::StringValue(s)) => {
            let t = s.trim();
            if let Ok(n) = t.parse::<u64>() {
                return (n <= 1_000_000_000_000_000).then_some(n);
            }
            t.parse::<f64>().ok()?
        }
        _ => return None,
    };
    (f.is_finite() && (0.0..=1e15).contains(&f)).then(|| f.round() as u64)
}

fn as_f64(v: &AnyValue) -> Option<f64> {
    match &v.value {
        Some(V::IntValue(i)) => Some(*i as f64),
        Some(V::DoubleValue(d)) => Some(*d),
        Some(V::StringValue(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

fn ns_to_ms(ns: u64) -> i64 {
    // u64::MAX ns is about 1.8e13 ms: it fits.
    i64::try_from(ns / 1_000_000).unwrap_or(i64::MAX)
}

/// Cuts `s` to at most `max` bytes, on a char boundary.
fn cut(mut s: String, max: usize) -> String {
    let keep = crate::llm::cut(&s, max).len();
    s.truncate(keep);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    const NOW: i64 = 1_800_000_000_000;
    const T0: i64 = 1_700_000_000_000;

    fn caps() -> Caps {
        Caps {
            max_spans_per_trace: 100,
            max_batch_size: 100,
            max_content_bytes: 10_000,
        }
    }

    fn map_json(text: &str) -> Mapped {
        let req = decode(text.as_bytes(), Encoding::Json).unwrap();
        to_traces(req, &caps(), NOW)
    }

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    fn meta(s: &Span) -> Value {
        json(s.metadata.as_deref().unwrap_or("{}"))
    }

    fn span<'a>(m: &'a Mapped, id: &str) -> &'a Span {
        m.traces
            .iter()
            .flat_map(|t| &t.spans)
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no span {id}"))
    }

    fn sv(s: &str) -> Option<AnyValue> {
        Some(AnyValue {
            value: Some(V::StringValue(s.into())),
        })
    }

    fn iv(i: i64) -> Option<AnyValue> {
        Some(AnyValue {
            value: Some(V::IntValue(i)),
        })
    }

    fn kv(k: &str, v: Option<AnyValue>) -> proto::KeyValue {
        proto::KeyValue {
            key: k.into(),
            value: v,
        }
    }

    fn pspan(trace: u8, id: u8, parent: Option<u8>) -> proto::Span {
        proto::Span {
            trace_id: vec![trace; 16],
            span_id: vec![id; 8],
            parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
            name: format!("span {id}"),
            start_time_unix_nano: 1_700_000_000_000_000_000,
            end_time_unix_nano: 1_700_000_000_250_000_000,
            ..Default::default()
        }
    }

    fn request(spans: Vec<proto::Span>) -> Request {
        Request {
            resource_spans: vec![proto::ResourceSpans {
                resource: None,
                scope_spans: vec![proto::ScopeSpans {
                    scope: None,
                    spans,
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }],
        }
    }

    // --- JSON corpus -------------------------------------------------------------------------

    #[test]
    fn empty_request_is_a_success_with_nothing() {
        for body in [
            include_str!("../../tests/fixtures/otlp/empty_request.json"),
            "",
            "  \n",
        ] {
            let m = map_json(body);
            assert!(m.traces.is_empty());
            assert_eq!(m.rejected_spans, 0);
            assert_eq!(m.error_message, None);
        }
        assert!(matches!(
            decode(b"[]", Encoding::Json),
            Err(OtlpError::Undecodable(_))
        ));
    }

    #[test]
    fn upper_case_hex_ids_are_lowercased_and_the_tree_kept() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/upper_hex_ids.json"));
        assert_eq!(m.rejected_spans, 0);
        assert_eq!(m.traces.len(), 1, "mixed-case ids are one trace");
        let t = &m.traces[0];
        assert_eq!(t.id, "5b8efff798038103d269b633813fc60c");
        assert_eq!(t.name, "root");
        assert_eq!(t.status, "completed");
        assert_eq!(t.started_at, T0);
        assert_eq!(t.ended_at, Some(T0 + 2000));
        assert_eq!(t.metadata.as_deref(), Some(r#"{"service.name":"upper"}"#));
        let root = span(&m, "eee19b7ec3c1b174");
        assert_eq!(root.parent_span_id, None);
        assert_eq!(root.span_type, "custom");
        assert_eq!(root.latency_ms, Some(2000));
        let child = span(&m, "aaaaaaaaaaaaaaaa");
        assert_eq!(child.parent_span_id.as_deref(), Some("eee19b7ec3c1b174"));
        assert_eq!(
            meta(child),
            serde_json::json!({"service.name": "upper", "otel.scope.name": "manual",
                "otel.span.kind": "internal"})
        );
    }

    #[test]
    fn numeric_start_time_is_accepted() {
        let m = map_json(include_str!(
            "../../tests/fixtures/otlp/numeric_start_time.json"
        ));
        let s = span(&m, "b7ad6b7169203331");
        assert_eq!(s.started_at, T0);
        assert_eq!(s.ended_at, Some(T0 + 500));
        assert_eq!(s.latency_ms, Some(500));
    }

    #[test]
    fn int_value_as_number_and_as_string() {
        let m = map_json(include_str!(
            "../../tests/fixtures/otlp/int_value_number_and_string.json"
        ));
        let s = span(&m, "b7ad6b7169203331");
        assert_eq!(s.input_tokens, 12);
        assert_eq!(s.output_tokens, 34);
        assert_eq!(s.model.as_deref(), Some("gpt-4o-mini"));
        assert_eq!(s.span_type, "generation", "a model makes it an LLM call");
        let md = meta(s);
        assert_eq!(md["app.retries"], serde_json::json!(-5));
        assert_eq!(md["app.big"], serde_json::json!(9_007_199_254_740_993i64));
    }

    #[test]
    fn empty_any_value_is_null() {
        let m = map_json(include_str!(
            "../../tests/fixtures/otlp/empty_any_value.json"
        ));
        let md = meta(span(&m, "b7ad6b7169203331"));
        assert_eq!(md["cf.null"], Value::Null);
        assert!(md.get("cf.null").is_some());
        assert!(md.get("no.value").is_none());
        assert_eq!(md["list.with.empty"], serde_json::json!([null, "x"]));
    }

    #[test]
    fn missing_schema_url_is_fine() {
        let m = map_json(include_str!(
            "../../tests/fixtures/otlp/missing_schema_url.json"
        ));
        assert_eq!(m.rejected_spans, 0);
        let md = meta(span(&m, "b7ad6b7169203331"));
        assert_eq!(md["otel.scope.name"], "no-schema");
        assert_eq!(md["otel.scope.version"], "1.0.0");
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/unknown_field.json"));
        assert_eq!(m.rejected_spans, 0);
        let s = span(&m, "b7ad6b7169203331");
        assert_eq!(s.status, "ok");
        assert_eq!(meta(s)["k"], "v");
    }

    #[test]
    fn kind_as_integer() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/kind_integer.json"));
        assert_eq!(
            meta(span(&m, "b7ad6b7169203331"))["otel.span.kind"],
            "server"
        );
        let child = span(&m, "b7ad6b7169203332");
        assert_eq!(meta(child)["otel.span.kind"], "client");
        // A name alone does not make an LLM call.
        assert_eq!(child.span_type, "custom");
        assert_eq!(m.traces[0].name, "GET /users");
    }

    #[test]
    fn zero_or_short_ids_reject_only_their_span() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/zero_trace_id.json"));
        assert_eq!(m.rejected_spans, 3);
        assert_eq!(m.traces.len(), 1);
        assert_eq!(m.traces[0].spans.len(), 1);
        assert_eq!(m.traces[0].spans[0].name, "good");
        let msg = m.error_message.unwrap();
        assert!(msg.starts_with("3 span(s) rejected"), "{msg}");
        assert!(msg.contains("trace id is all zeros"), "{msg}");
        assert!(msg.contains("span id is all zeros"), "{msg}");
        assert!(msg.contains("trace id is not 16 bytes"), "{msg}");
    }

    #[test]
    fn a_parent_in_another_request_is_kept_and_the_trace_is_unnamed() {
        let m = map_json(include_str!(
            "../../tests/fixtures/otlp/parent_in_other_request.json"
        ));
        let t = &m.traces[0];
        assert_eq!(t.name, "");
        assert_eq!(t.input, None);
        let s = &t.spans[0];
        assert_eq!(s.parent_span_id.as_deref(), Some("53995c3f42cd8ad8"));
        assert_eq!(s.provider.as_deref(), Some("anthropic"));
        assert_eq!(s.model.as_deref(), Some("claude-sonnet-4"));
        assert_eq!(s.span_type, "generation");
        assert_eq!(s.latency_ms, Some(3000));
    }

    #[test]
    fn chat_span_with_current_names_and_cache_tokens() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/chat_current.json"));
        let t = &m.traces[0];
        let s = &t.spans[0];
        assert_eq!(s.span_type, "generation");
        assert_eq!(s.provider.as_deref(), Some("openai"));
        assert_eq!(
            s.model.as_deref(),
            Some("gpt-4o-2024-08-06"),
            "response model wins"
        );
        assert_eq!(
            (
                s.input_tokens,
                s.output_tokens,
                s.cache_read_tokens,
                s.cache_write_tokens
            ),
            (1200, 80, 1000, 100)
        );
        assert!(
            s.input_includes_cache,
            "OTel input tokens include the cache"
        );
        assert_eq!(s.time_to_first_token_ms, Some(350));
        assert_eq!(s.latency_ms, Some(1250));
        assert_eq!(s.status, "ok");
        assert_eq!(s.cost_usd, None);
        assert_eq!(
            s.input.as_deref(),
            Some(r#"[{"role":"user","parts":[{"type":"text","content":"Where is my order?"}]}]"#),
            "a string holding JSON is kept as sent"
        );
        assert!(s.output.as_deref().unwrap().contains("It ships today."));
        assert_eq!(t.session_id.as_deref(), Some("conv-42"));
        assert_eq!(t.user_id.as_deref(), Some("user-7"));
        assert_eq!(t.prompt_name.as_deref(), Some("support-answer"));
        assert_eq!(t.prompt_version.as_deref(), Some("3"));
        assert_eq!(t.name, "chat gpt-4o");
        assert_eq!(t.input, s.input, "the root's content is the trace's");
        let md = meta(s);
        assert_eq!(md["gen_ai.request.model"], "gpt-4o");
        assert_eq!(md["service.name"], "support-bot");
        assert_eq!(md["deployment.environment.name"], "prod");
        assert_eq!(md["gen_ai.response.id"], "chatcmpl-123");
        assert_eq!(
            md["gen_ai.response.finish_reasons"],
            serde_json::json!(["stop"])
        );
        assert_eq!(md["gen_ai.request.temperature"], serde_json::json!(0.2));
        assert_eq!(md["otel.scope.version"], "2.2b0");
        for absent in [
            "telemetry.sdk.language",
            "gen_ai.input.messages",
            "gen_ai.output.messages",
            "gen_ai.usage.input_tokens",
            "gen_ai.conversation.id",
        ] {
            assert!(md.get(absent).is_none(), "{absent} in {md}");
        }
    }

    #[test]
    fn legacy_names_and_indexed_prompts() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/legacy_names.json"));
        assert_eq!(m.traces.len(), 1);
        let t = &m.traces[0];
        assert_eq!(t.session_id.as_deref(), Some("legacy-session"));
        assert_eq!(t.name, "openai.chat");
        let s = span(&m, "1a2b3c4d5e6f7081");
        assert_eq!(s.provider.as_deref(), Some("openai"), "lower-cased");
        assert_eq!(s.model.as_deref(), Some("gpt-3.5-turbo-0125"));
        assert_eq!((s.input_tokens, s.output_tokens), (25, 9));
        assert_eq!(s.span_type, "generation");
        assert_eq!(
            json(s.input.as_deref().unwrap()),
            serde_json::json!([{"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Say hi"}])
        );
        assert_eq!(
            json(s.output.as_deref().unwrap()),
            serde_json::json!([{"role": "assistant", "content": "Hi!", "finish_reason": "stop"}])
        );
        let md = meta(s);
        assert_eq!(md["llm.is_streaming"], false);
        assert!(md.get("gen_ai.prompt.0.content").is_none());
        assert!(md.get("llm.usage.total_tokens").is_none());

        // Anthropic's raw counts: a cache write larger than the input is on top of it.
        let a = span(&m, "1a2b3c4d5e6f7082");
        assert_eq!(a.provider.as_deref(), Some("anthropic"));
        assert_eq!((a.input_tokens, a.cache_write_tokens), (10, 2000));
        assert!(!a.input_includes_cache);

        // `xai` is spelt `x_ai`; a total with only the input gives the output.
        let x = span(&m, "1a2b3c4d5e6f7083");
        assert_eq!(x.provider.as_deref(), Some("x_ai"));
        assert_eq!((x.input_tokens, x.output_tokens), (7, 3));
        assert_eq!(x.span_type, "generation");
    }

    #[test]
    fn openinference_spans() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/openinference.json"));
        assert_eq!(m.rejected_spans, 0);
        let t = &m.traces[0];
        assert_eq!(t.name, "ChatCompletion");
        assert_eq!(t.session_id.as_deref(), Some("oi-session"));
        assert_eq!(t.user_id.as_deref(), Some("oi-user"));
        assert_eq!(t.prompt_version.as_deref(), Some("v2"));
        assert_eq!(t.prompt_name, None);
        let s = span(&m, "0102030405060708");
        assert_eq!(s.span_type, "generation");
        assert_eq!(s.provider.as_deref(), Some("openai"));
        assert_eq!(s.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
        assert_eq!(
            (s.input_tokens, s.output_tokens, s.cache_read_tokens),
            (50, 20, 32)
        );
        assert!(s.input_includes_cache);
        assert_eq!(s.cost_usd, Some(0.000123));
        assert_eq!(
            json(s.input.as_deref().unwrap()),
            serde_json::json!([{"role": "user", "content": "What is 2+2?"}])
        );
        assert_eq!(
            json(s.output.as_deref().unwrap()),
            serde_json::json!([{"role": "assistant", "content": "4"}])
        );
        let md = meta(s);
        assert_eq!(md["llm.invocation_parameters"], r#"{"temperature":0.1}"#);
        for absent in [
            "llm.prompt_template.template",
            "input.value",
            "input.mime_type",
            "llm.token_count.total",
            "session.id",
        ] {
            assert!(md.get(absent).is_none(), "{absent} in {md}");
        }
        let r = span(&m, "0102030405060709");
        assert_eq!(r.span_type, "retrieval");
        assert!(!r.metadata.as_deref().unwrap_or("").contains("secret"));
        let tool = span(&m, "010203040506070a");
        assert_eq!(tool.span_type, "tool");
        assert_eq!(tool.input.as_deref(), Some("2+2"));
        assert_eq!(tool.output.as_deref(), Some("4"));
        assert_eq!(span(&m, "010203040506070b").span_type, "chain");
        assert_eq!(span(&m, "010203040506070c").span_type, "agent");
        let e = span(&m, "010203040506070d");
        assert_eq!(e.span_type, "embedding");
        assert_eq!(e.model.as_deref(), Some("text-embedding-3-small"));
        assert!(!e.metadata.as_deref().unwrap_or("").contains("secret"));
    }

    #[test]
    fn error_spans() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/error_span.json"));
        let t = &m.traces[0];
        assert_eq!(t.status, "error");
        let a = span(&m, "1111111111111111");
        assert_eq!(a.status, "error");
        assert_eq!(
            a.error_message.as_deref(),
            Some("RateLimitError: Rate limit reached for gpt-4o")
        );
        assert!(!a.metadata.as_deref().unwrap_or("").contains("Traceback"));
        let b = span(&m, "2222222222222222");
        assert_eq!(b.error_message.as_deref(), Some("upstream timed out"));
        let c = span(&m, "3333333333333333");
        assert_eq!(
            c.status, "ok",
            "a handled exception on an OK span is not an error"
        );
        assert_eq!(c.error_message, None);
    }

    #[test]
    fn a_plain_http_span_under_an_llm_span_is_kept_as_custom() {
        let m = map_json(include_str!(
            "../../tests/fixtures/otlp/http_under_llm.json"
        ));
        assert_eq!(m.traces.len(), 1);
        let t = &m.traces[0];
        assert_eq!(t.spans.len(), 2);
        assert_eq!(t.name, "chat gpt-4o");
        let llm = span(&m, "aaaaaaaaaaaaaaa1");
        assert_eq!(llm.span_type, "generation");
        assert_eq!(
            meta(llm)["otel.scope.name"],
            "opentelemetry.instrumentation.openai_v2"
        );
        let http = span(&m, "aaaaaaaaaaaaaaa2");
        assert_eq!(http.span_type, "custom");
        assert_eq!(http.parent_span_id.as_deref(), Some("aaaaaaaaaaaaaaa1"));
        assert_eq!(http.model, None);
        let md = meta(http);
        assert_eq!(md["http.request.method"], "POST");
        assert_eq!(md["http.response.status_code"], 200);
        assert_eq!(md["otel.scope.name"], "opentelemetry.instrumentation.httpx");
        assert_eq!(md["service.name"], "agent-svc");
    }

    #[test]
    fn structured_input_messages_become_json() {
        let m = map_json(include_str!(
            "../../tests/fixtures/otlp/structured_input_messages.json"
        ));
        let s = &m.traces[0].spans[0];
        assert_eq!(
            json(s.input.as_deref().unwrap()),
            serde_json::json!([
                {"role": "system", "parts": [{"type": "text", "content": "You are terse."}]},
                {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}
            ])
        );
        assert_eq!(
            json(s.output.as_deref().unwrap()),
            serde_json::json!([{"role": "assistant", "finish_reason": "tool_call", "parts": [
                {"type": "tool_call", "id": "call_1", "name": "get_weather",
                 "arguments": {"city": "Paris"}}]}])
        );
        // Compact text.
        assert!(!s.input.as_deref().unwrap().contains(": "));
        assert!(meta(s).get("gen_ai.system_instructions").is_none());
    }

    #[test]
    fn base64_ids_are_a_lenient_fallback() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/base64_ids.json"));
        assert_eq!(m.traces[0].id, "0102030405060708090a0b0c0d0e0f10");
        assert_eq!(m.traces[0].spans[0].id, "1112131415161718");
        assert_eq!(
            m.rejected_spans, 1,
            "an undecodable id rejects its span only"
        );
        assert!(m.error_message.unwrap().contains("span id is not 8 bytes"));
    }

    #[test]
    fn legacy_message_events() {
        let m = map_json(include_str!("../../tests/fixtures/otlp/legacy_events.json"));
        let s = &m.traces[0].spans[0];
        assert_eq!(
            json(s.input.as_deref().unwrap()),
            serde_json::json!([{"role": "system", "content": "You are helpful."},
                {"role": "user", "content": "Hello"}])
        );
        assert_eq!(
            json(s.output.as_deref().unwrap()),
            serde_json::json!([{"role": "assistant", "content": "Hi there",
                "finish_reason": "stop", "index": 0}])
        );
        assert_eq!(s.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    }

    #[test]
    fn json_numbers_strings_and_special_doubles() {
        let body = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{
            "traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
            "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1.7000000001e18,
            "kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_ERROR"},
            "attributes":[
              {"key":"nan","value":{"doubleValue":"NaN"}},
              {"key":"inf","value":{"doubleValue":"Infinity"}},
              {"key":"ninf","value":{"doubleValue":"-Infinity"}},
              {"key":"bytes","value":{"bytesValue":"AQID"}},
              {"key":"null.string","value":{"stringValue":null}},
              {"key":"gen_ai.usage.input_tokens","value":{"doubleValue":7.0}}
            ]}]}]}]}"#;
        let m = map_json(body);
        let s = &m.traces[0].spans[0];
        assert_eq!(s.status, "error");
        assert_eq!(s.input_tokens, 7);
        assert_eq!(s.ended_at, Some(T0 + 100));
        let md = meta(s);
        assert_eq!(md["nan"], "NaN");
        assert_eq!(md["inf"], "Infinity");
        assert_eq!(md["ninf"], "-Infinity");
        assert_eq!(md["bytes"], "AQID");
        assert_eq!(md["null.string"], Value::Null);
        assert_eq!(md["otel.span.kind"], "client");
        // A wrong type where a string is required is a bad request, not a panic.
        let bad = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]}"#;
        assert!(matches!(
            decode(bad.as_bytes(), Encoding::Json),
            Err(OtlpError::Undecodable(_))
        ));
    }

    // --- Protobuf ----------------------------------------------------------------------------

    #[test]
    fn protobuf_round_trip() {
        let mut root = pspan(7, 1, None);
        root.name = "agent run".into();
        root.attributes = vec![
            kv("gen_ai.operation.name", sv("invoke_agent")),
            kv("gen_ai.conversation.id", sv("thread-1")),
        ];
        let mut chat = pspan(7, 2, Some(1));
        chat.kind = 3;
        chat.attributes = vec![
            kv("gen_ai.operation.name", sv("chat")),
            kv("gen_ai.provider.name", sv("Anthropic")),
            kv("gen_ai.request.model", sv("claude-sonnet-4")),
            kv("gen_ai.usage.input_tokens", iv(1500)),
            kv("gen_ai.usage.output_tokens", iv(40)),
            kv("gen_ai.usage.cache_read.input_tokens", iv(1000)),
            kv(
                "gen_ai.server.time_to_first_token",
                Some(AnyValue {
                    value: Some(V::DoubleValue(0.5)),
                }),
            ),
            kv("llm.cost.total", sv("0.0123")),
            kv(
                "flags",
                Some(AnyValue {
                    value: Some(V::ArrayValue(proto::ArrayValue {
                        values: vec![
                            AnyValue {
                                value: Some(V::BoolValue(true)),
                            },
                            AnyValue {
                                value: Some(V::BytesValue(vec![1, 2, 3])),
                            },
                        ],
                    })),
                }),
            ),
        ];
        chat.events = vec![proto::Event {
            time_unix_nano: 1,
            name: "gen_ai.user.message".into(),
            attributes: vec![kv("content", sv("hello"))],
            dropped_attributes_count: 0,
        }];
        chat.status = Some(proto::Status {
            message: "overloaded".into(),
            code: 2,
        });
        let mut req = request(vec![root, chat, pspan(9, 3, None)]);
        req.resource_spans[0].resource = Some(proto::Resource {
            attributes: vec![
                kv("service.name", sv("svc")),
                kv("user.id", sv("resource-user")),
            ],
            dropped_attributes_count: 0,
        });
        req.resource_spans[0].scope_spans[0].scope = Some(proto::InstrumentationScope {
            name: "scope".into(),
            version: "1".into(),
            ..Default::default()
        });
        let bytes = req.encode_to_vec();
        let body = decompress(&bytes, None, 1 << 20).unwrap();
        let decoded = decode(&body, Encoding::Protobuf).unwrap();
        assert_eq!(decoded, req);
        assert_eq!(decoded.span_count(), 3);
        let m = to_traces(decoded, &caps(), NOW);
        assert_eq!(m.rejected_spans, 0);
        assert_eq!(m.traces.len(), 2);
        let t = &m.traces[0];
        assert_eq!(t.id, hex::encode([7u8; 16]));
        assert_eq!(t.name, "agent run");
        assert_eq!(t.status, "error");
        assert_eq!(t.session_id.as_deref(), Some("thread-1"));
        assert_eq!(t.user_id.as_deref(), Some("resource-user"));
        let root = &t.spans[0];
        assert_eq!(root.span_type, "agent");
        assert_eq!(root.id, hex::encode([1u8; 8]));
        let chat = &t.spans[1];
        assert_eq!(chat.parent_span_id.as_deref(), Some(root.id.as_str()));
        assert_eq!(chat.span_type, "generation");
        assert_eq!(chat.provider.as_deref(), Some("anthropic"));
        assert_eq!(chat.input_tokens, 1500);
        assert!(
            chat.input_includes_cache,
            "OTel data: input includes the cache"
        );
        assert_eq!(chat.time_to_first_token_ms, Some(500));
        assert_eq!(chat.cost_usd, Some(0.0123));
        assert_eq!(chat.status, "error");
        assert_eq!(chat.error_message.as_deref(), Some("overloaded"));
        assert_eq!(chat.latency_ms, Some(250));
        assert_eq!(
            json(chat.input.as_deref().unwrap()),
            serde_json::json!([{"role": "user", "content": "hello"}])
        );
        let md = meta(chat);
        assert_eq!(md["flags"], serde_json::json!([true, "AQID"]));
        assert_eq!(md["otel.span.kind"], "client");
        assert_eq!(md["otel.scope.name"], "scope");
        assert_eq!(md["service.name"], "svc");
        assert!(md.get("user.id").is_none());
        assert_eq!(m.traces[1].id, hex::encode([9u8; 16]));
    }

    #[test]
    fn garbage_protobuf_is_undecodable_never_a_panic() {
        for body in [
            &[0xffu8; 64][..],
            &[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f][..],
            &[0x0a, 0x05, 0x01][..],
            b"{\"resourceSpans\": []}",
        ] {
            let e = decode(body, Encoding::Protobuf).unwrap_err();
            assert!(matches!(e, OtlpError::Undecodable(_)), "{e}");
            assert_eq!(e.status(), 400);
        }
        // Random bytes: whatever decodes must map without panicking.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..2000usize {
            let body: Vec<u8> = (0..len % 300)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            if let Ok(req) = decode(&body, Encoding::Protobuf) {
                let _ = to_traces(req, &caps(), NOW);
            }
            if let Ok(req) = decode(&body, Encoding::Json) {
                let _ = to_traces(req, &caps(), NOW);
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let n = 5_000;
        let mut body = String::from(
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":"#,
        );
        body.push_str(&r#"{"arrayValue":{"values":["#.repeat(n));
        body.push_str(&"]}}".repeat(n));
        body.push_str("}]}]}]}]}");
        assert!(matches!(
            decode(body.as_bytes(), Encoding::Json),
            Err(OtlpError::Undecodable(_))
        ));
        // Protobuf: 5,000 nested ArrayValues (field 5 of AnyValue, field 1 of ArrayValue).
        let mut v: Vec<u8> = Vec::new();
        for _ in 0..n {
            let mut array = vec![0x0a];
            prost::encoding::encode_varint(v.len() as u64, &mut array);
            array.extend_from_slice(&v);
            let mut any = vec![0x2a];
            prost::encoding::encode_varint(array.len() as u64, &mut any);
            any.extend_from_slice(&array);
            v = any;
        }
        assert!(proto::AnyValue::decode(&v[..]).is_err());
    }

    // --- Compression ---------------------------------------------------------------------------

    #[test]
    fn gzip_and_deflate_bodies() {
        let plain = include_str!("../../tests/fixtures/otlp/chat_current.json").as_bytes();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(plain).unwrap();
        let gz = gz.finish().unwrap();
        let mut zl = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zl.write_all(plain).unwrap();
        let zl = zl.finish().unwrap();
        let mut raw =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(plain).unwrap();
        let raw = raw.finish().unwrap();
        for (body, enc) in [
            (&gz, "gzip"),
            (&gz, "x-gzip"),
            (&gz, " GZIP "),
            (&zl, "deflate"),
            (&raw, "deflate"),
        ] {
            let out = decompress(body, Some(enc), 1 << 20).unwrap();
            assert_eq!(out, plain, "{enc}");
            let m = to_traces(decode(&out, Encoding::Json).unwrap(), &caps(), NOW);
            assert_eq!(m.traces[0].spans[0].input_tokens, 1200);
        }
        for enc in [None, Some(""), Some("identity")] {
            assert_eq!(decompress(plain, enc, 1 << 20).unwrap(), plain);
        }
        assert!(matches!(
            decompress(plain, None, 10),
            Err(OtlpError::TooLarge { limit: 10 })
        ));
        let e = decompress(plain, Some("zstd"), 1 << 20).unwrap_err();
        assert!(matches!(e, OtlpError::UnsupportedEncoding(_)));
        assert_eq!(e.status(), 415);
        let e = decompress(b"definitely not gzip", Some("gzip"), 1 << 20).unwrap_err();
        assert_eq!(e.status(), 400);
        // Too small for its own output: refused, not cut.
        assert!(matches!(
            decompress(&gz, Some("gzip"), plain.len() - 1),
            Err(OtlpError::TooLarge { .. })
        ));
        assert_eq!(
            decompress(&gz, Some("gzip"), plain.len()).unwrap().len(),
            plain.len()
        );
    }

    #[test]
    fn a_gzip_bomb_is_refused_at_the_limit() {
        // 50 MB of zeros, compressed in chunks (the test never holds 50 MB either).
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 1 << 16];
        for _ in 0..(50 * 1024 * 1024 / chunk.len()) {
            gz.write_all(&chunk).unwrap();
        }
        let bomb = gz.finish().unwrap();
        assert!(bomb.len() < 200_000, "{}", bomb.len());
        let e = decompress(&bomb, Some("gzip"), 1 << 20).unwrap_err();
        assert!(matches!(e, OtlpError::TooLarge { limit } if limit == 1 << 20));
        assert_eq!(e.status(), 413);
        // The reader stops at limit + 1 bytes: the output buffer never grows past a few MiB.
        let mut out = Vec::new();
        let n = flate2::read::MultiGzDecoder::new(&bomb[..])
            .take((1 << 20) + 1)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(n, (1 << 20) + 1);
        assert!(out.capacity() < 4 << 20);
    }

    // --- Responses -----------------------------------------------------------------------------

    #[test]
    fn responses_in_both_encodings() {
        assert!(response(Encoding::Protobuf, 0, None).is_empty());
        let full = proto::ExportTraceServiceResponse::decode(&[][..]).unwrap();
        assert_eq!(full.partial_success, None);
        assert_eq!(response(Encoding::Json, 0, None), b"{}");
        assert_eq!(response(Encoding::Json, 0, Some("")), b"{}");

        let p = response(Encoding::Protobuf, 3, Some("3 span(s) rejected"));
        let p = proto::ExportTraceServiceResponse::decode(&p[..]).unwrap();
        let ps = p.partial_success.unwrap();
        assert_eq!(ps.rejected_spans, 3);
        assert_eq!(ps.error_message, "3 span(s) rejected");

        let j = json(std::str::from_utf8(&response(Encoding::Json, 3, Some("why"))).unwrap());
        assert_eq!(
            j,
            serde_json::json!({"partialSuccess": {"rejectedSpans": "3", "errorMessage": "why"}})
        );
        // A warning: nothing rejected, a message.
        let j = json(std::str::from_utf8(&response(Encoding::Json, 0, Some("warn"))).unwrap());
        assert_eq!(j["partialSuccess"]["errorMessage"], "warn");

        let e = error_body(Encoding::Protobuf, 3, "bad body");
        let st = proto::RpcStatus::decode(&e[..]).unwrap();
        assert_eq!((st.code, st.message.as_str()), (3, "bad body"));
        let e = json(std::str::from_utf8(&error_body(Encoding::Json, 8, "too big")).unwrap());
        assert_eq!(e, serde_json::json!({"code": 8, "message": "too big"}));
        assert_eq!(OtlpError::TooLarge { limit: 1 }.rpc_code(), 8);
    }

    #[test]
    fn content_types() {
        use Encoding::*;
        for (ct, want) in [
            (Some("application/x-protobuf"), Some(Protobuf)),
            (Some("application/protobuf"), Some(Protobuf)),
            (Some("Application/X-Protobuf; proto=foo"), Some(Protobuf)),
            (Some("application/json"), Some(Json)),
            (Some("application/json; charset=utf-8"), Some(Json)),
            (Some(" application/json ;charset=UTF-8"), Some(Json)),
            (Some("text/plain"), None),
            (Some("application/jsonl"), None),
            (Some(""), None),
            (None, None),
        ] {
            assert_eq!(Encoding::from_content_type(ct), want, "{ct:?}");
        }
        assert_eq!(OtlpError::UnsupportedContentType.status(), 415);
        assert_eq!(Json.content_type(), "application/json");
    }

    // --- Caps and odd data ---------------------------------------------------------------------

    #[test]
    fn span_cap_per_trace_rejects_the_extra_spans() {
        let caps = Caps {
            max_spans_per_trace: 2,
            ..caps()
        };
        let req = request(vec![
            pspan(1, 1, None),
            pspan(1, 2, Some(1)),
            pspan(1, 3, Some(1)),
            pspan(2, 4, None),
            pspan(1, 2, Some(1)),
        ]);
        let m = to_traces(req, &caps, NOW);
        assert_eq!(m.traces.len(), 2);
        assert_eq!(m.traces[0].spans.len(), 2);
        assert_eq!(m.traces[1].spans.len(), 1);
        assert_eq!(m.rejected_spans, 2);
        assert!(m.error_message.unwrap().contains("per-trace cap"));

        // Duplicate span ids within a trace: the first is kept.
        let m = to_traces(
            request(vec![pspan(1, 1, None), pspan(1, 1, None)]),
            &caps,
            NOW,
        );
        assert_eq!(m.rejected_spans, 1);
        assert!(m.error_message.unwrap().contains("used by an earlier span"));
    }

    #[test]
    fn content_is_cut_on_a_char_boundary_and_labels_are_capped() {
        let caps = Caps {
            max_content_bytes: 6,
            ..caps()
        };
        let mut s = pspan(1, 1, None);
        s.name = "n".repeat(600);
        s.attributes = vec![
            kv("input.value", sv("héllo wörld")),
            kv("output.value", sv("ééééé")),
            kv("gen_ai.request.model", sv(&"m".repeat(600))),
        ];
        let m = to_traces(request(vec![s]), &caps, NOW);
        let s = &m.traces[0].spans[0];
        assert_eq!(s.input.as_deref(), Some("héllo"));
        assert_eq!(s.output.as_deref(), Some("ééé"));
        assert_eq!(s.name.len(), MAX_LABEL_BYTES);
        assert_eq!(s.model.as_ref().unwrap().len(), MAX_LABEL_BYTES);
        assert_eq!(m.traces[0].name.len(), MAX_LABEL_BYTES);
    }

    #[test]
    fn times_out_of_range_reject_and_odd_times_are_repaired() {
        let mut old = pspan(1, 1, None);
        old.start_time_unix_nano = 5_000_000_000; // 1970
        let mut future = pspan(1, 2, None);
        future.start_time_unix_nano = ((NOW + 2 * 86_400_000) as u64) * 1_000_000;
        future.end_time_unix_nano = future.start_time_unix_nano + 1;
        let mut backwards = pspan(1, 3, None);
        backwards.end_time_unix_nano = backwards.start_time_unix_nano - 1_000_000_000;
        let mut no_start = pspan(1, 4, None);
        no_start.start_time_unix_nano = 0;
        let mut no_times = pspan(1, 5, None);
        no_times.start_time_unix_nano = 0;
        no_times.end_time_unix_nano = 0;
        let mut no_end = pspan(1, 6, None);
        no_end.end_time_unix_nano = 0;
        let mut huge = pspan(1, 7, None);
        huge.start_time_unix_nano = u64::MAX;
        huge.end_time_unix_nano = u64::MAX;
        let m = to_traces(
            request(vec![
                old, future, backwards, no_start, no_times, no_end, huge,
            ]),
            &caps(),
            NOW,
        );
        assert_eq!(m.rejected_spans, 3);
        let msg = m.error_message.clone().unwrap();
        assert!(msg.contains("before the year 2000"), "{msg}");
        assert!(msg.contains("more than a day ahead"), "{msg}");
        let b = span(&m, &hex::encode([3u8; 8]));
        assert_eq!(
            (b.started_at, b.ended_at, b.latency_ms),
            (T0, Some(T0), Some(0))
        );
        let ns = span(&m, &hex::encode([4u8; 8]));
        assert_eq!(
            (ns.started_at, ns.ended_at, ns.latency_ms),
            (T0 + 250, Some(T0 + 250), None)
        );
        let nt = span(&m, &hex::encode([5u8; 8]));
        assert_eq!((nt.started_at, nt.ended_at), (NOW, None));
        let ne = span(&m, &hex::encode([6u8; 8]));
        assert_eq!(
            (ne.started_at, ne.ended_at, ne.latency_ms),
            (T0, None, None)
        );
        let t = &m.traces[0];
        assert_eq!(t.started_at, T0);
        assert_eq!(t.ended_at, Some(T0 + 250));
    }

    #[test]
    fn metadata_is_bounded_in_size_and_depth() {
        let mut s = pspan(1, 1, None);
        for i in 0..100 {
            s.attributes
                .push(kv(&format!("big.{i:03}"), sv(&"x".repeat(1000))));
        }
        // 40 levels of nested arrays.
        let mut deep = AnyValue {
            value: Some(V::StringValue("bottom".into())),
        };
        for _ in 0..40 {
            deep = AnyValue {
                value: Some(V::ArrayValue(proto::ArrayValue { values: vec![deep] })),
            };
        }
        s.attributes.insert(0, kv("deep", Some(deep)));
        let bytes = request(vec![s]).encode_to_vec();
        let req = decode(&bytes, Encoding::Protobuf).unwrap();
        let m = to_traces(req, &caps(), NOW);
        let md = m.traces[0].spans[0].metadata.clone().unwrap();
        assert!(md.len() <= MAX_METADATA_BYTES, "{}", md.len());
        assert!(md.len() > MAX_METADATA_BYTES - 1100, "{}", md.len());
        assert_eq!(
            crate::event::json_depth(&md),
            MAX_METADATA_DEPTH,
            "cut at the limit"
        );
        let v = json(&md);
        assert!(v.get("deep").is_some());
        assert!(v.get("big.000").is_some());
        assert!(v.get("big.099").is_none());
    }

    #[test]
    fn repeated_keys_keep_their_first_value_and_metadata_stays_valid_json() {
        let mut s = pspan(1, 1, None);
        let list = |vals: Vec<proto::KeyValue>| {
            Some(AnyValue {
                value: Some(V::KvlistValue(proto::KeyValueList { values: vals })),
            })
        };
        s.attributes = vec![
            kv("a", sv("first")),
            kv("a", sv("second")),
            kv(
                "obj",
                list(vec![kv("x", iv(1)), kv("x", iv(2)), kv("q\"uote", None)]),
            ),
            kv("", sv("no key")),
            kv("text", sv("line\nbreak \u{1F600}")),
        ];
        let m = to_traces(request(vec![s]), &caps(), NOW);
        let md = meta(&m.traces[0].spans[0]);
        assert_eq!(md["a"], "first");
        assert_eq!(md["obj"], serde_json::json!({"x": 1, "q\"uote": null}));
        assert_eq!(md["text"], "line\nbreak \u{1F600}");
        assert!(md.get("").is_none());
    }

    #[test]
    fn parent_loops_are_cut_and_zero_parents_are_roots() {
        let mut zero_parent = pspan(1, 3, None);
        zero_parent.parent_span_id = vec![0; 8];
        let m = to_traces(
            request(vec![
                pspan(1, 1, Some(2)),
                pspan(1, 2, Some(1)),
                zero_parent,
            ]),
            &caps(),
            NOW,
        );
        let roots = m.traces[0]
            .spans
            .iter()
            .filter(|s| s.parent_span_id.is_none())
            .count();
        assert_eq!(
            roots, 2,
            "one edge of the loop is cut; the zero parent is a root"
        );
        let mut bad_parent = pspan(1, 4, None);
        bad_parent.parent_span_id = vec![1; 3];
        let m = to_traces(request(vec![bad_parent]), &caps(), NOW);
        assert_eq!(m.rejected_spans, 1);
    }
}
