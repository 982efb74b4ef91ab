//! The page scenario's ceiling: a minimal actix-web server answering every GET with the same
//! fixed HTML page, as large as the channel page, run as its own process like the hub.

use anyhow::Result;

/// Serves `bytes` bytes of HTML on 127.0.0.1:port with `workers` workers until killed.
pub fn serve(port: u16, bytes: usize, workers: usize) -> Result<()> {
    let mut page = String::from("<!doctype html><html lang=\"en\"><title>fixed</title><body><p>");
    while page.len() + 20 < bytes {
        page.push_str("caravan fixed page. ");
    }
    page.push_str("</p></body></html>");
    let page = actix_web::web::Bytes::from(page);
    actix_web::rt::System::new().block_on(async move {
        actix_web::HttpServer::new(move || {
            let page = page.clone();
            actix_web::App::new().default_service(actix_web::web::to(move || {
                let page = page.clone();
                async move {
                    actix_web::HttpResponse::Ok()
                        .content_type("text/html; charset=utf-8")
                        .body(page)
                }
            }))
        })
        .workers(workers)
        .bind(("127.0.0.1", port))?
        .run()
        .await
    })?;
    Ok(())
}
