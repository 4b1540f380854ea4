//! Request logging: one span per request, closed (and printed) when the
//! response is sent. The query string is never logged, since clients put
//! credentials there (`?auth_token=` of the Pinboard API).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::field::Empty;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        // The client as the throttles see it: forwarding headers count only
        // from trusted proxies, so nobody can write their own address here.
        let client = match request.app_data::<actix_web::web::Data<crate::AppState>>() {
            Some(state) => state.proxies.client_ip(request.head(), request.peer_addr()),
            None => request.peer_addr().map(|p| p.ip()),
        };
        let client = client.map(|ip| ip.to_string()).unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.path(),
            http.client_ip = %client,
            http.status_code = Empty,
            otel.status_code = Empty,
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::test::TestRequest;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_request_log_line_leaves_out_the_query_string() {
        let out = Captured::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let req = TestRequest::get()
                .uri("/api/pinboard/v1/posts/recent?auth_token=alice:bkm_SECRET")
                .to_srv_request();
            drop(RequestSpan::on_request_start(&req));
        });
        let logged = String::from_utf8(out.0.lock().map(|b| b.clone()).unwrap_or_default())
            .unwrap_or_default();
        assert!(
            logged.contains("http.target=/api/pinboard/v1/posts/recent"),
            "{logged}"
        );
        assert!(!logged.contains("SECRET"), "{logged}");
    }
}
