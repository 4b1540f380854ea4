//! Credentials: password hashes, access tokens (JWT), refresh and API token
//! secrets, and the extractor that turns a request's `Authorization` header
//! into a [`Viewer`].

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm as Argon2Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use bukuma_domain::Scope;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// Prefix of personal API tokens, so they are told apart from JWTs at a glance.
pub const API_TOKEN_PREFIX: &str = "bkm_";
/// Prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "bkr_";
/// Longest `Authorization` value considered.
const MAX_CREDENTIAL_LEN: usize = 2048;

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
    typ: String,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn issue(&self, user_id: i64, ttl_secs: i64) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iat: now,
            exp: now + ttl_secs,
            typ: "access".into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("signing token: {e}")))
    }

    /// The user id of a valid, unexpired access token.
    pub fn verify(&self, token: &str) -> Result<i64, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    ApiError::Unauthorized("access token expired".into())
                }
                _ => ApiError::Unauthorized("invalid access token".into()),
            })?;
        if data.claims.typ != "access" {
            return Err(ApiError::Unauthorized("invalid access token".into()));
        }
        data.claims
            .sub
            .parse()
            .map_err(|_| ApiError::Unauthorized("invalid access token".into()))
    }
}

/// A new random secret with `prefix`, 256 bits of entropy.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// How token secrets are stored: SHA-256, hex. (They are random, so a slow hash adds nothing.)
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Threads that run password hashing (argon2 takes 19 MiB and most of a core
/// per hash).
const PASSWORD_THREADS: usize = 2;

type PasswordJob = Box<dyn FnOnce() + Send>;

fn password_threads() -> &'static std::sync::mpsc::Sender<PasswordJob> {
    static POOL: std::sync::OnceLock<std::sync::mpsc::Sender<PasswordJob>> =
        std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<PasswordJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..PASSWORD_THREADS {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || loop {
                    let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("cannot start a password hashing thread");
        }
        tx
    })
}

/// Runs password hashing or verification on a small dedicated pool instead of
/// actix's blocking pool. On the blocking pool every thread that ever hashed
/// keeps argon2's 19 MiB in its malloc arena: 100 logins grew the server to
/// 730 MB. Two threads bound that to ~40 MB and keep a burst of logins from
/// crowding out database work.
pub async fn on_password_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: PasswordJob = Box::new(move || {
        // A panic drops `tx`, which the caller sees as an error; the thread lives on.
        if let Ok(out) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            let _ = tx.send(out);
        }
    });
    password_threads()
        .send(job)
        .map_err(|_| ApiError::Internal("password threads are gone".into()))?;
    rx.await
        .map_err(|_| ApiError::Internal("password hashing failed".into()))
}

/// Most argon2 memory a stored hash may ask for (ours ask for 19 MiB).
const MAX_ARGON2_BLOCKS: usize = 256 * 1024;

thread_local! {
    /// argon2's working memory, kept by each thread for its next hash. A
    /// fresh 19 MiB per hash, once freed, raises glibc's mmap threshold, and
    /// the next ones stay in malloc arenas: 8 logins grew the server by
    /// 160 MB. Kept here, it is allocated once per password thread.
    static ARGON2_MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// argon2 of `password` and `salt` into `out`, in this thread's kept memory.
fn argon2_into(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let blocks = params.block_count();
    if blocks > MAX_ARGON2_BLOCKS {
        return Err(argon2::Error::MemoryTooMuch);
    }
    ARGON2_MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })
}

/// argon2id with a random salt, as a PHC string. CPU-heavy: call through
/// [`on_password_thread`].
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("hashing password: {e}"));
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt_string = SaltString::encode_b64(&salt).map_err(|e| fail(&e))?;
    let params = Params::default();
    let argon = Argon2::new(Argon2Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon, &params, password.as_bytes(), &salt, &mut out).map_err(|e| fail(&e))?;
    let hash = PasswordHash {
        algorithm: Argon2Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt_string.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(hash.to_string())
}

/// Checks a password against a stored PHC hash. CPU-heavy: call through
/// [`on_password_thread`].
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Argon2Algorithm::try_from(hash.algorithm),
        Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    // `Output`'s equality is constant-time.
    argon2_into(&argon, &params, password.as_bytes(), salt, &mut out).is_ok()
        && Output::new(&out).is_ok_and(|o| o == expected)
}

/// A hash of a password nobody has, checked when the user does not exist so
/// that failed logins take the same time either way.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// Who is calling: an authenticated user with a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub scope: Scope,
}

/// The caller of a request, if they presented credentials. Bad credentials
/// are rejected (401) even where anonymous access would be allowed, so every
/// API handler takes a `Viewer`, also those that do not use it.
#[derive(Debug, Clone, Copy)]
pub struct Viewer(pub Option<Principal>);

impl Viewer {
    pub fn user_id(&self) -> Option<i64> {
        self.0.map(|p| p.user_id)
    }

    /// The caller, who must be authenticated.
    pub fn require(&self) -> Result<Principal, ApiError> {
        self.0
            .ok_or_else(|| ApiError::Unauthorized("sign in or send a Bearer token".into()))
    }

    /// The caller, who must be authenticated with a token that may write.
    pub fn require_write(&self) -> Result<Principal, ApiError> {
        let p = self.require()?;
        if p.scope.can_write() {
            Ok(p)
        } else {
            Err(ApiError::Forbidden("this token is read-only".into()))
        }
    }
}

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Viewer, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let credential = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let viewer = Self::resolve(credential, state).await?;
            // For `note_writers`.
            if let Some(p) = viewer.0 {
                req.extensions_mut().insert(p);
            }
            Ok(viewer)
        })
    }
}

impl Viewer {
    /// The caller the credential names, if any.
    async fn resolve(
        credential: Result<Option<String>, ApiError>,
        state: Option<web::Data<AppState>>,
    ) -> Result<Viewer, ApiError> {
        let Some(token) = credential? else {
            return Ok(Viewer(None));
        };
        let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
        if token.starts_with(API_TOKEN_PREFIX) {
            let hash = hash_secret(&token);
            let db = state.db.clone();
            let found = web::block(move || {
                let t = db.read(|c| bukuma_db::tokens::find_api_token(c, &hash))?;
                let now = bukuma_db::now_micros();
                if let Some(t) = t
                    .as_ref()
                    .filter(|t| bukuma_db::tokens::needs_touch(t, now))
                {
                    db.write(|c| bukuma_db::tokens::touch_api_token(c, t.id, now))?;
                }
                Ok::<_, bukuma_db::DbError>(t)
            })
            .await??;
            let t = found.ok_or_else(|| ApiError::Unauthorized("invalid API token".into()))?;
            let scope = Scope::from_db(&t.scope).unwrap_or(Scope::Read);
            Ok(Viewer(Some(Principal {
                user_id: t.user_id,
                scope,
            })))
        } else {
            let user_id = state.jwt.verify(&token)?;
            Ok(Viewer(Some(Principal {
                user_id,
                scope: Scope::Write,
            })))
        }
    }
}

/// Middleware: after a request that may write (any method but `GET`,
/// `HEAD`, `OPTIONS` and `TRACE`) by a signed-in caller, tells the read cache
/// that they wrote, so their next reads see what they wrote.
pub async fn note_writers<B>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error>
where
    B: MessageBody,
{
    let writes = !req.method().is_safe();
    let res = next.call(req).await?;
    if writes {
        let writer = res
            .request()
            .extensions()
            .get::<Principal>()
            .map(|p| p.user_id);
        if let (Some(id), Some(state)) = (writer, res.request().app_data::<web::Data<AppState>>()) {
            state.reads.wrote(id).await;
        }
    }
    Ok(res)
}

/// The Bearer credential of a request: `Ok(None)` without an `Authorization`
/// header, an error when it is present but malformed.
fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::Unauthorized("malformed Authorization header; expected `Bearer <token>`".into())
    };
    let value = value.to_str().map_err(|_| bad())?;
    if value.len() > MAX_CREDENTIAL_LEN {
        return Err(bad());
    }
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(bad)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(bad());
    }
    Ok(Some(token.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn passwords_verify_against_their_own_hash_only() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horse!", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn hashes_are_interchangeable_with_the_argon2_crates_own() {
        let salt = SaltString::encode_b64(b"sixteen byte salt").expect("salt");
        let theirs = Argon2::default()
            .hash_password(b"pw", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_password("pw", &theirs));
        assert!(!verify_password("pW", &theirs));
        let ours = hash_password("pw").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("PHC string");
        assert!(Argon2::default().verify_password(b"pw", &parsed).is_ok());
    }
}
