//! The hub's own files on disk and who may read them: the data directory is created 0700 and
//! the database, keys and mail files 0600, whatever the umask; [`wider_than_private`] lists the
//! ones an admin has made wider, which `hub serve` warns about at start.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates a directory (and its parents) and sets it to 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Sets an existing file to 0600.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    set_mode(path, 0o600)
}

/// Creates a file that must not exist yet, mode 0600 from the start, and writes `data`.
pub fn write_new_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(data)?;
    f.sync_all()?;
    set_mode(path, 0o600)
}

/// Creates (or truncates) a file for secrets, mode 0600 from the start (a channel export holds
/// the channel's private key).
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let f = options.open(path)?;
    set_mode(path, 0o600)?;
    Ok(f)
}

/// Makes sure a SQLite database file exists with mode 0600 before SQLite opens it (SQLite then
/// creates its `-wal` and `-shm` files with the same mode).
pub fn prepare_private_file(path: &Path) -> std::io::Result<()> {
    if !path.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(path)?;
        set_mode(path, 0o600)?;
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// The data directory and the private files in it (database, session key, mail) whose mode
/// lets anybody but the owner read them, each with its mode.
pub fn wider_than_private(data_dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut found = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut check = |p: PathBuf| {
            if let Ok(meta) = std::fs::symlink_metadata(&p) {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    found.push((p, mode));
                }
            }
        };
        check(data_dir.to_path_buf());
        for name in [
            "hub.sqlite",
            "hub.sqlite-wal",
            "hub.sqlite-shm",
            "session.key",
        ] {
            check(data_dir.join(name));
        }
        let mail = data_dir.join("mail");
        check(mail.clone());
        if let Ok(entries) = std::fs::read_dir(&mail) {
            for e in entries.flatten().take(10_000) {
                check(e.path());
            }
        }
    }
    found
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_and_dirs_ignore_the_umask_and_wide_ones_are_found() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        create_private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        let key = data.join("session.key");
        write_new_private(&key, b"k").unwrap();
        assert_eq!(mode(&key), 0o600);
        let db = data.join("hub.sqlite");
        prepare_private_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        assert!(wider_than_private(&data).is_empty());
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(wider_than_private(&data), vec![(db, 0o644)]);
    }
}
