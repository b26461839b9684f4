//! [`Hooks`]: the registration builder. The same registration runs for `pb_manifest` (to list
//! what is registered) and for every `pb_handle` (to find the handler by its id), so handler ids
//! are simply positions in registration order.

use wasmbase_abi::{CronDecl, HookDecl, Manifest, RouteDecl, event};

use crate::error::ApiError;
use crate::event::{CronEvent, HttpResponse, RecordEvent, RouteEvent};

pub(crate) type RecordHandler = Box<dyn Fn(&mut RecordEvent) -> Result<(), ApiError>>;
pub(crate) type RouteHandler = Box<dyn Fn(&RouteEvent) -> Result<HttpResponse, ApiError>>;
pub(crate) type CronHandler = Box<dyn Fn(&CronEvent) -> Result<(), ApiError>>;

pub(crate) enum Handler {
    Record(RecordHandler),
    Route(RouteHandler),
    Cron(CronHandler),
}

/// Which records a hook wants, and when it runs among others.
#[derive(Clone, Debug, Default)]
pub struct HookOptions {
    /// Collection names or ids (`["*"]` or empty for all).
    pub collections: Vec<String>,
    /// Only collections that have all these fields.
    pub fields: Vec<String>,
    /// Lower runs first.
    pub priority: i32,
}

impl HookOptions {
    /// Hooks on `collections`.
    pub fn collections(collections: &[&str]) -> Self {
        Self {
            collections: collections.iter().map(|c| (*c).to_owned()).collect(),
            ..Self::default()
        }
    }

    /// Only collections with these fields.
    pub fn with_fields(mut self, fields: &[&str]) -> Self {
        self.fields = fields.iter().map(|f| (*f).to_owned()).collect();
        self
    }

    /// With this priority.
    pub fn with_priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }
}

/// Everything a module registers.
#[derive(Default)]
pub struct Hooks {
    pub(crate) manifest: Manifest,
    pub(crate) handlers: Vec<Handler>,
    /// Whether the manifest is built (`pb_manifest`); `pb_handle` only needs the handlers.
    describe: bool,
}

macro_rules! record_events {
    ($($(#[$doc:meta])* $method:ident => $event:path;)*) => {
        $(
            $(#[$doc])*
            pub fn $method(
                &mut self,
                collections: &[&str],
                handler: impl Fn(&mut RecordEvent) -> Result<(), ApiError> + 'static,
            ) -> &mut Self {
                self.on_record($event, HookOptions::collections(collections), handler)
            }
        )*
    };
}

impl Hooks {
    /// Registration that also builds the manifest.
    pub(crate) fn describing() -> Self {
        Self { describe: true, ..Self::default() }
    }

    fn next_id(&self) -> u32 {
        self.handlers.len() as u32
    }

    /// A record hook on `event` (one of `wasmbase_abi::event`) with `options`.
    pub fn on_record(
        &mut self,
        event: &str,
        options: HookOptions,
        handler: impl Fn(&mut RecordEvent) -> Result<(), ApiError> + 'static,
    ) -> &mut Self {
        if self.describe {
            self.manifest.hooks.push(HookDecl {
                event: event.to_owned(),
                collections: options.collections,
                fields: options.fields,
                priority: options.priority,
                handler: self.next_id(),
            });
        }
        self.handlers.push(Handler::Record(Box::new(handler)));
        self
    }

    record_events! {
        /// Before a create, outside the transaction (patch, reject or respond).
        on_record_create_request => event::RECORD_CREATE_REQUEST;
        /// Before an update, outside the transaction (patch, reject or respond).
        on_record_update_request => event::RECORD_UPDATE_REQUEST;
        /// Before a delete, outside the transaction (reject or respond).
        on_record_delete_request => event::RECORD_DELETE_REQUEST;
        /// Before the insert, inside the transaction (patch or reject).
        on_record_create => event::RECORD_CREATE;
        /// Before the update, inside the transaction (patch or reject).
        on_record_update => event::RECORD_UPDATE;
        /// Before the delete, inside the transaction (reject).
        on_record_delete => event::RECORD_DELETE;
        /// After the insert, inside the transaction (a reject rolls back).
        on_record_after_create => event::RECORD_AFTER_CREATE;
        /// After the update, inside the transaction (a reject rolls back).
        on_record_after_update => event::RECORD_AFTER_UPDATE;
        /// After the delete, inside the transaction (a reject rolls back).
        on_record_after_delete => event::RECORD_AFTER_DELETE;
        /// After a committed create.
        on_record_after_create_success => event::RECORD_AFTER_CREATE_SUCCESS;
        /// After a committed update.
        on_record_after_update_success => event::RECORD_AFTER_UPDATE_SUCCESS;
        /// After a committed delete.
        on_record_after_delete_success => event::RECORD_AFTER_DELETE_SUCCESS;
    }

    /// A custom route: `method` (or `*`) and a path with `{param}` segments.
    pub fn route(
        &mut self,
        method: &str,
        path: &str,
        handler: impl Fn(&RouteEvent) -> Result<HttpResponse, ApiError> + 'static,
    ) -> &mut Self {
        self.route_with_auth(method, path, "optional", handler)
    }

    /// A custom route that needs `auth`: `optional`, `required` or `superuser`.
    pub fn route_with_auth(
        &mut self,
        method: &str,
        path: &str,
        auth: &str,
        handler: impl Fn(&RouteEvent) -> Result<HttpResponse, ApiError> + 'static,
    ) -> &mut Self {
        if self.describe {
            self.manifest.routes.push(RouteDecl {
                method: method.to_owned(),
                path: path.to_owned(),
                handler: self.next_id(),
                auth: Some(auth.to_owned()),
            });
        }
        self.handlers.push(Handler::Route(Box::new(handler)));
        self
    }

    /// A cron job: five fields (`min hour dom month dow`, UTC), six with seconds, or a macro.
    pub fn cron(
        &mut self,
        name: &str,
        schedule: &str,
        handler: impl Fn(&CronEvent) -> Result<(), ApiError> + 'static,
    ) -> &mut Self {
        if self.describe {
            self.manifest.crons.push(CronDecl {
                name: name.to_owned(),
                schedule: schedule.to_owned(),
                handler: self.next_id(),
            });
        }
        self.handlers.push(Handler::Cron(Box::new(handler)));
        self
    }
}
