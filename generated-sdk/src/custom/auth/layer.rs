//! A tower layer that authenticates every request before the service sees it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::WWW_AUTHENTICATE;
use http::{HeaderValue, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use super::VerifyOptions;
use crate::Clerk;

/// Authenticates each request with [`Clerk::authenticate_request`]: the
/// service behind it sees only authenticated requests, each with its
/// [`Authenticated`](super::Authenticated) in the request's extensions;
/// every other request is answered `401 Unauthorized` (with
/// `WWW-Authenticate: Bearer` and the [`AuthError`](super::AuthError) in the
/// response's extensions, for logging) and never reaches the service.
///
/// ```no_run
/// # fn run() -> Result<(), clerk_backend_api::Error> {
/// use clerk_backend_api::Clerk;
/// use clerk_backend_api::auth::{ClerkAuthLayer, VerifyOptions};
///
/// let clerk = Clerk::from_env()?;
/// let layer = ClerkAuthLayer::new(clerk, VerifyOptions::new());
/// // axum: Router::new().route(...).layer(layer)
/// # let _ = layer;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ClerkAuthLayer {
    clerk: Clerk,
    options: Arc<VerifyOptions>,
}

impl ClerkAuthLayer {
    /// Authenticates with `clerk` (its JWKS cache is shared with every other
    /// use of the client) under `options`.
    pub fn new(clerk: Clerk, options: VerifyOptions) -> Self {
        Self {
            clerk,
            options: Arc::new(options),
        }
    }
}

impl<S> Layer<S> for ClerkAuthLayer {
    type Service = ClerkAuth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClerkAuth {
            inner,
            clerk: self.clerk.clone(),
            options: Arc::clone(&self.options),
        }
    }
}

/// The service [`ClerkAuthLayer`] wraps around another.
#[derive(Clone, Debug)]
pub struct ClerkAuth<S> {
    inner: S,
    clerk: Clerk,
    options: Arc<VerifyOptions>,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ClerkAuth<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // The service polled ready is the one that must be called: keep it
        // for this request and leave a fresh clone for the next.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let clerk = self.clerk.clone();
        let options = Arc::clone(&self.options);
        Box::pin(async move {
            match clerk
                .authenticate_request(request.headers(), &options)
                .await
            {
                Ok(authenticated) => {
                    request.extensions_mut().insert(authenticated);
                    inner.call(request).await
                }
                Err(error) => {
                    let mut response = Response::new(ResBody::default());
                    *response.status_mut() = StatusCode::UNAUTHORIZED;
                    response
                        .headers_mut()
                        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    response.extensions_mut().insert(error);
                    Ok(response)
                }
            }
        })
    }
}
