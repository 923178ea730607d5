//! The service over HTTP on the loopback interface: every request is read within the
//! size and time limits, then answered by [`Service::handle`] on a blocking thread.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kpi::{DataError, DataErrorKind, Location, Problem};

use super::Limits;
use super::service::{Reply, Service};
use crate::Failure;
use crate::output::note;

struct Shared {
    service: Arc<Service>,
    limits: Limits,
}

/// Serves until interrupted (Ctrl-C or SIGTERM); SIGHUP reloads the rule file.
pub fn serve(service: Arc<Service>, port: u16, limits: Limits) -> Result<u8, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the service: {e}")))?;
    runtime.block_on(async move {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| Failure::usage(format!("cannot listen on {address}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Failure::usage(format!("cannot listen on {address}: {e}")))?;
        note!("kpi serve: listening on http://{bound}");
        tokio::spawn(reload_on_hangup(Arc::clone(&service)));
        let shared = Arc::new(Shared { service, limits });
        let app = Router::new().fallback(answer).with_state(shared);
        axum::serve(listener, app)
            .with_graceful_shutdown(stopped())
            .await
            .map_err(|e| Failure::usage(format!("the service stopped: {e}")))?;
        Ok(0)
    })
}

/// Reads the request within the limits and answers it.
async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let limits = shared.limits;
    let work = async {
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limits.max_body as u64) {
            return too_large(limits.max_body);
        }
        let Ok(body) = to_bytes(body, limits.max_body).await else {
            return too_large(limits.max_body);
        };
        let method = parts.method.to_string();
        let target = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_string(), ToString::to_string);
        let service = Arc::clone(&shared.service);
        tokio::task::spawn_blocking(move || service.handle(&method, &target, &body))
            .await
            .unwrap_or_else(|_| Reply::refused(500, "the request could not be answered"))
    };
    let reply = match tokio::time::timeout(limits.timeout, work).await {
        Ok(reply) => reply,
        Err(_) => Reply::problems(
            503,
            &[Problem::new(
                "U0003",
                kpi::Severity::Error,
                format!(
                    "the request took longer than {} s, the time limit; send fewer records at once, or raise --timeout",
                    limits.timeout.as_secs()
                ),
            )],
        ),
    };
    response(reply)
}

fn too_large(max: usize) -> Reply {
    let error = DataError::new(
        DataErrorKind::TooLarge,
        Location::Given,
        format!(
            "the body is larger than {}, the most a request may hold; send fewer records at once, or raise --max-body",
            kpi::limits::shown_size(max as u64)
        ),
    );
    Reply::problems(413, &[Problem::from_data(&error, None)])
}

fn response(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = match reply.content_type {
        "application/json" => "application/json",
        "text/html" => "text/html; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    let mut response = (status, Body::from(reply.body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Reloads the rule file on every SIGHUP; a file that does not compile leaves the
/// rules in force, and says why.
async fn reload_on_hangup(service: Arc<Service>) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        return;
    };
    while hangups.recv().await.is_some() {
        let service = Arc::clone(&service);
        let _ = tokio::task::spawn_blocking(move || super::report_reload(&service)).await;
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stopped() {
    use tokio::signal::unix::{SignalKind, signal};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// The default time limit of a request.
pub const TIMEOUT: Duration = Duration::from_secs(30);
