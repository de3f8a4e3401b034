//! Running the instance: accounts, admins, suspensions and instance settings.
//! Every function here is for instance admins only.

use serde::Serialize;
use stoa_domain::{SpaceName, Username, policy};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::{settings, users};

use crate::accounts::{self, Registration};
use crate::{Actor, CoreError, Result, Stoa};

/// Under whose authority an account is created: an operator at the command
/// line (who owns the machine), or a request whose actor must be an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    Operator,
    Request,
}

pub(crate) fn require_admin(actor: &Actor) -> Result<()> {
    let viewer = actor.viewer(None);
    if !viewer.signed_in {
        return Err(CoreError::SignInRequired);
    }
    if !policy::can_administer_instance(&viewer) {
        return Err(CoreError::Forbidden);
    }
    Ok(())
}

/// An account as the admin list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AdminUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub suspended: bool,
    pub created_at: i64,
}

pub const USERS_PER_PAGE: i64 = 50;

pub async fn users(app: &Stoa, actor: &Actor, filter: Option<&str>, page: i64) -> Result<Vec<AdminUser>> {
    require_admin(actor)?;
    let mut conn = app.store.read().await?;
    let offset = crate::offset(page, USERS_PER_PAGE);
    let filter = filter.map(str::trim).filter(|f| !f.is_empty());
    Ok(users::list(&mut conn, filter, USERS_PER_PAGE, offset)
        .await?
        .into_iter()
        .map(|u| AdminUser {
            is_admin: u.is_admin(),
            suspended: u.is_suspended(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            created_at: u.created_at,
        })
        .collect())
}

/// Grants or removes instance admin rights. The last admin stays an admin.
pub async fn set_admin(app: &Stoa, actor: &Actor, username: &str, is_admin: bool) -> Result<()> {
    require_admin(actor)?;
    let target = target(app, username).await?;
    let mut tx = app.store.begin().await?;
    // Two admins removing each other at once must not leave the instance without one.
    stoa_store::dialect::lock(&mut tx, "instance-admins").await?;
    if !is_admin && target.is_admin() && users::count_admins(&mut tx).await? <= 1 {
        return Err(CoreError::Conflict("last-admin"));
    }
    users::set_admin(&mut tx, &target.id, is_admin).await?;
    audit(&mut tx, app, actor, &target.id, serde_json::json!({"is_admin": is_admin})).await?;
    stoa_store::commit(tx).await?;
    app.sessions.forget_user(&target.id);
    Ok(())
}

/// Suspends an account (ending its sessions) or reinstates it. Admins cannot
/// suspend themselves.
pub async fn set_suspended(app: &Stoa, actor: &Actor, username: &str, suspended: bool) -> Result<()> {
    require_admin(actor)?;
    let target = target(app, username).await?;
    if actor.id() == Some(target.id.as_str()) && suspended {
        return Err(CoreError::Conflict("cannot-suspend-self"));
    }
    let mut tx = app.store.begin().await?;
    stoa_store::dialect::lock(&mut tx, "instance-admins").await?;
    if suspended && target.is_admin() && !target.is_suspended() && users::count_admins(&mut tx).await? <= 1 {
        return Err(CoreError::Conflict("last-admin"));
    }
    users::set_suspended(&mut tx, &target.id, suspended.then(|| app.now())).await?;
    if suspended {
        users::delete_sessions_of_user(&mut tx, &target.id, None).await?;
    }
    audit(&mut tx, app, actor, &target.id, serde_json::json!({"suspended": suspended})).await?;
    stoa_store::commit(tx).await?;
    app.sessions.forget_user(&target.id);
    Ok(())
}

async fn target(app: &Stoa, username: &str) -> Result<users::UserRow> {
    let username = Username::parse(username).map_err(|_| CoreError::NotFound)?;
    let mut conn = app.store.read().await?;
    users::by_username(&mut conn, username.as_str()).await?.ok_or(CoreError::NotFound)
}

async fn audit(
    tx: &mut stoa_store::Tx,
    app: &Stoa,
    actor: &Actor,
    subject: &str,
    data: serde_json::Value,
) -> Result<()> {
    events::append(
        tx,
        NewEvent {
            kind: kind::ADMIN_USER_CHANGED,
            actor_id: actor.id(),
            space_id: None,
            subject_id: Some(subject),
            data,
        },
        app.now(),
    )
    .await?;
    Ok(())
}

/// The instance settings.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceSettings {
    pub registration: Registration,
    pub instance_name: String,
}

/// The name shown when no admin has chosen one.
pub const DEFAULT_INSTANCE_NAME: &str = "Stoa";

/// The instance's name; anyone may know it.
pub async fn instance_name(app: &Stoa) -> Result<String> {
    let mut conn = app.store.read().await?;
    Ok(settings::get(&mut conn, settings::key::INSTANCE_NAME)
        .await?
        .unwrap_or_else(|| DEFAULT_INSTANCE_NAME.to_owned()))
}

pub async fn settings(app: &Stoa, actor: &Actor) -> Result<InstanceSettings> {
    require_admin(actor)?;
    Ok(InstanceSettings { registration: accounts::registration(app).await?, instance_name: instance_name(app).await? })
}

/// Changes settings; `None` keeps a value.
pub async fn update_settings(
    app: &Stoa,
    actor: &Actor,
    registration: Option<&str>,
    instance_name: Option<&str>,
) -> Result<InstanceSettings> {
    require_admin(actor)?;
    let registration = match registration {
        Some(raw) => Some(Registration::parse(raw).ok_or_else(|| CoreError::field("registration", "invalid-option"))?),
        None => None,
    };
    let name = match instance_name {
        Some(raw) => Some(
            SpaceName::parse(raw)
                .map_err(|e| CoreError::Invalid(vec![crate::FieldError::invalid("instance_name", &e)]))?,
        ),
        None => None,
    };
    let mut tx = app.store.begin().await?;
    if let Some(r) = registration {
        settings::set(&mut tx, settings::key::REGISTRATION, r.as_str()).await?;
    }
    if let Some(n) = &name {
        settings::set(&mut tx, settings::key::INSTANCE_NAME, n.as_str()).await?;
    }
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::ADMIN_SETTINGS_CHANGED,
            actor_id: actor.id(),
            space_id: None,
            subject_id: None,
            data: serde_json::json!({"registration": registration.map(Registration::as_str), "instance_name": name.as_ref().map(SpaceName::as_str)}),
        },
        app.now(),
    )
    .await?;
    stoa_store::commit(tx).await?;
    settings(app, actor).await
}
