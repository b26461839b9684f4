//! The immutable snapshot of what is loaded: modules in file-name order, record hooks indexed
//! by event (sorted by priority, then file name, then declaration order), the custom-route
//! table and the cron jobs. Reloads build a new one and swap it in; a request keeps the
//! snapshot it started with, so in-flight calls finish on the old code.

use std::collections::HashMap;
use std::sync::Arc;

use super::module::LoadedModule;
use crate::model::Collection;

/// One record hook.
#[derive(Clone)]
pub struct HookEntry {
    /// The module.
    pub module: Arc<LoadedModule>,
    /// Handler id.
    pub handler: u32,
    /// Collection names/ids (empty = all).
    pub collections: Vec<String>,
    /// Fields a collection must have.
    pub fields: Vec<String>,
    /// Priority (lower first).
    pub priority: i32,
}

impl HookEntry {
    /// Whether the hook wants events of `collection`.
    pub fn wants(&self, collection: &Collection) -> bool {
        let named = self.collections.is_empty()
            || self.collections.iter().any(|c| {
                c == "*" || c == &collection.id || c.eq_ignore_ascii_case(&collection.name)
            });
        named && self.fields.iter().all(|f| collection.fields.iter().any(|field| &field.name == f))
    }
}

/// One custom route.
#[derive(Clone)]
pub struct RouteEntry {
    /// The module.
    pub module: Arc<LoadedModule>,
    /// Handler id.
    pub handler: u32,
    /// Upper-case method or `*`.
    pub method: String,
    /// The registered path.
    pub path: String,
    /// `optional`, `required` or `superuser`.
    pub auth: String,
}

/// A matched route and its path parameters.
pub type RouteMatch = (RouteEntry, Vec<(String, String)>);

/// One cron job.
#[derive(Clone)]
pub struct CronEntry {
    /// The module.
    pub module: Arc<LoadedModule>,
    /// Handler id.
    pub handler: u32,
    /// Name.
    pub name: String,
    /// Parsed schedule.
    pub schedule: super::cron::Schedule,
}

/// Everything loaded, at one moment.
#[derive(Default)]
pub struct Registry {
    /// Modules by file name.
    pub modules: Vec<Arc<LoadedModule>>,
    /// The last load failure of each file that currently fails (its older version may be live).
    pub errors: HashMap<String, String>,
    hooks: HashMap<String, Vec<HookEntry>>,
    routes: matchit::Router<usize>,
    route_entries: Vec<Vec<RouteEntry>>,
    /// Cron jobs.
    pub crons: Vec<CronEntry>,
}

impl Registry {
    /// Builds the snapshot from `modules` (sorted here by name).
    pub fn build(mut modules: Vec<Arc<LoadedModule>>, errors: HashMap<String, String>) -> Self {
        modules.sort_by(|a, b| a.info.name.as_bytes().cmp(b.info.name.as_bytes()));
        let mut registry = Self { errors, ..Self::default() };
        let mut paths: HashMap<String, usize> = HashMap::new();
        for module in &modules {
            for hook in &module.manifest.hooks {
                registry.hooks.entry(hook.event.clone()).or_default().push(HookEntry {
                    module: module.clone(),
                    handler: hook.handler,
                    collections: hook.collections.clone(),
                    fields: hook.fields.clone(),
                    priority: hook.priority,
                });
            }
            for route in &module.manifest.routes {
                let entry = RouteEntry {
                    module: module.clone(),
                    handler: route.handler,
                    method: route.method.to_ascii_uppercase(),
                    path: route.path.clone(),
                    auth: route.auth.clone().unwrap_or_else(|| "optional".to_owned()),
                };
                registry.add_route(&mut paths, entry);
            }
            for cron in &module.manifest.crons {
                if let Ok(schedule) = super::cron::Schedule::parse(&cron.schedule) {
                    registry.crons.push(CronEntry {
                        module: module.clone(),
                        handler: cron.handler,
                        name: cron.name.clone(),
                        schedule,
                    });
                }
            }
        }
        // Stable: modules were added in name order, hooks in declaration order.
        for list in registry.hooks.values_mut() {
            list.sort_by_key(|h| h.priority);
        }
        registry.modules = modules;
        registry
    }

    fn add_route(&mut self, paths: &mut HashMap<String, usize>, entry: RouteEntry) {
        if let Some(&index) = paths.get(&entry.path) {
            let list = &mut self.route_entries[index];
            if let Some(first) = list.iter().find(|e| e.method == entry.method) {
                tracing::warn!(
                    module = %entry.module.info.name, path = %entry.path, method = %entry.method,
                    winner = %first.module.info.name, "route already registered by another module; ignored"
                );
                return;
            }
            list.push(entry);
            return;
        }
        let index = self.route_entries.len();
        match self.routes.insert(entry.path.clone(), index) {
            Ok(()) => {
                paths.insert(entry.path.clone(), index);
                self.route_entries.push(vec![entry]);
            }
            Err(error) => tracing::warn!(
                module = %entry.module.info.name, path = %entry.path, %error, "route conflicts with another; ignored"
            ),
        }
    }

    /// Whether nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The hooks of `event` that want `collection`, in run order.
    pub fn hooks_for<'a>(
        &'a self,
        event: &str,
        collection: &'a Collection,
    ) -> impl Iterator<Item = &'a HookEntry> + 'a {
        self.hooks.get(event).into_iter().flatten().filter(move |h| h.wants(collection))
    }

    /// Whether any hook of `event` wants `collection`.
    pub fn wants(&self, event: &str, collection: &Collection) -> bool {
        self.hooks_for(event, collection).next().is_some()
    }

    /// How many hooks a module registered for each event.
    pub fn hook_count(&self) -> usize {
        self.hooks.values().map(Vec::len).sum()
    }

    /// The route for `method` and `path`, with its path parameters. `None` when no path
    /// matches; `Some(Err(()))` when the path matches but not the method.
    pub fn route(&self, method: &str, path: &str) -> Option<Result<RouteMatch, ()>> {
        let matched = self.routes.at(path).ok()?;
        let decode =
            |v: &str| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned();
        let params = matched.params.iter().map(|(k, v)| (k.to_owned(), decode(v))).collect();
        let list = &self.route_entries[*matched.value];
        let entry = list
            .iter()
            .find(|e| e.method == method || (method == "HEAD" && e.method == "GET"))
            .or_else(|| list.iter().find(|e| e.method == "*"));
        Some(entry.cloned().map(|e| (e, params)).ok_or(()))
    }
}
