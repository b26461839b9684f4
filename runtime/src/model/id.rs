//! Identifier generation as PocketBase does it: 15-char `[a-z0-9]` record ids, random secrets,
//! and the deterministic collection and field ids (`pbc_` + CRC32 of type+name, type + CRC32 of
//! the field name). See `../shared/spec/collections-and-fields.md` §1–2.

use rand::Rng;

/// Alphabet of default record ids.
pub const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Alphabet of token keys and secrets.
pub const SECRET_ALPHABET: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A random string of `len` characters drawn from `alphabet` with a CSPRNG.
pub fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())])).collect()
}

/// A new default record id: 15 characters of `[a-z0-9]`.
pub fn new_record_id() -> String {
    random_string(15, ID_ALPHABET)
}

/// A new 50-character secret (token keys, token secrets).
pub fn new_secret() -> String {
    random_string(50, SECRET_ALPHABET)
}

/// The default id of a collection: `pbc_` + decimal CRC32-IEEE of `type + name`.
pub fn collection_id(collection_type: &str, name: &str) -> String {
    format!("pbc_{}", crc32(&format!("{collection_type}{name}")))
}

/// The default id of a field: its type + decimal CRC32-IEEE of its name.
pub fn field_id(field_type: &str, name: &str) -> String {
    format!("{field_type}{}", crc32(name))
}

fn crc32(text: &str) -> u32 {
    crc32fast::hash(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_ids_match_pocketbase() {
        assert_eq!(collection_id("auth", "_superusers"), "pbc_3142635823");
        assert_eq!(collection_id("base", "_mfas"), "pbc_2279338944");
        assert_eq!(collection_id("base", "_otps"), "pbc_1638494021");
        assert_eq!(collection_id("base", "_externalAuths"), "pbc_2281828961");
        assert_eq!(collection_id("base", "_authOrigins"), "pbc_4275539003");
    }

    #[test]
    fn field_ids_match_pocketbase() {
        assert_eq!(field_id("text", "id"), "text3208210256");
        assert_eq!(field_id("password", "password"), "password901924565");
        assert_eq!(field_id("autodate", "created"), "autodate2990389176");
        assert_eq!(field_id("email", "email"), "email3885137012");
    }

    #[test]
    fn record_ids_have_the_default_shape() {
        let id = new_record_id();
        assert_eq!(id.len(), 15);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
    }
}
