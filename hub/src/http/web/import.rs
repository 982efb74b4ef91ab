//! Moving and cloning channels in the browser: the owner's export download
//! (`/channel/{nick}/export`, streamed) and the import page (`/import`), which takes an export
//! file or brings a channel online from its old hub with the owner's login there. A failed
//! import says why and keeps what was typed (never the password); nothing is half imported.

use actix_multipart::form::{MultipartForm, tempfile::TempFile, text::Text};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::channel::owned_channel;
use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, page_ctx, require_viewer};
use crate::http::templates::ImportPage;
use crate::service;
use crate::service::account::Account;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/channel/{nick}/export", get => get_export);
    resource!(cfg, "/import", get => get_import);
    resource!(cfg, "/import/file", post => post_file);
    resource!(cfg, "/import/online", post => post_online);
}

/// GET /channel/{nick}/export: the channel's export as a download, for its owner.
async fn get_export(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (_, channel) = owned_channel(&ctx, &session, &nick).await?;
    let name = format!(
        "{}-{}.json",
        channel.channel_address,
        ctx.clock.now().format("%Y-%m-%d")
    );
    Ok(crate::http::export_body::response(
        &ctx,
        channel,
        Some(name),
    ))
}

/// The online import form.
#[derive(Debug, Default, Deserialize)]
pub struct OnlineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    posts: Option<String>,
    #[serde(default)]
    primary: Option<String>,
}

async fn import_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    form: &OnlineForm,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let page = ImportPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("import-title"),
        address: form.address.clone(),
        login: form.login.clone(),
        posts: form.posts.is_some() || form.address.is_empty(),
        error,
        max_mib: service::import::MAX_EXPORT_BYTES / (1024 * 1024),
    };
    render(status, &page)
}

/// GET /import
async fn get_import(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    Ok(import_page(
        &ctx,
        &session,
        &account,
        &OnlineForm::default(),
        None,
        StatusCode::OK,
    )
    .await)
}

/// The file import form.
#[derive(MultipartForm)]
#[multipart(duplicate_field = "deny")]
pub struct FileForm {
    csrf: Text<String>,
    #[multipart(limit = "256MiB")]
    file: TempFile,
    primary: Option<Text<String>>,
}

fn done(imported: &service::import::Imported) -> HttpResponse {
    see_other(&format!(
        "/channel/{}/locations",
        imported.channel.channel_address
    ))
}

/// POST /import/file
async fn post_file(
    ctx: web::Data<Ctx>,
    session: Session,
    form: MultipartForm<FileForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let path = form.file.file.path().to_path_buf();
    let bytes = web::block(move || std::fs::read(path))
        .await
        .map_err(|e| Error::internal(anyhow::anyhow!("upload: {e}")))?
        .map_err(|e| Error::internal(anyhow::anyhow!("upload: {e}")))?;
    let result = match service::import::parse(&bytes) {
        Ok(export) => {
            service::import::import(&ctx, account.account_id, export, form.primary.is_some()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(imported) => Ok(done(&imported)),
        Err(e) if e.kind.field().is_some() => Ok(import_page(
            &ctx,
            &session,
            &account,
            &OnlineForm::default(),
            Some(e.kind.safe_message()),
            form_status(&e),
        )
        .await),
        Err(e) => Err(e),
    }
}

/// POST /import/online
async fn post_online(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<OnlineForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let form = form.into_inner();
    let old = service::online_import::OldHub {
        address: form.address.trim().to_string(),
        login: form.login.trim().to_string(),
        password: form.password.clone(),
    };
    let result = service::online_import::import(
        &ctx,
        account.account_id,
        &old,
        form.primary.is_some(),
        form.posts.is_some(),
    )
    .await;
    let form = OnlineForm {
        password: String::new(),
        ..form
    };
    match result {
        Ok((imported, _)) => Ok(done(&imported)),
        Err(e) => {
            let status = if e.kind.field().is_some() {
                form_status(&e)
            } else {
                StatusCode::BAD_GATEWAY
            };
            if status == StatusCode::BAD_GATEWAY
                && !matches!(
                    e.kind,
                    crate::error::ErrorKind::Remote(_) | crate::error::ErrorKind::NotFound
                )
            {
                return Err(e);
            }
            let message = match e.kind {
                crate::error::ErrorKind::NotFound => {
                    "No such channel was found at that address.".to_string()
                }
                _ => e.kind.safe_message(),
            };
            Ok(import_page(&ctx, &session, &account, &form, Some(message), status).await)
        }
    }
}
