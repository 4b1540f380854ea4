//! Short-lived access tokens: HS256 JWTs naming a user.

use bukuma_domain::UserId;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

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
    /// The user's session generation when issued: tokens of an older one
    /// stopped working (a password change, "sign out everywhere").
    #[serde(default)]
    gen: i64,
    /// The refresh-token family (session) the token belongs to, so that a
    /// password change can keep the session that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
}

/// What a valid access token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    pub user_id: UserId,
    pub gen: i64,
    pub session: Option<String>,
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

    /// An access token for `user_id` of session generation `gen`, in the
    /// session (refresh-token family) `session`.
    pub fn issue(
        &self,
        user_id: UserId,
        gen: i64,
        session: Option<&str>,
        ttl_secs: i64,
    ) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iat: now,
            exp: now + ttl_secs,
            typ: "access".into(),
            gen,
            sid: session.map(str::to_owned),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("signing token: {e}")))
    }

    /// The user id of a valid, unexpired access token.
    pub fn verify(&self, token: &str) -> Result<UserId, ApiError> {
        self.verify_claims(token).map(|c| c.user_id)
    }

    /// What a valid, unexpired access token says.
    pub fn verify_claims(&self, token: &str) -> Result<AccessClaims, ApiError> {
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
        let user_id = data
            .claims
            .sub
            .parse()
            .map(UserId)
            .map_err(|_| ApiError::Unauthorized("invalid access token".into()))?;
        Ok(AccessClaims {
            user_id,
            gen: data.claims.gen,
            session: data.claims.sid,
        })
    }
}
