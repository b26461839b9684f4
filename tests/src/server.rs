//! An in-process wasmbase on `127.0.0.1:0` with a temp `pb_data`, the same superuser as the
//! reference server, and helpers to seed auth records directly (until the records API can).

use serde_json::Value;
use tempfile::TempDir;
use wasmbase::records::superusers;
use wasmbase::{App, AppConfig, RunningServer, Server};

use crate::{SUPERUSER_EMAIL, SUPERUSER_PASSWORD};

/// A running in-process server; stopped when dropped.
pub struct TestServer {
    server: Option<RunningServer>,
    dir: TempDir,
    url: String,
}

impl TestServer {
    /// Starts a server on a fresh data dir with the default superuser.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after letting `configure` adjust the configuration.
    pub async fn start_with(configure: impl FnOnce(&mut AppConfig)) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let mut config = AppConfig::for_data_dir(dir.path().join("pb_data"));
        config.db.readers = 2;
        configure(&mut config);
        let app = App::open(config).await?;
        superusers::upsert(&app, SUPERUSER_EMAIL, SUPERUSER_PASSWORD).await?;
        let server = Server::bind(app, "127.0.0.1:0").await?;
        let url = server.url();
        Ok(Self { server: Some(server), dir, url })
    }

    /// Loads the app's `pb_hooks` (the data dir's sibling unless configured otherwise) and
    /// starts cron jobs and, with `watch`, hot reload — what `wasmbase serve` does.
    pub async fn start_hooks(&self, watch: bool) -> anyhow::Result<()> {
        self.app().start_hooks(watch).await.map_err(anyhow::Error::msg)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The app behind the server.
    pub fn app(&self) -> &App {
        // invariant: `server` is only taken by `stop`, which consumes `self`.
        #[allow(clippy::expect_used)]
        self.server.as_ref().expect("server running").app()
    }

    /// The data dir's parent (holds `pb_data`, `pb_public`, `pb_hooks`).
    pub fn root(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Stops the server gracefully and closes the databases.
    pub async fn stop(mut self) -> anyhow::Result<TempDir> {
        if let Some(server) = self.server.take() {
            server.shutdown().await?;
        }
        Ok(self.dir)
    }

    /// Creates an auth record in `collection` directly in the database.
    pub async fn create_auth_record(
        &self,
        collection: &str,
        fields: Value,
        password: &str,
    ) -> anyhow::Result<String> {
        wasmbase_seed::create_auth_record(self.app(), collection, fields, password).await
    }
}

/// Direct seeding through the app's write path (no HTTP).
mod wasmbase_seed {
    use serde_json::Value;
    use wasmbase::App;
    use wasmbase::auth::password;
    use wasmbase::model::Record;
    use wasmbase::records::save;

    pub(super) async fn create_auth_record(
        app: &App,
        collection: &str,
        fields: Value,
        plain: &str,
    ) -> anyhow::Result<String> {
        let collection =
            app.find_collection(collection).ok_or_else(|| anyhow::anyhow!("no collection"))?;
        let mut record = Record::new(&collection);
        if let Value::Object(map) = fields {
            for (key, value) in map {
                record.set(&key, value);
            }
        }
        save::set_password_hash(&mut record, &password::hash(plain)?);
        save::prepare_create(&collection, &mut record)?;
        let id = record.id().to_owned();
        app.data()
            .write(move |tx| match save::insert(tx, &collection, &record) {
                Ok(()) => Ok(Ok(())),
                Err(save::SaveError::Store(e)) => Err(e),
                Err(e) => Ok(Err(e)),
            })
            .await??;
        Ok(id)
    }
}
