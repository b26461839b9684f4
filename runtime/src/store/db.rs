//! A pool over one SQLite file: one writer thread that owns the only write connection (SQLite
//! has one writer) and several reader threads, each owning a connection with its own
//! prepared-statement cache. Handlers send closures to them, so blocking SQLite calls never
//! run on tokio's worker threads.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

use super::StoreError;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// How a [`Db`] opens its file.
#[derive(Clone, Debug)]
pub struct DbOptions {
    /// Reader threads (and connections).
    pub readers: usize,
    /// SQLite page cache per connection, in KiB.
    pub cache_kib: i64,
    /// Memory-mapped I/O size per connection, in bytes.
    pub mmap_bytes: i64,
}

impl Default for DbOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self { readers: cores + 1, cache_kib: 16_000, mmap_bytes: 256 * 1024 * 1024 }
    }
}

/// A cheap-to-clone handle to the reader and writer threads of one database file.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    readers: Mutex<Option<Sender<Job>>>,
    writer: Mutex<Option<Sender<Job>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Db {
    /// Opens (creating if needed) the file at `path` in WAL mode and starts the threads.
    pub fn open(path: &Path, options: &DbOptions) -> Result<Self, StoreError> {
        let writer_conn = open_connection(path, options, true)?;
        let mut reader_conns = Vec::with_capacity(options.readers);
        for _ in 0..options.readers.max(1) {
            reader_conns.push(open_connection(path, options, false)?);
        }

        let (write_tx, write_rx) = crossbeam_channel::unbounded::<Job>();
        let (read_tx, read_rx) = crossbeam_channel::unbounded::<Job>();
        let mut threads = Vec::new();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        threads.push(spawn_worker(format!("db-w-{name}"), writer_conn, write_rx)?);
        for (i, conn) in reader_conns.into_iter().enumerate() {
            threads.push(spawn_worker(format!("db-r{i}-{name}"), conn, read_rx.clone())?);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                readers: Mutex::new(Some(read_tx)),
                writer: Mutex::new(Some(write_tx)),
                threads: Mutex::new(threads),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on a reader connection.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let sender = self.inner.readers.lock().clone().ok_or(StoreError::Closed)?;
        run_job(&sender, move |conn| f(conn)).await?
    }

    /// Like [`Db::read`] with the caller's error type.
    pub async fn read_with<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let sender = self.inner.readers.lock().clone().ok_or(StoreError::Closed)?;
        run_job(&sender, move |conn| f(conn)).await?
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction on the writer connection: committed
    /// when `f` returns `Ok`, rolled back when it returns `Err` or panics.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
    {
        let sender = self.inner.writer.lock().clone().ok_or(StoreError::Closed)?;
        run_job(&sender, move |conn| -> Result<T, E> {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let value = f(&tx)?;
            tx.commit().map_err(StoreError::from)?;
            Ok(value)
        })
        .await?
    }

    /// Runs `f` on the writer connection outside of any transaction (pragmas, checkpoints).
    pub async fn with_writer<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let sender = self.inner.writer.lock().clone().ok_or(StoreError::Closed)?;
        run_job(&sender, f).await?
    }

    /// Stops accepting jobs, lets queued ones finish and closes every connection.
    pub fn close(&self) {
        self.inner.readers.lock().take();
        self.inner.writer.lock().take();
        let threads = std::mem::take(&mut *self.inner.threads.lock());
        for thread in threads {
            if thread.join().is_err() {
                tracing::error!(path = %self.inner.path.display(), "a database thread panicked");
            }
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.readers.lock().take();
        self.writer.lock().take();
    }
}

async fn run_job<R, F>(sender: &Sender<Job>, f: F) -> Result<R, StoreError>
where
    R: Send + 'static,
    F: FnOnce(&mut Connection) -> R + Send + 'static,
{
    let (reply, receive) = oneshot::channel();
    let job: Job = Box::new(move |conn| {
        let result = catch_unwind(AssertUnwindSafe(|| f(conn)))
            .map_err(|panic| StoreError::Panicked(panic_message(&*panic)));
        // The caller may have gone away (request cancelled); nothing to do then.
        let _ = reply.send(result);
    });
    sender.send(job).map_err(|_| StoreError::Closed)?;
    receive.await.map_err(|_| StoreError::Closed)?
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

fn spawn_worker(
    name: String,
    mut conn: Connection,
    jobs: Receiver<Job>,
) -> Result<JoinHandle<()>, StoreError> {
    std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            while let Ok(job) = jobs.recv() {
                job(&mut conn);
                // A job that failed mid-transaction must not leave it open for the next one.
                if !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
            }
        })
        .map_err(|source| StoreError::Open { path: "db thread".to_owned(), source })
}

fn open_connection(
    path: &Path,
    options: &DbOptions,
    writer: bool,
) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(256);
    super::functions::register(&conn)?;
    if writer {
        // journal_mode is persistent; setting it once from the writer is enough.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    } else {
        // Readers never write; caches keyed by the database's version rely on it.
        conn.execute_batch("PRAGMA query_only = ON")?;
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA journal_size_limit = 200000000;
         PRAGMA cache_size = -{};",
        options.cache_kib
    ))?;
    conn.query_row(&format!("PRAGMA mmap_size = {}", options.mmap_bytes), [], |_| Ok(()))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_commit_and_failed_writes_roll_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), &DbOptions::default()).unwrap();
        db.write(|tx| Ok::<_, StoreError>(tx.execute_batch("CREATE TABLE t (v INTEGER)")?))
            .await
            .unwrap();
        db.write(|tx| Ok::<_, StoreError>(tx.execute("INSERT INTO t VALUES (1)", [])?))
            .await
            .unwrap();
        let failed = db
            .write(|tx| {
                tx.execute("INSERT INTO t VALUES (2)", [])?;
                Err::<(), _>(StoreError::NotFound)
            })
            .await;
        assert!(failed.is_err());
        let panicked = db
            .write(|tx| -> Result<(), StoreError> {
                tx.execute("INSERT INTO t VALUES (3)", [])?;
                panic!("boom")
            })
            .await;
        assert!(matches!(&panicked, Err(StoreError::Panicked(m)) if m == "boom"), "{panicked:?}");
        let values = db
            .read(|conn| {
                let mut stmt = conn.prepare_cached("SELECT v FROM t ORDER BY v")?;
                let rows = stmt.query_map([], |row| row.get::<_, i64>(0))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .await
            .unwrap();
        assert_eq!(values, vec![1]);
        db.close();
        assert!(matches!(db.read(|_| Ok(())).await, Err(StoreError::Closed)));
    }
}
