//! OAuth 1.0a request signatures (RFC 5849, HMAC-SHA1), as the
//! Hatena-compatible REST API's clients sign their requests: the protocol
//! parameters of a request, its signature base string, and the check of a
//! signature against the secrets of the app that claims to have made it.
//!
//! No maintained crate verifies OAuth 1.0a signatures on the server side
//! (those on crates.io sign client requests), so this is `hmac` + `sha1`
//! over the base string of RFC 5849 section 3.4.1.

use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

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
    if timestamp.is_empty()
        || timestamp.len() > 12
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

/// The signature base string of RFC 5849 section 3.4.1: the method, the
/// base string URI (`scheme://host[:port]/path`, lower-case scheme and
/// host, no default port, no query) and every parameter but
/// `oauth_signature`, encoded, sorted and joined.
pub fn base_string(method: &str, base_uri: &str, params: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "oauth_signature")
        .map(|(k, v)| (encode(k), encode(v)))
        .collect();
    pairs.sort();
    let normalized = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(base_uri),
        encode(&normalized)
    )
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

type HmacSha1 = Hmac<Sha1>;

fn mac(consumer_secret: &str, token_secret: &str, base: &str) -> HmacSha1 {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let mut mac =
        <HmacSha1 as Mac>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(base.as_bytes());
    mac
}

/// The HMAC-SHA1 signature of `base`, base64 (RFC 5849 section 3.4.2).
pub fn sign(consumer_secret: &str, token_secret: &str, base: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(
        mac(consumer_secret, token_secret, base)
            .finalize()
            .into_bytes(),
    )
}

/// Whether `signature` (base64) signs `base` under the two secrets,
/// compared in constant time.
pub fn verify(consumer_secret: &str, token_secret: &str, base: &str, signature: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    mac(consumer_secret, token_secret, base)
        .verify_slice(&given)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
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
        let base = base_string("GET", &uri, &params);
        assert_eq!(
            base,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
             oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26\
             oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26\
             oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
        );
        assert_eq!(
            sign("kd94hf93k423kf44", "pfkkdhi9sl3r4s00", &base),
            "MdpQcU8iPSUjWoN/UDMsK2sui9I="
        );
        assert!(verify(
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            &base,
            &c.signature
        ));
        assert!(!verify("kd94hf93k423kf44", "wrong", &base, &c.signature));
        assert!(!verify(
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            &base,
            "not base64!"
        ));
    }

    /// RFC 5849 section 3.4.1.3.2: encoded names and values sorted, repeated
    /// names kept, an empty value kept.
    #[test]
    fn parameters_are_encoded_then_sorted() {
        let base = base_string(
            "post",
            "https://h.example/x",
            &pairs(&[
                ("b", "2 q"),
                ("a", "3"),
                ("a", "1"),
                ("c", ""),
                ("a2", "~*"),
            ]),
        );
        assert_eq!(
            base,
            "POST&https%3A%2F%2Fh.example%2Fx&a%3D1%26a%3D3%26a2%3D~%252A%26b%3D2%2520q%26c%3D"
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
        p[3].1 = "-1".into();
        assert_eq!(credentials(&p), Err(OAuthError::Timestamp));
        p[3].1 = "1".into();
        p.push(("oauth_nonce".into(), "again".into()));
        assert_eq!(credentials(&p), Err(OAuthError::Repeated("oauth_nonce")));
    }
}
