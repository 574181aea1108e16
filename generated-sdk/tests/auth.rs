//! `auth` (feature `auth`): the rules a session token or an M2M JWT must
//! meet, verified offline with the PEM key (a server that fails the test if
//! it is called stands for the API), and where a request's token is read.
#![cfg(feature = "auth")]

mod auth_support;

use std::time::Duration;

use auth_support::*;
use clerk_backend_api::Clerk;
use clerk_backend_api::auth::{AuthError, Authenticated, Claims, TokenKind, VerifyOptions};
use clerk_backend_api::reqwest::header::HeaderMap;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client whose API must not be called (checked when the server drops).
async fn offline() -> (MockServer, Clerk) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let clerk = Clerk::builder()
        .bearer_auth("sk_test_auth")
        .server_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid test configuration");
    (server, clerk)
}

fn pem_a() -> VerifyOptions {
    VerifyOptions::new().jwt_key(public_a())
}

async fn verify(token: &str, options: &VerifyOptions) -> Result<Claims, AuthError> {
    let (_server, clerk) = offline().await;
    clerk.verify_token(token, options).await
}

fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    headers
}

fn with(claims: &mut Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims.clone()
}

fn without(name: &str) -> Value {
    let mut claims = session_claims();
    claims.as_object_mut().unwrap().remove(name);
    claims
}

#[tokio::test]
async fn a_session_token_verifies_offline_with_the_pem_key_and_keeps_every_claim() {
    let claims = verify(&token_a(&session_claims()), &pem_a())
        .await
        .expect("a valid token");
    assert_eq!(claims.sub, "user_2abc");
    assert_eq!(claims.sid.as_deref(), Some("sess_2abc"));
    assert_eq!(claims.azp.as_deref(), Some("https://app.example.com"));
    assert_eq!(claims.iss.as_deref(), Some("https://clerk.example.com"));
    assert_eq!(claims.org_id.as_deref(), Some("org_1"));
    assert_eq!(claims.org_role.as_deref(), Some("org:admin"));
    assert_eq!(claims.org_slug.as_deref(), Some("acme"));
    assert_eq!(
        claims.org_permissions,
        Some(vec!["org:sys_memberships:read".to_owned()])
    );
    assert_eq!(
        claims.act.as_ref().and_then(|act| act.sub.as_deref()),
        Some("user_support")
    );
    assert!(claims.exp > now());
    // Claims the type does not know are kept, not refused.
    assert_eq!(claims.other.get("fea"), Some(&json!("u:search")));
    assert_eq!(claims.other.get("v"), Some(&json!(2)));
    assert!(!claims.other.contains_key("sub"));
}

#[tokio::test]
async fn a_v2_token_names_its_organization_in_o() {
    let mut claims = session_claims();
    for v1 in ["org_id", "org_role", "org_slug", "org_permissions"] {
        claims.as_object_mut().unwrap().remove(v1);
    }
    let organization = json!({ "id": "org_2", "rol": "admin", "slg": "beta", "per": "read" });
    let token = token_a(&with(&mut claims, "o", organization.clone()));
    let claims = verify(&token, &pem_a()).await.expect("a valid token");
    assert_eq!(claims.org_id.as_deref(), Some("org_2"));
    assert_eq!(claims.org_slug.as_deref(), Some("beta"));
    assert_eq!(claims.org_role, None);
    assert_eq!(claims.other.get("o"), Some(&organization));
}

#[tokio::test]
async fn the_pem_key_may_come_without_its_armour() {
    let body: String = public_a()
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let options = VerifyOptions::new().jwt_key(body);
    assert!(verify(&token_a(&session_claims()), &options).await.is_ok());
}

#[tokio::test]
async fn rs384_and_rs512_are_accepted() {
    for algorithm in [Algorithm::RS384, Algorithm::RS512] {
        let token = sign(&session_claims(), private_a(), algorithm, None);
        assert!(verify(&token, &pem_a()).await.is_ok(), "{algorithm:?}");
    }
}

#[tokio::test]
async fn alg_none_is_refused_before_any_key_is_used() {
    let token = raw_token(
        &json!({ "alg": "none", "typ": "JWT" }),
        &session_claims(),
        "",
    );
    // With the JWKS (the offline server fails the test if a key is fetched)
    // and with the PEM key.
    for options in [VerifyOptions::new(), pem_a()] {
        assert_eq!(
            verify(&token, &options).await,
            Err(AuthError::UnsupportedAlgorithm("none".into()))
        );
    }
}

#[tokio::test]
async fn an_hs256_token_signed_with_the_public_key_is_refused() {
    let key = EncodingKey::from_secret(public_a().as_bytes());
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &session_claims(), &key)
        .expect("the token signs");
    for options in [VerifyOptions::new(), pem_a()] {
        assert_eq!(
            verify(&token, &options).await,
            Err(AuthError::UnsupportedAlgorithm("HS256".into()))
        );
    }
}

#[tokio::test]
async fn every_other_algorithm_is_refused() {
    for alg in ["HS512", "ES256", "PS256", "EdDSA", "RS1", "rs256", ""] {
        let token = raw_token(&json!({ "alg": alg }), &session_claims(), "c2ln");
        assert_eq!(
            verify(&token, &pem_a()).await,
            Err(AuthError::UnsupportedAlgorithm(alg.into())),
            "{alg}"
        );
    }
}

#[tokio::test]
async fn typ_when_present_is_jwt() {
    let claims = session_claims();
    let key = EncodingKey::from_rsa_pem(private_a().as_bytes()).unwrap();
    let typed = |typ: Option<&str>| {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = typ.map(str::to_owned);
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    assert!(verify(&typed(None), &pem_a()).await.is_ok());
    assert!(verify(&typed(Some("JWT")), &pem_a()).await.is_ok());
    assert_eq!(
        verify(&typed(Some("at+jwt")), &pem_a()).await,
        Err(AuthError::WrongType)
    );
}

#[tokio::test]
async fn the_signature_is_checked_before_any_claim() {
    // Expired, unauthorized and subject-less, but signed by instance B: the
    // signature fails first.
    let claims = json!({ "exp": now() - 3600, "azp": "https://evil.example" });
    let token = sign(&claims, private_b(), Algorithm::RS256, Some(KID_A));
    let options = pem_a().authorized_parties(["https://app.example.com"]);
    assert_eq!(verify(&token, &options).await, Err(AuthError::BadSignature));
    // A valid token whose payload was swapped after signing.
    let signed = token_a(&session_claims());
    let forged = token_a(&with(&mut session_claims(), "sub", json!("user_admin")));
    let mut parts: Vec<&str> = signed.split('.').collect();
    parts[1] = forged.split('.').nth(1).unwrap();
    assert_eq!(
        verify(&parts.join("."), &pem_a()).await,
        Err(AuthError::BadSignature)
    );
}

#[tokio::test]
async fn exp_nbf_and_iat_allow_the_clock_skew_and_no_more() {
    let now = now();
    let skew = VerifyOptions::new()
        .jwt_key(public_a())
        .clock_skew(Duration::from_secs(120));
    let exact = pem_a().clock_skew(Duration::ZERO);
    let mut claims = session_claims();
    let expired = token_a(&with(&mut claims, "exp", json!(now - 60)));
    assert!(verify(&expired, &skew).await.is_ok());
    assert_eq!(
        verify(&expired, &exact).await,
        Err(AuthError::Expired(now - 60))
    );
    let mut claims = session_claims();
    let early = token_a(&with(&mut claims, "nbf", json!(now + 60)));
    assert!(verify(&early, &skew).await.is_ok());
    assert_eq!(
        verify(&early, &exact).await,
        Err(AuthError::NotYetValid(now + 60))
    );
    let mut claims = session_claims();
    let future = token_a(&with(&mut claims, "iat", json!(now + 60)));
    assert!(verify(&future, &skew).await.is_ok());
    assert_eq!(
        verify(&future, &exact).await,
        Err(AuthError::IssuedInFuture(now + 60))
    );
    // The default skew is 5 seconds: a minute late is refused.
    assert_eq!(
        verify(&expired, &pem_a()).await,
        Err(AuthError::Expired(now - 60))
    );
}

#[tokio::test]
async fn exp_and_sub_must_be_present() {
    assert_eq!(
        verify(&token_a(&without("exp")), &pem_a()).await,
        Err(AuthError::MissingClaim("exp"))
    );
    assert_eq!(
        verify(&token_a(&without("sub")), &pem_a()).await,
        Err(AuthError::MissingClaim("sub"))
    );
    let mut claims = session_claims();
    assert_eq!(
        verify(&token_a(&with(&mut claims, "sub", json!(""))), &pem_a()).await,
        Err(AuthError::MissingClaim("sub"))
    );
}

#[tokio::test]
async fn azp_must_be_listed_when_authorized_parties_are_set() {
    let parties = pem_a().authorized_parties(["https://other.example", "https://app.example.com"]);
    assert!(verify(&token_a(&session_claims()), &parties).await.is_ok());
    assert_eq!(
        verify(&token_a(&without("azp")), &parties).await,
        Err(AuthError::UnauthorizedParty(None))
    );
    let mut claims = session_claims();
    let evil = token_a(&with(&mut claims, "azp", json!("https://evil.example")));
    assert_eq!(
        verify(&evil, &parties).await,
        Err(AuthError::UnauthorizedParty(Some(
            "https://evil.example".into()
        )))
    );
    // Unset, any azp (or none) passes.
    assert!(verify(&evil, &pem_a()).await.is_ok());
    assert!(verify(&token_a(&without("azp")), &pem_a()).await.is_ok());
}

#[tokio::test]
async fn aud_must_match_when_an_audience_is_set() {
    let audience = pem_a().audience(vec!["api".to_owned(), "web".to_owned()]);
    let mut claims = session_claims();
    let one = token_a(&with(&mut claims, "aud", json!("web")));
    let many = token_a(&with(&mut claims, "aud", json!(["other", "api"])));
    let wrong = token_a(&with(&mut claims, "aud", json!(["other"])));
    assert!(verify(&one, &audience).await.is_ok());
    let claims = verify(&many, &audience)
        .await
        .expect("one of the audiences");
    assert_eq!(claims.aud, ["other", "api"]);
    assert_eq!(
        verify(&wrong, &audience).await,
        Err(AuthError::WrongAudience)
    );
    assert_eq!(
        verify(&token_a(&session_claims()), &audience).await,
        Err(AuthError::WrongAudience)
    );
    assert!(verify(&wrong, &pem_a()).await.is_ok());
}

#[tokio::test]
async fn malformed_tokens_say_which_part_is_wrong() {
    let cases = [
        ("a.b", "not three dot-separated segments"),
        ("a.b.c.d", "not three dot-separated segments"),
        ("!!.e30.c2ln", "the header is not base64url"),
        ("e30.e30.c2ln", "the header is not a JSON object with `alg`"),
    ];
    for (token, reason) in cases {
        assert_eq!(
            verify(token, &pem_a()).await,
            Err(AuthError::Malformed(reason)),
            "{token}"
        );
    }
    // Signed, but the payload is not claims.
    let key = EncodingKey::from_rsa_pem(private_a().as_bytes()).unwrap();
    let signed =
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &json!(["list"]), &key).unwrap();
    assert_eq!(
        verify(&signed, &pem_a()).await,
        Err(AuthError::Malformed(
            "the payload is not a JSON object of claims"
        ))
    );
    let huge = "a".repeat(17 * 1024);
    assert_eq!(
        verify(&huge, &pem_a()).await,
        Err(AuthError::Malformed("longer than 16 KiB"))
    );
}

#[tokio::test]
async fn a_key_that_is_not_an_rsa_public_key_fails_each_verification() {
    let options = VerifyOptions::new().jwt_key("not a key");
    assert_eq!(
        verify(&token_a(&session_claims()), &options).await,
        Err(AuthError::InvalidKey)
    );
    // Debug names the key's source, never the key.
    let debug = format!("{:?}", pem_a());
    assert!(debug.contains("PEM") && !debug.contains("MIIB"), "{debug}");
}

#[tokio::test]
async fn an_m2m_jwt_is_a_machine_never_a_session() {
    let (_server, clerk) = offline().await;
    let token = token_a(&machine_claims());
    let parties = pem_a().authorized_parties(["https://app.example.com"]);
    let Ok(Authenticated::Machine(machine)) =
        clerk.authenticate_request(&bearer(&token), &parties).await
    else {
        panic!("an M2M JWT authenticates a machine");
    };
    assert_eq!(machine.id.as_deref(), Some("mt_2xyz"));
    assert_eq!(machine.subject, "mch_2xyz");
    assert_eq!(machine.scopes, ["mch_2abc", "mch_2def"]);
    assert_eq!(machine.claims.get("tier"), Some(&json!("gold")));
    assert_eq!(
        clerk.verify_token(&token, &pem_a()).await,
        Err(AuthError::WrongTokenKind {
            expected: TokenKind::Session,
            found: TokenKind::Machine
        })
    );
    // The same rules: expired is expired.
    let mut claims = machine_claims();
    let expired = token_a(&with(&mut claims, "exp", json!(now() - 3600)));
    assert!(matches!(
        clerk
            .authenticate_request(&bearer(&expired), &pem_a())
            .await,
        Err(AuthError::Expired(_))
    ));
    // A session token is a session.
    assert!(matches!(
        clerk
            .authenticate_request(&bearer(&token_a(&session_claims())), &pem_a())
            .await,
        Ok(Authenticated::Session(_))
    ));
}

#[tokio::test]
async fn an_opaque_machine_token_is_never_a_session() {
    assert_eq!(
        verify("mt_0123456789abcdef", &pem_a()).await,
        Err(AuthError::WrongTokenKind {
            expected: TokenKind::Session,
            found: TokenKind::Machine
        })
    );
}

/// Headers with these (name, value) pairs, in order.
fn read(pairs: &[(&'static str, String)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(*name, value.parse().unwrap());
    }
    headers
}

#[tokio::test]
async fn the_token_comes_from_the_bearer_header_or_the_session_cookie() {
    let (_server, clerk) = offline().await;
    let session = token_a(&session_claims());
    let accepted = [
        read(&[("authorization", format!("Bearer {session}"))]),
        read(&[("authorization", format!("bearer  {session} "))]),
        read(&[("cookie", format!("__session={session}"))]),
        read(&[(
            "cookie",
            format!("theme=dark; __session=\"{session}\"; lang=en"),
        )]),
        read(&[
            ("cookie", "theme=dark".into()),
            ("cookie", format!("__session={session}")),
        ]),
        // A non-bearer header gives way to the cookie.
        read(&[
            ("authorization", "Basic dXNlcg==".into()),
            ("cookie", format!("__session={session}")),
        ]),
    ];
    for headers in accepted {
        let result = clerk.authenticate_request(&headers, &pem_a()).await;
        assert!(
            matches!(result, Ok(Authenticated::Session(_))),
            "{headers:?}: {result:?}"
        );
    }
    // The header wins over the cookie.
    let headers = read(&[
        ("authorization", format!("Bearer {session}")),
        ("cookie", "__session=garbage".into()),
    ]);
    assert!(clerk.authenticate_request(&headers, &pem_a()).await.is_ok());
    let missing = [
        read(&[]),
        read(&[("authorization", "Bearer ".into())]),
        read(&[("authorization", "Basic dXNlcg==".into())]),
        read(&[("cookie", "__session=; __session_x=abc; session=abc".into())]),
    ];
    for headers in missing {
        assert_eq!(
            clerk.authenticate_request(&headers, &pem_a()).await,
            Err(AuthError::MissingToken),
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn a_machine_token_in_the_session_cookie_is_refused() {
    // The opaque one without asking the API (the offline server).
    let (_server, clerk) = offline().await;
    for machine in [token_a(&machine_claims()), "mt_secret".to_owned()] {
        let headers = read(&[("cookie", format!("__session={machine}"))]);
        assert_eq!(
            clerk.authenticate_request(&headers, &pem_a()).await,
            Err(AuthError::WrongTokenKind {
                expected: TokenKind::Session,
                found: TokenKind::Machine
            })
        );
    }
}

#[test]
fn options_and_results_can_cross_threads_and_be_cloned() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<VerifyOptions>();
    shareable::<Authenticated>();
    shareable::<AuthError>();
}

#[tokio::test]
async fn no_error_repeats_the_token_or_a_key() {
    let public_body: String = public_a()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let mut claims = session_claims();
    let tokens = [
        token_a(&with(&mut claims, "exp", json!(now() - 3600))),
        sign(&session_claims(), private_b(), Algorithm::RS256, None),
        raw_token(&json!({ "alg": "none" }), &session_claims(), ""),
        raw_token(&json!({ "alg": "x".repeat(500) }), &session_claims(), ""),
        token_a(&with(&mut session_claims(), "azp", json!("z".repeat(500)))),
        "e30.e30.c2ln".to_owned(),
    ];
    let parties = pem_a().authorized_parties(["https://app.example.com"]);
    for token in &tokens {
        let error = verify(token, &parties).await.expect_err("refused");
        for text in [error.to_string(), format!("{error:?}")] {
            for part in token.split('.').filter(|part| part.len() > 8) {
                assert!(!text.contains(part), "{text}");
            }
            assert!(!text.contains(&public_body[..40]), "{text}");
            assert!(text.len() < 200, "{text}");
        }
    }
}
