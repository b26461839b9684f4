//! The real PocketBase 0.40.6 (`pocketbase-ref`, installed by
//! `../shared/tools/install-pocketbase-ref`) as a child process on a free loopback port with a
//! temp data dir and the same superuser as the wasmbase test server.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

use crate::{SUPERUSER_EMAIL, SUPERUSER_PASSWORD, free_port};

/// A running reference server; killed when dropped.
pub struct RefServer {
    child: Child,
    dir: TempDir,
    url: String,
}

/// The reference binary: `$POCKETBASE_REF` or `pocketbase-ref` on `PATH`.
pub fn binary() -> PathBuf {
    std::env::var_os("POCKETBASE_REF")
        .map_or_else(|| PathBuf::from("pocketbase-ref"), PathBuf::from)
}

impl RefServer {
    /// Starts PocketBase on a fresh data dir with the default superuser. Fails loudly when the
    /// binary is missing: differential tests must not silently pass.
    pub async fn start() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("pb_data");
        let status = Command::new(binary())
            .args(["superuser", "upsert", SUPERUSER_EMAIL, SUPERUSER_PASSWORD])
            .arg(format!("--dir={}", data.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot run {} ({e}); install it with ../shared/tools/install-pocketbase-ref",
                    binary().display()
                )
            })?;
        anyhow::ensure!(status.success(), "pocketbase-ref superuser upsert failed");
        let port = free_port();
        let child = Command::new(binary())
            .arg("serve")
            .arg(format!("--http=127.0.0.1:{port}"))
            .arg(format!("--dir={}", data.display()))
            .arg(format!("--publicDir={}", dir.path().join("pb_public").display()))
            .arg(format!("--hooksDir={}", dir.path().join("pb_hooks").display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let server = Self { child, dir, url: format!("http://127.0.0.1:{port}") };
        crate::wait_healthy(&server.url, "pocketbase-ref").await?;
        Ok(server)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The data dir's parent.
    pub fn root(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for RefServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
