//! Password hashing with Argon2id.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::AuthError;

/// The hasher: Argon2id with the crate's default parameters (unit tests use cheaper ones, as
/// unoptimized Argon2 is slow).
fn hasher() -> Argon2<'static> {
    #[cfg(not(test))]
    {
        Argon2::default()
    }
    #[cfg(test)]
    {
        let params = argon2::Params::new(1024, 1, 1, None).expect("valid test parameters");
        Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
    }
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), with a
/// fresh random salt and Argon2id's default parameters.
///
/// # Errors
///
/// [`AuthError::Hashing`] when the password is too long for Argon2 or the operating system's
/// random source fails.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(AuthError::hashing)
}

/// Whether `password` matches `hash`, a PHC string made by [`hash_password`]. The parameters
/// are taken from the hash, so hashes made with older parameters keep verifying. A malformed
/// hash never matches.
#[must_use]
pub fn verify_password(hash: &str, password: &str) -> bool {
    hasher().verify_password(password.as_bytes(), hash).is_ok()
}

/// [`verify_password`] in `memory`, Argon2's working blocks kept by the caller between calls
/// (a hashing slot's): a flood of logins reuses the same few blocks instead of asking the
/// allocator for 19 MiB each time (which glibc keeps in its heap, so memory grew by hundreds
/// of megabytes under 400 concurrent logins).
#[must_use]
pub fn verify_password_in(hash: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use subtle::ConstantTimeEq as _;
    let Ok(parsed) = argon2::PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(argon2::Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut computed = vec![0u8; expected.as_ref().len()];
    argon2::Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt.as_ref(),
            &mut computed,
            &mut memory[..blocks],
        )
        .is_ok()
        && bool::from(computed.ct_eq(expected.as_ref()))
}

/// [`verify_dummy`] in a caller's memory, as [`verify_password_in`].
pub fn verify_dummy_in(password: &str, memory: &mut Vec<argon2::Block>) {
    if let Some(hash) = dummy_hash() {
        std::hint::black_box(verify_password_in(hash, password, memory));
    }
}

fn dummy_hash() -> Option<&'static str> {
    static DUMMY_HASH: LazyLock<Option<String>> =
        LazyLock::new(|| hash_password("glue-auth dummy password").ok());
    DUMMY_HASH.as_deref()
}

/// Spends as long as [`verify_password`] against a real hash, and throws the answer away.
///
/// Call it when the username is unknown, so that an unknown username takes as long as a wrong
/// password and response times do not tell which usernames exist.
pub fn verify_dummy(password: &str) {
    if let Some(hash) = dummy_hash() {
        std::hint::black_box(verify_password(hash, password));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify_accepts_the_password_and_refuses_another() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horse "));
        assert!(!verify_password(&hash, ""));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        let first = hash_password("secret").unwrap();
        let second = hash_password("secret").unwrap();
        assert_ne!(first, second);
        assert!(verify_password(&first, "secret"));
        assert!(verify_password(&second, "secret"));
    }

    #[test]
    fn malformed_hash_never_matches() {
        assert!(!verify_password("", ""));
        assert!(!verify_password("not a hash", "not a hash"));
        assert!(!verify_password(
            "$argon2id$v=19$m=1024,t=1,p=1$broken",
            "secret"
        ));
        assert!(!verify_password("secret", "secret"));
    }

    #[test]
    fn verification_in_kept_memory_agrees_with_verify_password() {
        let mut memory = Vec::new();
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password_in(&hash, "correct horse", &mut memory));
        let kept = memory.len();
        assert!(kept > 0);
        assert!(!verify_password_in(&hash, "correct horse ", &mut memory));
        assert_eq!(memory.len(), kept, "the blocks are reused");
        use argon2::password_hash::PasswordHasher as _;
        let production = Argon2::default().hash_password(b"pw").unwrap().to_string();
        assert!(verify_password_in(&production, "pw", &mut memory));
        assert!(!verify_password_in(&production, "pw2", &mut memory));
        for broken in ["", "not a hash", "$argon2id$v=19$m=1024,t=1,p=1$broken"] {
            assert!(!verify_password_in(broken, "secret", &mut memory));
        }
        verify_dummy_in("anything", &mut memory);
    }

    #[test]
    fn dummy_verification_runs() {
        verify_dummy("anything");
        verify_dummy("");
    }

    #[test]
    fn production_hasher_is_argon2id_with_default_parameters() {
        // The cfg(test) hasher is cheaper; hashes made by the production one must still verify,
        // since verification takes its parameters from the hash.
        use argon2::password_hash::PasswordHasher as _;
        let hash = Argon2::default().hash_password(b"pw").unwrap().to_string();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "pw"));
        assert!(!verify_password(&hash, "pw2"));
    }
}
