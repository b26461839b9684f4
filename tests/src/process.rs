//! The built `wasmbase` binary as a child process on a free loopback port with a temp data dir
//! and the default superuser, for tests that need a process of its own (its memory, read from
//! `/proc/<pid>/status`). The binary is `$WASMBASE_BIN`, else `wasmbase` next to the test
//! binary's `deps/` folder (`cargo build -p wasmbase` puts it there; `scripts/test.sh` does).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

use crate::{SUPERUSER_EMAIL, SUPERUSER_PASSWORD, free_port};

/// A running `wasmbase serve`; killed when dropped.
pub struct ServerProcess {
    child: Child,
    _dir: TempDir,
    url: String,
}

/// The server binary.
pub fn binary() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("WASMBASE_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let dir = exe.parent().and_then(|deps| deps.parent());
    let path = dir.map(|d| d.join("wasmbase")).filter(|p| p.is_file());
    path.ok_or_else(|| {
        anyhow::anyhow!(
            "no wasmbase binary next to {}: run `cargo build -p wasmbase` (or set WASMBASE_BIN)",
            exe.display()
        )
    })
}

impl ServerProcess {
    /// Starts the binary on a fresh data dir with the default superuser.
    pub async fn start() -> anyhow::Result<Self> {
        let binary = binary()?;
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("pb_data");
        let status = Command::new(&binary)
            .args(["superuser", "upsert", SUPERUSER_EMAIL, SUPERUSER_PASSWORD])
            .arg(format!("--dir={}", data.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        anyhow::ensure!(status.success(), "{} superuser upsert failed", binary.display());
        let port = free_port();
        let child = Command::new(&binary)
            .arg("serve")
            .arg(format!("--http=127.0.0.1:{port}"))
            .arg(format!("--dir={}", data.display()))
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let server = Self { child, _dir: dir, url: format!("http://127.0.0.1:{port}") };
        crate::wait_healthy(&server.url, "wasmbase").await?;
        Ok(server)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in KiB (`VmRSS` of `/proc/<pid>/status`).
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no VmRSS in /proc/{}/status", self.pid()))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
