//! The precompile cache: `pb_data/.hooks_cache/<sha256 of the wasm>-<engine hash>.cwasm`, written
//! after a successful compile and read back with `Module::deserialize_file`, so a restart loads
//! a module in well under a millisecond instead of compiling it again. Only files this server
//! wrote are ever deserialized; entries of other engines or of files no longer present are
//! pruned after the first scan.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use wasmtime::{Engine, Module};

/// The cache folder and the engine's compatibility hash.
pub struct Cache {
    dir: PathBuf,
    engine_hash: String,
}

impl Cache {
    /// The cache in `dir` for an engine with `engine_hash`.
    pub fn new(dir: PathBuf, engine_hash: String) -> Self {
        Self { dir, engine_hash }
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}-{}.cwasm", self.engine_hash))
    }

    /// The cached compile of the wasm with `sha256`, if there is a usable one.
    pub fn load(&self, engine: &Engine, sha256: &str) -> Option<Module> {
        let path = self.path(sha256);
        if !path.is_file() {
            return None;
        }
        // SAFETY: `deserialize_file` trusts its input to be wasmtime's own output for this
        // engine. The file name carries the engine's compatibility hash and the folder only
        // holds what `store` below wrote (it is inside pb_data, never a user-supplied path).
        #[allow(unsafe_code)]
        let module = unsafe { Module::deserialize_file(engine, &path) };
        match module {
            Ok(module) => Some(module),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "dropping an unreadable hooks cache entry");
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores a compiled module (atomically: temp file, then rename).
    pub fn store(&self, module: &Module, sha256: &str) {
        let Ok(bytes) = module.serialize() else { return };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let path = self.path(sha256);
        let temp = self.dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
        if std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, &path)).is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }

    /// Removes every entry not for one of `keep` (hashes) under this engine.
    pub fn prune(&self, keep: &HashSet<String>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let wanted = name
                .strip_suffix(".cwasm")
                .and_then(|stem| stem.split_once('-'))
                .is_some_and(|(sha, engine)| engine == self.engine_hash && keep.contains(sha));
            if !wanted {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
