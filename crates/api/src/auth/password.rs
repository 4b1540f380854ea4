//! Password hashing (argon2id) on a small dedicated thread pool.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm as Argon2Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;

use crate::error::ApiError;

/// Threads that run password hashing (argon2 takes 19 MiB and most of a core
/// per hash).
const PASSWORD_THREADS: usize = 2;

type PasswordJob = Box<dyn FnOnce() + Send>;

fn password_threads() -> &'static std::sync::mpsc::Sender<PasswordJob> {
    static POOL: std::sync::OnceLock<std::sync::mpsc::Sender<PasswordJob>> =
        std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<PasswordJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..PASSWORD_THREADS {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || loop {
                    let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("cannot start a password hashing thread");
        }
        tx
    })
}

/// Runs password hashing or verification on a small dedicated pool instead of
/// actix's blocking pool: every thread that ever hashed keeps argon2's 19 MiB
/// in its malloc arena, so few threads bound the memory, and a burst of
/// logins cannot crowd out database work.
pub async fn on_password_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: PasswordJob = Box::new(move || {
        // A panic drops `tx`, which the caller sees as an error; the thread lives on.
        if let Ok(out) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            let _ = tx.send(out);
        }
    });
    password_threads()
        .send(job)
        .map_err(|_| ApiError::Internal("password threads are gone".into()))?;
    rx.await
        .map_err(|_| ApiError::Internal("password hashing failed".into()))
}

/// Most argon2 memory a stored hash may ask for (ours ask for 19 MiB).
const MAX_ARGON2_BLOCKS: usize = 256 * 1024;

thread_local! {
    /// argon2's working memory, kept by each thread for its next hash: a
    /// fresh 19 MiB per hash, once freed, raises glibc's mmap threshold and
    /// leaves the next ones in malloc arenas.
    static ARGON2_MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// argon2 of `password` and `salt` into `out`, in this thread's kept memory.
fn argon2_into(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let blocks = params.block_count();
    if blocks > MAX_ARGON2_BLOCKS {
        return Err(argon2::Error::MemoryTooMuch);
    }
    ARGON2_MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })
}

/// argon2id with a random salt, as a PHC string. CPU-heavy: call through
/// [`on_password_thread`].
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("hashing password: {e}"));
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt_string = SaltString::encode_b64(&salt).map_err(|e| fail(&e))?;
    let params = Params::default();
    let argon = Argon2::new(Argon2Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon, &params, password.as_bytes(), &salt, &mut out).map_err(|e| fail(&e))?;
    let hash = PasswordHash {
        algorithm: Argon2Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt_string.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(hash.to_string())
}

/// Checks a password against a stored PHC hash. CPU-heavy: call through
/// [`on_password_thread`].
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Argon2Algorithm::try_from(hash.algorithm),
        Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    // `Output`'s equality is constant-time.
    argon2_into(&argon, &params, password.as_bytes(), salt, &mut out).is_ok()
        && Output::new(&out).is_ok_and(|o| o == expected)
}

/// A hash of a password nobody has, checked when the user does not exist so
/// that failed logins take the same time either way.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn passwords_verify_against_their_own_hash_only() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horse!", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn hashes_are_interchangeable_with_the_argon2_crates_own() {
        let salt = SaltString::encode_b64(b"sixteen byte salt").expect("salt");
        let theirs = Argon2::default()
            .hash_password(b"pw", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_password("pw", &theirs));
        assert!(!verify_password("pW", &theirs));
        let ours = hash_password("pw").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("PHC string");
        assert!(Argon2::default().verify_password(b"pw", &parsed).is_ok());
    }
}
