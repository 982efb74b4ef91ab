//! Route registration: [`resource!`] registers one URL with its handlers by method; a URL that
//! answers GET also answers HEAD (actix then sends the headers without the body), and any other
//! method gets 405 with an `Allow` header, through the hub's error page.

use actix_web::{Route, guard, web};

use crate::error::{Error, ErrorKind, Result};

/// A route answering GET and HEAD.
pub fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A route answering POST.
pub fn post() -> Route {
    web::post()
}

/// A route answering PUT.
pub fn put() -> Route {
    web::put()
}

/// A route answering PATCH.
pub fn patch() -> Route {
    web::patch()
}

/// A route answering DELETE.
pub fn delete() -> Route {
    web::delete()
}

/// The `Allow` header for the methods named in a `resource!` (`get` also allows HEAD).
pub fn allow_header(methods: &[&str]) -> String {
    methods
        .iter()
        .map(|m| match *m {
            "get" => "GET, HEAD",
            "post" => "POST",
            "put" => "PUT",
            "patch" => "PATCH",
            "delete" => "DELETE",
            _ => "",
        })
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The answer to a method a URL does not serve.
pub async fn method_not_allowed(allow: String) -> Result<actix_web::HttpResponse> {
    Err(Error::new(ErrorKind::MethodNotAllowed { allow }))
}

/// Registers a URL: `resource!(cfg, "/login", get => get_login, post => post_login)`.
macro_rules! resource {
    ($cfg:expr, $path:expr, $($method:ident => $handler:expr),+ $(,)?) => {{
        let allow = $crate::http::routes::allow_header(&[$(stringify!($method)),+]);
        let resource = actix_web::web::resource($path)
            $(.route($crate::http::routes::$method().to($handler)))+
            .default_service(actix_web::web::to(move || {
                $crate::http::routes::method_not_allowed(allow.clone())
            }));
        $cfg.service(resource);
    }};
}
pub(crate) use resource;
