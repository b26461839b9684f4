//! Password hashes: new ones are argon2id with OWASP's minimum parameters (19 MiB, 2 passes,
//! 1 lane); PocketBase's bcrypt hashes (`$2a$`/`$2b$`/`$2y$`) are still verified, so a
//! `pb_data` written by PocketBase keeps working. See `../shared/spec/auth.md` §13.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet, first argon2id option: m=19456 KiB, t=2, p=1.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password with argon2id (PHC string form).
pub fn hash(plain: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut salt[..]);
    hasher()
        .hash_password_with_salt(plain.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `plain` matches `hash` (argon2 PHC or bcrypt). Unknown formats never match.
pub fn verify(plain: &str, hash: &str) -> bool {
    if hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$") {
        return bcrypt::verify(plain, hash).unwrap_or(false);
    }
    // The parameters come from the PHC string itself, so older hashes keep verifying.
    hasher().verify_password(plain.as_bytes(), hash).is_ok()
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
    fn pocketbase_bcrypt_hashes_verify() {
        let hashed = bcrypt::hash("alicepass1", 4).unwrap().replacen("$2b$", "$2a$", 1);
        assert!(verify("alicepass1", &hashed));
        assert!(!verify("alicepass2", &hashed));
    }

    #[test]
    fn garbage_hashes_never_match() {
        assert!(!verify("", ""));
        assert!(!verify("x", "not a hash"));
    }
}
