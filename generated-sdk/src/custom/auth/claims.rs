//! What a verified token says: the standard claims typed, the rest in a map.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::error::AuthError;

/// The claims of a verified session token.
///
/// The claims Clerk documents are typed; every other claim is kept in
/// [`other`](Claims::other), so a claim Clerk adds never breaks decoding.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Claims {
    /// The user (`user_…`) the token was issued to.
    pub sub: String,
    /// The session's id (`sess_…`).
    pub sid: Option<String>,
    /// The authorized party: the origin the token was issued for.
    pub azp: Option<String>,
    /// The issuer: the instance's Frontend API URL.
    pub iss: Option<String>,
    /// The audiences (`aud`, a string or an array in the token); empty when absent.
    pub aud: Vec<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: i64,
    /// Not before, in seconds since the Unix epoch.
    pub nbf: Option<i64>,
    /// Issued at, in seconds since the Unix epoch.
    pub iat: Option<i64>,
    /// The active organization's id (`org_…`): v1's `org_id`, or v2's `o.id`.
    pub org_id: Option<String>,
    /// The user's role in the active organization (v1's `org_role`; a v2
    /// token's is `o.rol` in [`other`](Claims::other)).
    pub org_role: Option<String>,
    /// The active organization's slug: v1's `org_slug`, or v2's `o.slg`.
    pub org_slug: Option<String>,
    /// The user's permissions in the active organization.
    pub org_permissions: Option<Vec<String>>,
    /// The actor, when someone acts on the user's behalf (impersonation).
    pub act: Option<Actor>,
    /// Every other claim, by name.
    pub other: Map<String, Value>,
}

/// The `act` claim: who acts on the user's behalf.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Actor {
    /// The acting user.
    #[serde(default)]
    pub sub: Option<String>,
    /// The actor's other claims.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A verified machine token.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MachineToken {
    /// The token's id (`mt_…`): Clerk's for an opaque token, the `jti` claim
    /// of a JWT (`None` when the JWT has none).
    pub id: Option<String>,
    /// The machine (`mch_…`) the token was issued to.
    pub subject: String,
    /// The machines it may call.
    pub scopes: Vec<String>,
    /// Custom claims: for an opaque token, those Clerk keeps with it; for a
    /// JWT, every claim but `jti`, `scopes` and those [`Claims`] types
    /// (`sub`, `iss`, `aud`, the times, ...).
    pub claims: Map<String, Value>,
    /// Expiry, in seconds since the Unix epoch, when known.
    pub exp: Option<i64>,
}

/// Claims as they arrive, before the rules about them are applied.
#[derive(Deserialize)]
pub(super) struct WireClaims {
    sub: Option<String>,
    sid: Option<String>,
    azp: Option<String>,
    iss: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    aud: Vec<String>,
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    org_id: Option<String>,
    org_role: Option<String>,
    org_slug: Option<String>,
    org_permissions: Option<Vec<String>>,
    act: Option<Actor>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

/// A string or an array of strings, as `aud` and `scopes` may be.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(one)) => vec![one],
        Some(OneOrMany::Many(many)) => many,
    })
}

/// The prefix of a machine's id, the `sub` of its tokens.
pub(super) const MACHINE_PREFIX: &str = "mch_";

impl WireClaims {
    pub(super) fn exp(&self) -> Option<i64> {
        self.exp
    }
    pub(super) fn nbf(&self) -> Option<i64> {
        self.nbf
    }
    pub(super) fn iat(&self) -> Option<i64> {
        self.iat
    }
    pub(super) fn sub(&self) -> Option<&str> {
        self.sub.as_deref().filter(|sub| !sub.is_empty())
    }
    pub(super) fn azp(&self) -> Option<&str> {
        self.azp.as_deref()
    }
    pub(super) fn aud(&self) -> &[String] {
        &self.aud
    }

    /// Whether the subject is a machine.
    pub(super) fn is_machine(&self) -> bool {
        self.sub()
            .is_some_and(|sub| sub.starts_with(MACHINE_PREFIX))
    }

    /// The session's claims; `sub` and `exp` were checked present.
    pub(super) fn into_session(self) -> Result<Claims, AuthError> {
        // Version 2 tokens nest the active organization under `o`; its id
        // and slug mean what v1's `org_id` and `org_slug` did. (`o.rol` lacks
        // v1's `org:` prefix and the permissions are a bitmask over `fea`,
        // so those stay in `other["o"]` as Clerk sent them.)
        let organization = self.other.get("o").and_then(Value::as_object);
        let from_o = |key: &str| {
            organization
                .and_then(|o| o.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let org_id = self.org_id.or_else(|| from_o("id"));
        let org_slug = self.org_slug.or_else(|| from_o("slg"));
        Ok(Claims {
            sub: self.sub.ok_or(AuthError::MissingClaim("sub"))?,
            exp: self.exp.ok_or(AuthError::MissingClaim("exp"))?,
            sid: self.sid,
            azp: self.azp,
            iss: self.iss,
            aud: self.aud,
            nbf: self.nbf,
            iat: self.iat,
            org_id,
            org_role: self.org_role,
            org_slug,
            org_permissions: self.org_permissions,
            act: self.act,
            other: self.other,
        })
    }

    /// The machine token a verified M2M JWT is.
    pub(super) fn into_machine(mut self) -> Result<MachineToken, AuthError> {
        let id = match self.other.remove("jti") {
            None | Some(Value::Null) => None,
            Some(Value::String(jti)) => Some(jti),
            Some(_) => return Err(AuthError::Malformed("`jti` is not a string")),
        };
        let scopes = match self.other.remove("scopes") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(scopes)) => scopes.split_whitespace().map(str::to_owned).collect(),
            Some(value) => serde_json::from_value(value)
                .map_err(|_| AuthError::Malformed("`scopes` is not a string or strings"))?,
        };
        Ok(MachineToken {
            id,
            subject: self.sub.ok_or(AuthError::MissingClaim("sub"))?,
            scopes,
            claims: self.other,
            exp: self.exp,
        })
    }
}
