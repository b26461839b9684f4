//! `App`: everything a running wasmbase holds, behind one cheap-to-clone handle: the
//! configuration, the two databases, and atomically swapped snapshots of the collections and
//! settings. No globals, so a test process can run many apps at once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

use arc_swap::ArcSwap;

use crate::hooks::{Hooks, HooksOptions};
use crate::model::{Collection, CollectionSet, Settings};
use crate::realtime::Broker;
use crate::records::events::{self, EventSender};
use crate::store::{self, Db, DbOptions, StoreError};

/// Where an app keeps its files and how it behaves.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// `pb_data`.
    pub data_dir: PathBuf,
    /// `pb_public` (static files served at `/`).
    pub public_dir: PathBuf,
    /// `pb_hooks`.
    pub hooks_dir: PathBuf,
    /// Dev mode: verbose logs.
    pub dev: bool,
    /// Allowed CORS origins (`*` = any).
    pub origins: Vec<String>,
    /// Serve `index.html` for missing static paths (SPA routing).
    pub index_fallback: bool,
    /// Database pool sizes.
    pub db: DbOptions,
    /// Hook limits, pool size and reload debounce.
    pub hooks: HooksOptions,
}

impl AppConfig {
    /// The defaults PocketBase uses for a data dir: hooks and public dirs are its siblings.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir: PathBuf = data_dir.into();
        let parent = data_dir.parent().map(Path::to_path_buf).unwrap_or_default();
        Self {
            public_dir: parent.join("pb_public"),
            hooks_dir: parent.join("pb_hooks"),
            data_dir,
            dev: false,
            origins: vec!["*".to_owned()],
            index_fallback: true,
            db: DbOptions::default(),
            hooks: HooksOptions::default(),
        }
    }
}

/// Why an app could not start.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The data dir cannot be created or opened.
    #[error("cannot create the data dir {path}: {source}")]
    DataDir {
        /// The path.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// Opening or migrating the databases failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The running application.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    config: AppConfig,
    storage: crate::files::Storage,
    data: Db,
    aux: Db,
    collections: ArcSwap<CollectionSet>,
    settings: ArcSwap<Settings>,
    events: EventSender,
    realtime: Arc<Broker>,
    hooks: Hooks,
}

/// A handle that does not keep the app alive (for background tasks owned by the app).
#[derive(Clone)]
pub struct WeakApp {
    inner: Weak<Inner>,
}

impl WeakApp {
    /// The app, if it is still alive.
    pub fn upgrade(&self) -> Option<App> {
        self.inner.upgrade().map(|inner| App { inner })
    }
}

impl App {
    /// Opens `pb_data` (creating it and running the system migrations when new).
    pub async fn open(config: AppConfig) -> Result<Self, AppError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| AppError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        let data = Db::open(&config.data_dir.join("data.db"), &config.db)?;
        let aux_options = DbOptions { readers: 1, ..config.db.clone() };
        let aux = Db::open(&config.data_dir.join("auxiliary.db"), &aux_options)?;
        aux.with_writer(|conn| store::migrations::run_aux(conn)).await?;
        data.write(store::migrations::run_data).await?;
        let (collections, settings) = data
            .read(|conn| Ok((store::collections::load_all(conn)?, store::settings::load(conn)?)))
            .await?;
        let (events, receiver) = events::channel();
        let app = Self {
            inner: Arc::new(Inner {
                hooks: Hooks::new(
                    config.hooks.clone(),
                    config.hooks_dir.clone(),
                    config.data_dir.clone(),
                ),
                storage: crate::files::Storage::new(config.data_dir.join("storage")),
                config,
                data,
                aux,
                collections: ArcSwap::from_pointee(CollectionSet::new(collections)),
                settings: ArcSwap::from_pointee(settings),
                events,
                realtime: Arc::new(Broker::new()),
            }),
        };
        tokio::spawn(crate::realtime::dispatch::run(app.downgrade(), receiver));
        tokio::spawn(crate::realtime::broker::run_sweeper(Arc::downgrade(app.realtime())));
        Ok(app)
    }

    /// A handle that does not keep the app alive.
    pub fn downgrade(&self) -> WeakApp {
        WeakApp { inner: Arc::downgrade(&self.inner) }
    }

    /// Where committed record changes are published.
    pub fn events(&self) -> &EventSender {
        &self.inner.events
    }

    /// The connected realtime clients.
    pub fn realtime(&self) -> &Arc<Broker> {
        &self.inner.realtime
    }

    /// The configuration the app was opened with.
    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// Uploaded files.
    pub fn storage(&self) -> &crate::files::Storage {
        &self.inner.storage
    }

    /// `data.db`.
    pub fn data(&self) -> &Db {
        &self.inner.data
    }

    /// `auxiliary.db`.
    pub fn aux(&self) -> &Db {
        &self.inner.aux
    }

    /// The current collections snapshot.
    pub fn collections(&self) -> Arc<CollectionSet> {
        self.inner.collections.load_full()
    }

    /// The collection named `name_or_id` (id or name, any case).
    pub fn find_collection(&self, name_or_id: &str) -> Option<Arc<Collection>> {
        self.inner.collections.load().find(name_or_id).cloned()
    }

    /// Re-reads every collection after a schema change.
    pub async fn reload_collections(&self) -> Result<(), StoreError> {
        let collections = self.inner.data.read(store::collections::load_all).await?;
        let collections = Arc::new(CollectionSet::new(collections));
        self.inner.collections.store(collections.clone());
        self.inner.realtime.revalidate_auth(&collections);
        Ok(())
    }

    /// The current settings.
    pub fn settings(&self) -> Arc<Settings> {
        self.inner.settings.load_full()
    }

    /// Stores new settings and makes them current.
    pub async fn save_settings(&self, settings: Settings) -> Result<(), StoreError> {
        let stored = settings.clone();
        self.inner.data.write(move |tx| store::settings::save(tx, &stored)).await?;
        self.inner.settings.store(Arc::new(settings));
        Ok(())
    }

    /// The WebAssembly hooks (empty until [`App::start_hooks`]).
    pub fn hooks(&self) -> &Hooks {
        &self.inner.hooks
    }

    /// Loads `pb_hooks/*.wasm`, starts the cron jobs and, with `watch`, hot reload.
    pub async fn start_hooks(&self, watch: bool) -> Result<(), String> {
        crate::hooks::start(self, watch).await
    }

    /// Finishes queued database work and closes both databases.
    pub fn close(&self) {
        self.inner.hooks.stop();
        self.inner.data.close();
        self.inner.aux.close();
    }
}
