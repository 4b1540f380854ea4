//! OAuth 1.0a request signatures (RFC 5849, HMAC-SHA1), as the
//! Hatena-compatible REST API's clients sign their requests: the protocol
//! parameters of a request and the check of a signature against the
//! secrets of the app that claims to have made it.
//!
//! The signature itself (base string, HMAC-SHA1, base64) is computed by
//! the `oauth1-request` crate, which signs a request for given
//! credentials, nonce and timestamp; the server signs what the client
//! sent and compares. Reading the `Authorization` header and the limits
//! on parameters are this module's own (the crate only writes headers).

use base64::Engine;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Longest value of one protocol parameter considered (a nonce, a key, a signature).
pub const MAX_PARAM_LEN: usize = 256;
/// Most parameters one request may carry (query, form and header together).
pub const MAX_PARAMS: usize = 200;

/// Characters RFC 5849 section 3.6 leaves unencoded: ALPHA, DIGIT, `-._~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `s` as RFC 5849 section 3.6 says (UTF-8, upper-case hex).
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Why a request's OAuth parameters are unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("malformed OAuth Authorization header")]
    Malformed,
    #[error("missing OAuth parameter {0}")]
    Missing(&'static str),
    #[error("OAuth parameter {0} is repeated")]
    Repeated(&'static str),
    #[error("unsupported oauth_signature_method: use HMAC-SHA1")]
    Method,
    #[error("unsupported oauth_version: use 1.0")]
    Version,
    #[error("oauth_timestamp is not a number of seconds")]
    Timestamp,
    #[error("too many or too long parameters")]
    TooLarge,
}

/// The protocol parameters of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub consumer_key: String,
    pub token: String,
    pub nonce: String,
    /// Seconds since the epoch.
    pub timestamp: i64,
    /// The signature as sent (base64).
    pub signature: String,
}

/// The parameters of `Authorization: OAuth k="v", …` (decoded), without
/// `realm`; `None` when the header is of another scheme.
pub fn header_params(value: &str) -> Option<Result<Vec<(String, String)>, OAuthError>> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("oauth") {
        return None;
    }
    Some(parse_header(rest))
}

fn parse_header(rest: &str) -> Result<Vec<(String, String)>, OAuthError> {
    let mut out = Vec::new();
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, quoted) = part.split_once('=').ok_or(OAuthError::Malformed)?;
        let quoted = quoted.trim();
        let inner = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .ok_or(OAuthError::Malformed)?;
        let name = decode(name.trim())?;
        if name.eq_ignore_ascii_case("realm") {
            continue;
        }
        out.push((name, decode(inner)?));
        if out.len() > MAX_PARAMS {
            return Err(OAuthError::TooLarge);
        }
    }
    Ok(out)
}

fn decode(s: &str) -> Result<String, OAuthError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| OAuthError::Malformed)
}

/// The one value of protocol parameter `name` among `params`.
fn one<'a>(params: &'a [(String, String)], name: &'static str) -> Result<&'a str, OAuthError> {
    let mut found = params.iter().filter(|(k, _)| k == name);
    let value = found.next().ok_or(OAuthError::Missing(name))?;
    if found.next().is_some() {
        return Err(OAuthError::Repeated(name));
    }
    if value.1.len() > MAX_PARAM_LEN {
        return Err(OAuthError::TooLarge);
    }
    Ok(&value.1)
}

/// Reads and checks the protocol parameters among all of a request's
/// parameters (header, query and form together).
pub fn credentials(params: &[(String, String)]) -> Result<Credentials, OAuthError> {
    if params.len() > MAX_PARAMS {
        return Err(OAuthError::TooLarge);
    }
    if one(params, "oauth_signature_method")? != "HMAC-SHA1" {
        return Err(OAuthError::Method);
    }
    match one(params, "oauth_version") {
        Ok("1.0") | Err(OAuthError::Missing(_)) => {}
        Ok(_) => return Err(OAuthError::Version),
        Err(e) => return Err(e),
    }
    let timestamp = one(params, "oauth_timestamp")?;
    // Canonical digits only: the signer writes the number back.
    if timestamp.is_empty()
        || timestamp.len() > 12
        || timestamp.starts_with('0')
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(OAuthError::Timestamp);
    }
    Ok(Credentials {
        consumer_key: one(params, "oauth_consumer_key")?.to_owned(),
        token: one(params, "oauth_token")?.to_owned(),
        nonce: one(params, "oauth_nonce")?.to_owned(),
        timestamp: timestamp.parse().map_err(|_| OAuthError::Timestamp)?,
        signature: one(params, "oauth_signature")?.to_owned(),
    })
}

/// The base string URI of a request to `path` on the server at `origin`
/// (`scheme://host[:port]` with an optional path prefix), normalized as
/// RFC 5849 section 3.4.1.2 says. `None` when `origin` is not a URL.
pub fn base_uri(origin: &str, path: &str) -> Option<String> {
    let url = url::Url::parse(origin).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let prefix = url.path().trim_end_matches('/');
    Some(format!("{}://{host}{port}{prefix}{path}", url.scheme()))
}

/// The protocol parameters `oauth1-request` writes itself from its
/// credentials and options; every other parameter is passed to it as sent.
const SIGNED_BY_CRATE: [&str; 7] = [
    "oauth_consumer_key",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_token",
    "oauth_version",
];

/// The request's other parameters, in the order of RFC 5849 section
/// 3.4.1.3.2 (encoded names, then encoded values), fed to the crate's
/// signer with its own `oauth_*` parameters in their places.
struct SortedParams(Vec<(String, String)>);

impl oauth1_request::Request for SortedParams {
    fn serialize<S: oauth1_request::serializer::Serializer>(&self, mut s: S) -> S::Output {
        let mut own = [
            ("oauth_callback", S::serialize_oauth_callback as fn(&mut S)),
            ("oauth_consumer_key", S::serialize_oauth_consumer_key),
            ("oauth_nonce", S::serialize_oauth_nonce),
            (
                "oauth_signature_method",
                S::serialize_oauth_signature_method,
            ),
            ("oauth_timestamp", S::serialize_oauth_timestamp),
            ("oauth_token", S::serialize_oauth_token),
            ("oauth_verifier", S::serialize_oauth_verifier),
            ("oauth_version", S::serialize_oauth_version),
        ]
        .into_iter()
        .peekable();
        for (key, value) in &self.0 {
            while let Some((_, put)) = own.next_if(|(name, _)| *name < key.as_str()) {
                put(&mut s);
            }
            // The crate writes keys into the base string as given (it
            // expects names that need no encoding), so give the name
            // encoded twice, as the base string holds it; the value is
            // given encoded once and the crate encodes it again.
            s.serialize_parameter_encoded(&encode(key), value);
        }
        own.for_each(|(_, put)| put(&mut s));
        s.end()
    }
}

/// The HMAC-SHA1 signature (base64) that `oauth1-request` computes for a
/// request of `method` to `base_uri` with `params` (query, form and
/// protocol parameters; `oauth_signature` and `realm` are left out) under
/// the two secrets, with the request's own key, token, nonce and
/// timestamp, and `oauth_version` if it was sent. `None` when the
/// timestamp is not one the crate can sign (zero).
pub fn signature(
    method: &str,
    base_uri: &str,
    params: &[(String, String)],
    creds: &Credentials,
    consumer_secret: &str,
    token_secret: &str,
) -> Option<String> {
    let timestamp = std::num::NonZeroU64::new(u64::try_from(creds.timestamp).ok()?)?;
    let mut rest: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !SIGNED_BY_CRATE.contains(&k.as_str()))
        .map(|(k, v)| (encode(k), encode(v)))
        .collect();
    rest.sort();
    let mut options = oauth1_request::serializer::auth::Options::new();
    options
        .nonce(creds.nonce.as_str())
        .timestamp(timestamp)
        .version(params.iter().any(|(k, _)| k == "oauth_version"));
    let header = oauth1_request::Request::serialize(
        &SortedParams(rest),
        oauth1_request::serializer::auth::Authorizer::authorization(
            &method.to_ascii_uppercase(),
            base_uri,
            oauth1_request::Credentials::new(creds.consumer_key.as_str(), consumer_secret),
            Some(oauth1_request::Credentials::new(
                creds.token.as_str(),
                token_secret,
            )),
            &options,
            oauth1_request::HMAC_SHA1,
        ),
    );
    // The header ends with `oauth_signature="<percent-encoded base64>"`.
    let (_, quoted) = header.rsplit_once("oauth_signature=\"")?;
    decode(quoted.strip_suffix('"')?).ok()
}

/// Whether the signature the client sent (`creds.signature`) is the one
/// [`signature`] computes for the request, compared in constant time.
pub fn verify(
    method: &str,
    base_uri: &str,
    params: &[(String, String)],
    creds: &Credentials,
    consumer_secret: &str,
    token_secret: &str,
) -> bool {
    let b64 = &base64::engine::general_purpose::STANDARD;
    let Ok(given) = b64.decode(creds.signature.trim()) else {
        return false;
    };
    let Some(expected) = signature(
        method,
        base_uri,
        params,
        creds,
        consumer_secret,
        token_secret,
    )
    .and_then(|s| b64.decode(s).ok()) else {
        return false;
    };
    subtle::ConstantTimeEq::ct_eq(given.as_slice(), expected.as_slice()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// HMAC-SHA1 of a base string written out by hand, base64: what the
    /// crate's signature must equal.
    fn hmac_sha1(key: &str, base: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).expect("any key");
        mac.update(base.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    /// The example of RFC 5849 section 1.2 (a photo request, signed with
    /// the token credentials).
    #[test]
    fn rfc_5849_section_1_2_example_verifies() {
        let header = r#"OAuth realm="Photos",
            oauth_consumer_key="dpf43f3p2l4k3l03",
            oauth_token="nnch734d00sl2jdk",
            oauth_signature_method="HMAC-SHA1",
            oauth_timestamp="137131202",
            oauth_nonce="chapoH",
            oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#;
        let mut params = header_params(header)
            .expect("an OAuth header")
            .expect("well formed");
        params.extend(pairs(&[("file", "vacation.jpg"), ("size", "original")]));
        let c = credentials(&params).expect("credentials");
        assert_eq!(c.consumer_key, "dpf43f3p2l4k3l03");
        assert_eq!(c.timestamp, 137_131_202);
        let uri = base_uri("http://photos.example.net", "/photos").expect("uri");
        let (cs, ts) = ("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        assert_eq!(
            signature("GET", &uri, &params, &c, cs, ts).as_deref(),
            Some("MdpQcU8iPSUjWoN/UDMsK2sui9I=")
        );
        assert!(verify("GET", &uri, &params, &c, cs, ts));
        assert!(!verify("GET", &uri, &params, &c, cs, "wrong"));
        assert!(!verify("POST", &uri, &params, &c, cs, ts));
        params.push(("size".into(), "small".into()));
        assert!(!verify("GET", &uri, &params, &c, cs, ts));
        params.pop();
        let bad = Credentials {
            signature: "not base64!".into(),
            ..c.clone()
        };
        assert!(!verify("GET", &uri, &params, &bad, cs, ts));
        // `oauth_version` is signed when it was sent.
        params.push(("oauth_version".into(), "1.0".into()));
        assert!(!verify("GET", &uri, &params, &c, cs, ts));
    }

    /// The example of RFC 5849 section 3.4.1: repeated names, an empty
    /// value, names and values that need encoding, `oauth_version` absent.
    /// The RFC gives its base string; the signature must be the HMAC of it.
    #[test]
    fn rfc_5849_section_3_4_1_base_string_is_signed() {
        let mut params = pairs(&[
            ("b5", "=%3D"),
            ("a3", "a"),
            ("c@", ""),
            ("a2", "r b"),
            ("c2", ""),
            ("a3", "2 q"),
        ]);
        params.extend(pairs(&[
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("oauth_signature", "bYT5CMsGcbgUdFHObYMEfcx6bsw="),
        ]));
        let base = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
                    %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key\
                    %3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method\
                    %3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";
        let c = credentials(&params).expect("credentials");
        let uri = base_uri("HTTP://Example.com:80", "/request").expect("uri");
        assert_eq!(uri, "http://example.com/request");
        assert_eq!(
            signature("post", &uri, &params, &c, "cs &", "ts~").as_deref(),
            Some(hmac_sha1("cs%20%26&ts~", base).as_str())
        );
    }

    #[test]
    fn base_uri_drops_default_ports_and_keeps_others() {
        assert_eq!(
            base_uri("HTTPS://Bukuma.Example:443", "/rest/1/my").as_deref(),
            Some("https://bukuma.example/rest/1/my")
        );
        assert_eq!(
            base_uri("http://h.example:8080/prefix", "/rest/1/my").as_deref(),
            Some("http://h.example:8080/prefix/rest/1/my")
        );
    }

    #[test]
    fn other_schemes_and_bad_parameters_are_told_apart() {
        assert!(header_params("Bearer bkm_x").is_none());
        assert_eq!(
            header_params("OAuth oauth_nonce=unquoted"),
            Some(Err(OAuthError::Malformed))
        );
        let mut p = pairs(&[
            ("oauth_consumer_key", "k"),
            ("oauth_token", "t"),
            ("oauth_nonce", "n"),
            ("oauth_timestamp", "1"),
            ("oauth_signature", "s"),
            ("oauth_signature_method", "PLAINTEXT"),
        ]);
        assert_eq!(credentials(&p), Err(OAuthError::Method));
        p[5].1 = "HMAC-SHA1".into();
        for bad in ["-1", "01", ""] {
            p[3].1 = bad.into();
            assert_eq!(credentials(&p), Err(OAuthError::Timestamp));
        }
        p[3].1 = "1".into();
        p.push(("oauth_nonce".into(), "again".into()));
        assert_eq!(credentials(&p), Err(OAuthError::Repeated("oauth_nonce")));
    }
}
