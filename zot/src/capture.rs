//! Reading captured HTTP exchanges (the layout of `tests/fixtures/hubzilla`): message heads,
//! the request and response sections of a `.http` capture, and the `_…` reading aids the
//! capture tool added to decoded JSON. Pure text handling; callers read the files.

/// The first line and the headers of an HTTP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Request line or status line.
    pub first: String,
    /// Headers in order, names as written.
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// Parses a head: first line, then `Name: value` lines up to the first empty line.
    pub fn parse(text: &str) -> Self {
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default().trim().to_string();
        let headers = lines
            .take_while(|l| !l.trim().is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        Self { first, headers }
    }

    /// A header's value (first occurrence, case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The HTTP signature it carries: `Signature`, or `Authorization: Signature …`.
    pub fn signature(&self) -> Option<&str> {
        self.header("signature").or_else(|| {
            self.header("authorization")
                .filter(|v| v.to_ascii_lowercase().starts_with("signature "))
        })
    }

    /// Method and request target of a request head.
    pub fn method_and_target(&self) -> (&str, &str) {
        let mut parts = self.first.split_whitespace();
        (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        )
    }
}

/// The request and (if present) response heads of a `.http` capture, whose sections start
/// with `### REQUEST` and `### RESPONSE` marker lines.
pub fn split_http(text: &str) -> Option<(Head, Option<Head>)> {
    let section = |marker: &str| {
        let at = text.find(marker)?;
        let rest = &text[at..];
        Some(Head::parse(&rest[rest.find('\n')? + 1..]))
    };
    Some((section("### REQUEST")?, section("### RESPONSE")))
}

/// Removes the `_…` keys the capture tool added for reading (they are not on the wire).
pub fn strip_reading_aids(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| !k.starts_with('_'));
            map.values_mut().for_each(strip_reading_aids);
        }
        serde_json::Value::Array(list) => list.iter_mut().for_each(strip_reading_aids),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_capture_and_finds_the_signature() {
        let text = "### stream\n### REQUEST (note)\nGET /owa HTTP/1.1\nHost: a\n\
                    Authorization: Signature keyId=\"k\"\n\nbody\n### RESPONSE\nHTTP/1.1 200 OK\n\
                    Signature: keyId=\"s\"\n\n{}";
        let (req, resp) = split_http(text).unwrap();
        assert_eq!(req.method_and_target(), ("GET", "/owa"));
        assert_eq!(req.signature(), Some("Signature keyId=\"k\""));
        assert_eq!(resp.unwrap().signature(), Some("keyId=\"s\""));
        assert!(split_http("no markers").is_none());
        let mut v = serde_json::json!({"a": 1, "_x": 2, "b": [{"_y": 3, "c": 4}]});
        strip_reading_aids(&mut v);
        assert_eq!(v, serde_json::json!({"a": 1, "b": [{"c": 4}]}));
    }
}
