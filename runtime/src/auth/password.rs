//! Password hashes: new ones are argon2id with OWASP's minimum parameters (19 MiB, 2 passes,
//! 1 lane); PocketBase's bcrypt hashes (`$2a$`/`$2b$`/`$2y$`) are still verified, so a
//! `pb_data` written by PocketBase keeps working. See `../shared/spec/auth.md` §13.
//!
//! Each argon2 run needs 19 MiB of working memory. Allocating it per call lets the C allocator
//! keep every thread's peak around (hundreds of MiB after a burst of logins), so the runs take
//! their memory from a small pool of reusable buffers instead, one per CPU: that also caps how
//! many run at once, which is all the CPUs can do anyway.

use std::sync::{Condvar, Mutex, OnceLock};

use argon2::{Algorithm, Argon2, Block, Params, PasswordVerifier, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// OWASP Password Storage Cheat Sheet, first argon2id option: m=19456 KiB, t=2, p=1.
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
const OUTPUT_LEN: usize = 32;
const PHC_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

fn hasher() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, Some(OUTPUT_LEN)).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Reusable argon2 working memory, at most one buffer per CPU.
struct MemoryPool {
    free: Mutex<PoolState>,
    returned: Condvar,
}

struct PoolState {
    buffers: Vec<Box<[Block]>>,
    created: usize,
    limit: usize,
}

// A process-wide pool like the allocator it stands in for; it holds no app state.
static POOL: OnceLock<MemoryPool> = OnceLock::new();

fn pool() -> &'static MemoryPool {
    POOL.get_or_init(|| {
        let limit = std::thread::available_parallelism().map_or(2, usize::from).clamp(1, 16);
        MemoryPool {
            free: Mutex::new(PoolState { buffers: Vec::new(), created: 0, limit }),
            returned: Condvar::new(),
        }
    })
}

/// Runs `f` with a buffer of the standard block count, waiting while every buffer is in use.
fn with_memory<R>(f: impl FnOnce(&mut [Block]) -> R) -> R {
    let pool = pool();
    let mut buffer = {
        let mut state = pool.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(buffer) = state.buffers.pop() {
                break buffer;
            }
            if state.created < state.limit {
                state.created += 1;
                let blocks = hasher().params().block_count();
                break vec![Block::default(); blocks].into_boxed_slice();
            }
            state = pool.returned.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    };
    let result = f(&mut buffer);
    let mut state = pool.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    state.buffers.push(buffer);
    drop(state);
    pool.returned.notify_one();
    result
}

fn argon2_output(plain: &str, salt: &[u8]) -> Result<[u8; OUTPUT_LEN], HashError> {
    let mut out = [0u8; OUTPUT_LEN];
    with_memory(|memory| {
        hasher().hash_password_into_with_memory(plain.as_bytes(), salt, &mut out, memory)
    })
    .map_err(|e| HashError(e.to_string()))?;
    Ok(out)
}

/// Hashes a new password with argon2id (PHC string form).
pub fn hash(plain: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut salt[..]);
    let out = argon2_output(plain, &salt)?;
    Ok(format!("{PHC_PREFIX}{}${}", STANDARD_NO_PAD.encode(salt), STANDARD_NO_PAD.encode(out)))
}

/// Whether `plain` matches `hash` (argon2 PHC or bcrypt). Unknown formats never match.
pub fn verify(plain: &str, hash: &str) -> bool {
    if hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$") {
        return bcrypt::verify(plain, hash).unwrap_or(false);
    }
    if let Some((salt, expected)) = standard_parts(hash) {
        return argon2_output(plain, &salt).is_ok_and(|out| constant_time_eq(&out, &expected));
    }
    // Other parameters come from the PHC string itself, so older hashes keep verifying.
    argon2::PasswordHash::new(hash)
        .is_ok_and(|parsed| Argon2::default().verify_password(plain.as_bytes(), &parsed).is_ok())
}

/// The salt and output of a hash made with this module's parameters.
fn standard_parts(hash: &str) -> Option<(Vec<u8>, [u8; OUTPUT_LEN])> {
    let (salt, output) = hash.strip_prefix(PHC_PREFIX)?.split_once('$')?;
    let salt = STANDARD_NO_PAD.decode(salt).ok()?;
    let output: [u8; OUTPUT_LEN] = STANDARD_NO_PAD.decode(output).ok()?.try_into().ok()?;
    Some((salt, output))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Spends about as long as a real verification, so a login with an unknown identity takes as
/// long as one with a wrong password.
pub fn verify_dummy(plain: &str) {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Kk8x0Jx0v4hvNqBzfPyTlwb+SMDdj1UVoFcQnwZyp2U";
    let _ = verify(plain, DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_verify() {
        let hashed = hash("pass123456").unwrap();
        assert!(hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("pass123456", &hashed));
        assert!(!verify("wrong", &hashed));
    }

    #[test]
    fn hashes_match_the_reference_implementation() {
        let hashed = hash("pass123456").unwrap();
        let parsed = argon2::PasswordHash::new(&hashed).unwrap();
        assert!(Argon2::default().verify_password(b"pass123456", &parsed).is_ok());
        let library =
            argon2::PasswordHasher::hash_password_with_salt(&hasher(), b"pass123456", &[7u8; 16])
                .unwrap()
                .to_string();
        assert!(verify("pass123456", &library));
        assert_eq!(
            argon2_output("pass123456", &[7u8; 16]).unwrap(),
            standard_parts(&library).unwrap().1
        );
    }

    #[test]
    fn other_argon2_parameters_still_verify() {
        let params = Params::new(1024, 1, 1, None).unwrap();
        let small = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let hashed = argon2::PasswordHasher::hash_password_with_salt(&small, b"secret", &[3u8; 16])
            .unwrap()
            .to_string();
        assert!(verify("secret", &hashed));
        assert!(!verify("nope", &hashed));
    }

    #[test]
    fn pocketbase_bcrypt_hashes_verify() {
        let hashed = bcrypt::hash("alicepass1", 4).unwrap().replacen("$2b$", "$2a$", 1);
        assert!(verify("alicepass1", &hashed));
        assert!(!verify("alicepass2", &hashed));
    }

    #[test]
    fn garbage_hashes_never_match() {
        assert!(!verify("", ""));
        assert!(!verify("x", "not a hash"));
        assert!(!verify("x", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!"));
    }
}
