//! The route table: every path of the JSON API in one list, which the
//! OpenAPI document is made from as well.

pub mod admin;
pub mod auth;
pub mod bookmarks;
pub mod categories;
pub mod comments;
pub mod entries;
pub mod feeds;
pub mod follows;
pub mod hatena;
pub mod hatena_apps;
pub mod health;
pub mod invites;
pub mod me;
pub mod mutes;
pub mod notifications;
pub mod pinboard;
pub mod portability;
pub mod related;
pub mod reports;
pub mod search;
pub mod tags;
pub mod users;

use actix_web::dev::Handler;
use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, Resource, Responder, Route};
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::{RefOr, Schema};

use crate::error::ApiError;

/// Every operation of the JSON API, in matching order (a literal path before
/// a parameter that would match it). Each is served at the path and method
/// its `#[utoipa::path]` names and appears in the OpenAPI document.
macro_rules! endpoints {
    ($($group:ident :: $handler:ident),* $(,)?) => {
        paste::paste! {
            /// The JSON API's operations, for the router and the OpenAPI document alike.
            pub fn endpoints() -> Vec<Endpoint> {
                vec![$(Endpoint::new::<$group::[<__path_ $handler>], _, _>($group::$handler)),*]
            }
        }
    };
}

endpoints![
    health::healthz,
    health::readyz,
    auth::registration,
    auth::register,
    auth::login,
    auth::refresh,
    auth::logout,
    auth::logout_all,
    me::get_me,
    me::patch_me,
    me::delete_me,
    me::change_password,
    me::list_tokens,
    me::create_token,
    me::delete_token,
    hatena_apps::list,
    hatena_apps::create,
    hatena_apps::delete,
    notifications::list,
    notifications::mark_read,
    notifications::unread_count,
    mutes::list,
    mutes::mute_user,
    mutes::unmute_user,
    mutes::mute_word,
    mutes::unmute_word,
    mutes::mute_site,
    mutes::unmute_site,
    follows::feed,
    follows::my_hot,
    portability::import,
    portability::export,
    bookmarks::mine_by_url,
    tags::rename,
    tags::delete,
    bookmarks::create,
    bookmarks::get,
    bookmarks::patch,
    bookmarks::delete,
    users::profile,
    users::bookmarks,
    users::user_tags,
    users::user_sites,
    follows::follow,
    follows::unfollow,
    follows::following,
    follows::followers,
    entries::hot,
    entries::newest,
    entries::lookup,
    entries::counts,
    entries::get,
    entries::comments,
    related::list,
    categories::list,
    categories::suggest,
    categories::history,
    categories::set,
    follows::entry_bookmarks,
    entries::site,
    entries::tagged,
    comments::star,
    comments::unstar,
    search::search,
    reports::create,
    admin::reports,
    admin::resolve,
    admin::unsuspend,
    admin::unhide,
    admin::log,
    invites::create,
    invites::list,
    invites::revoke,
];

type Schemas = Vec<(String, RefOr<Schema>)>;

/// One operation: its handler and its OpenAPI description.
pub struct Endpoint {
    path: String,
    methods: Vec<HttpMethod>,
    route: Box<dyn Fn() -> Route>,
    document: fn(&mut Paths, &mut Schemas),
}

impl Endpoint {
    fn new<P, F, Args>(handler: F) -> Self
    where
        P: utoipa::Path + utoipa::__dev::Tags<'static> + utoipa::__dev::SchemaReferences,
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Endpoint {
            path: P::path(),
            methods: P::methods(),
            route: Box::new(move || web::route().to(handler.clone())),
            document: |paths, schemas| {
                let mut operation = P::operation();
                let tags = P::tags().into_iter().map(str::to_owned);
                operation.tags.get_or_insert_with(Vec::new).extend(tags);
                paths.add_path_operation(P::path(), P::methods(), operation);
                P::schemas(schemas);
            },
        }
    }
}

/// Adds every endpoint's operation and the schemas it names to `paths` and `schemas`.
pub fn document(paths: &mut Paths, schemas: &mut Schemas) {
    for e in endpoints() {
        (e.document)(paths, schemas);
    }
}

fn method(m: &HttpMethod) -> Method {
    match m {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// A resource whose unsupported methods get a 405 as a problem document.
fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(format!(
        "{} is not allowed here",
        req.method()
    )))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(pinboard::configure);
    // Hatena-compatible APIs, before the SPA's catch-all; not part of the JSON API.
    cfg.configure(hatena::configure);
    // Feeds, before the SPA's catch-all; they are not part of the JSON API.
    cfg.service(resource("/hot.{format:rss|atom}").route(web::get().to(feeds::hot)))
        .service(resource("/new.{format:rss|atom}").route(web::get().to(feeds::newest)))
        .service(
            resource("/hot/{category}.{format:rss|atom}").route(web::get().to(feeds::category_hot)),
        )
        .service(
            resource("/new/{category}.{format:rss|atom}")
                .route(web::get().to(feeds::category_newest)),
        )
        .service(resource("/search.{format:rss|atom}").route(web::get().to(feeds::search)))
        .service(resource("/t/{tag}.{format:rss|atom}").route(web::get().to(feeds::tag)))
        .service(resource("/site/{domain}.{format:rss|atom}").route(web::get().to(feeds::site)))
        .service(
            resource("/{username}/bookmarks.{format:rss|atom}").route(web::get().to(feeds::user)),
        )
        .service(
            resource("/{username}/feed.{format:rss|atom}").route(web::get().to(feeds::following)),
        );
    // One resource per path, in the order the paths first appear.
    let mut resources: Vec<(String, Vec<Route>)> = Vec::new();
    for e in endpoints() {
        let routes = e.methods.iter().map(|m| (e.route)().method(method(m)));
        match resources.iter_mut().find(|(path, _)| *path == e.path) {
            Some((_, existing)) => existing.extend(routes),
            None => resources.push((e.path.clone(), routes.collect())),
        }
    }
    for (path, routes) in resources {
        let resource = routes.into_iter().fold(resource(&path), Resource::route);
        if crate::hardening::allows_other_origins(&path) {
            cfg.service(resource.wrap(crate::hardening::api_cors()));
        } else if crate::hardening::is_cookie_route(&path) {
            cfg.service(resource.wrap(actix_web::middleware::from_fn(
                crate::hardening::same_origin_only,
            )));
        } else {
            cfg.service(resource);
        }
    }
}
