//! Everything `kpi` writes goes through here. A file is replaced whole or not at all,
//! and never when it is one of the command's inputs; standard output and standard
//! error survive a reader that went away; text bound for a terminal shows its control
//! characters instead of obeying them.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::Failure;

/// Writes a line to standard error, as [`to_stderr`] does.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::to_stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use note;

/// Writes `text` to standard error with its control characters shown ([`visible`]).
/// A closed or failing standard error loses the text, never the run: the exit status
/// still tells what happened. Every message of `kpi` goes through here, because
/// `eprint!` panics when standard error is a closed pipe.
pub fn to_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(visible(text).as_bytes());
}

/// Writes text to standard output, its control characters shown when that is a
/// terminal. A reader that went away (`kpi ... | head`) ends the command quietly.
pub fn say(text: &str) -> Result<(), Failure> {
    print(text, Escape::Rust)
}

/// Writes JSON to standard output as [`say`] does. JSON escapes its own control
/// characters; on a terminal the others it leaves (C1 controls, bidirectional
/// overrides) are written as JSON escapes, so the text stays the same JSON.
pub fn say_json(text: &str) -> Result<(), Failure> {
    print(text, Escape::Json)
}

fn print(text: &str, escape: Escape) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    let text = match out.is_terminal() {
        true => shown(text, escape),
        false => Cow::Borrowed(text),
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

/// The end of a command whose reader stopped reading: nothing more to say, and
/// nothing wrong, so exit 0 with no message.
fn closed() -> Failure {
    Failure {
        code: 0,
        message: String::new(),
        problem: None,
    }
}

/// What a failure to write to standard output means.
fn stdout_failure(e: io::Error) -> Failure {
    match e.kind() {
        io::ErrorKind::BrokenPipe => closed(),
        _ => Failure::usage(format!("cannot write to standard output: {e}")),
    }
}

/// `text` as a terminal should show it: control characters other than newline and
/// tab, and the invisible marks that reverse the direction of what follows, written
/// as `\u{1b}`. A key read from a data file then cannot move the cursor, recolour
/// the terminal, overwrite its line or disguise itself.
pub fn visible(text: &str) -> Cow<'_, str> {
    shown(text, Escape::Rust)
}

/// JSON as a terminal should show it: as [`visible`], but in JSON's own escape
/// (`\u001b`), so that it reads back as the same JSON.
pub fn visible_json(text: &str) -> Cow<'_, str> {
    shown(text, Escape::Json)
}

/// How a hidden character is written.
#[derive(Clone, Copy)]
enum Escape {
    /// `\u{1b}`.
    Rust,
    /// `\u001b`, which JSON reads back as the character.
    Json,
}

fn shown(text: &str, escape: Escape) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match (hidden(c), escape) {
            (false, _) => out.push(c),
            (true, Escape::Rust) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            (true, Escape::Json) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// Whether a terminal would act on `c` rather than show it.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The files a command reads, none of which it may write: writing one would destroy
/// it, or (as `eval -o DATA` would) truncate it while it is being read.
pub struct Inputs<'a> {
    files: Vec<(&'static str, &'a Path, Option<FileId>)>,
}

impl<'a> Inputs<'a> {
    /// The command's inputs, each with what it is: `("the data file", path)`.
    pub fn new(files: &[(&'static str, &'a Path)]) -> Inputs<'a> {
        Inputs {
            files: files
                .iter()
                .map(|&(role, path)| (role, path, file_id(path)))
                .collect(),
        }
    }

    /// Refuses `output` if it is one of the inputs, under whatever name: the same
    /// file through a link, another path or a hard link counts.
    pub fn refuse(&self, output: &Path) -> Result<(), Failure> {
        let Some(id) = file_id(output) else {
            return Ok(());
        };
        match self.files.iter().find(|(_, _, f)| f.as_ref() == Some(&id)) {
            Some((role, input, _)) => Err(Failure::usage(format!(
                "cannot write {}: it is {role} {}, which this command reads; choose another output",
                output.display(),
                input.display()
            ))),
            None => Ok(()),
        }
    }
}

/// What makes a file the same file, whatever its name.
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

/// The file at `path` (following links); `None` if there is none.
fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let metadata = fs::metadata(path).ok()?;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(path).ok()
    }
}

/// A file being written. The bytes go to a temporary file in the same folder, which
/// takes the file's place in one step on [`Pending::commit`]; dropped before then
/// (an error, a full disk), the temporary file is removed and whatever was at the
/// path stays as it was. A reader never sees half a file.
pub struct Pending {
    path: PathBuf,
    file: Target,
}

enum Target {
    /// A temporary file, to be renamed into place.
    Temporary(BufWriter<NamedTempFile>),
    /// A device or pipe (`/dev/null`, `/dev/stdout`), which cannot be replaced.
    Direct(BufWriter<File>),
}

/// Room for many rows before a write reaches the disk.
const BUFFER: usize = 64 * 1024;

impl Pending {
    /// A file the user named: a device or pipe at `path` is written directly.
    pub fn create(path: &Path) -> Result<Pending, Failure> {
        Pending::open(path, true)
    }

    /// A file in a folder others may write to: always replaced, never written
    /// through. A link at `path` is replaced by the file, so a link planted under the
    /// file's name cannot send the text elsewhere.
    pub fn replacing(path: &Path) -> Result<Pending, Failure> {
        Pending::open(path, false)
    }

    fn open(path: &Path, devices: bool) -> Result<Pending, Failure> {
        let fail = |e: io::Error| cannot_write(path, e);
        let existing = fs::metadata(path).ok();
        if existing.as_ref().is_some_and(fs::Metadata::is_dir) {
            return Err(Failure::usage(format!(
                "cannot write {}: it is a folder",
                path.display()
            )));
        }
        if devices && existing.as_ref().is_some_and(|m| !m.is_file()) {
            let file = File::create(path).map_err(fail)?;
            return Ok(Pending {
                path: path.to_path_buf(),
                file: Target::Direct(BufWriter::with_capacity(BUFFER, file)),
            });
        }
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            return Err(Failure::usage(format!(
                "cannot write {}: there is no folder {}",
                path.display(),
                folder.display()
            )));
        }
        // Named after the file and hidden, so one left by a killed run is recognised.
        let name = path.file_name().map_or_else(String::new, |n| {
            n.to_string_lossy().chars().take(40).collect::<String>()
        });
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        // The mode `File::create` gives (the umask applies), rather than owner-only.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temporary = builder
            .tempfile_in(folder)
            .map_err(|e| fail(without_temporary_name(e)))?;
        // A file replaced keeps its permissions; not so a link's target, which stays
        // as it was.
        if let Ok(old) = fs::symlink_metadata(path)
            && old.is_file()
        {
            temporary
                .as_file()
                .set_permissions(old.permissions())
                .map_err(fail)?;
        }
        Ok(Pending {
            path: path.to_path_buf(),
            file: Target::Temporary(BufWriter::with_capacity(BUFFER, temporary)),
        })
    }

    /// Writes `bytes`, naming the file if that fails.
    pub fn put(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.write_all(bytes)
            .map_err(|e| cannot_write(&self.path, e))
    }

    /// Puts the complete file in place of whatever was at its path.
    pub fn commit(self) -> Result<(), Failure> {
        let path = self.path;
        let fail = |e: io::Error| cannot_write(&path, e);
        match self.file {
            Target::Temporary(writer) => {
                let temporary = (writer.into_inner())
                    .map_err(|e| fail(without_temporary_name(e.into_error())))?;
                // On disk before it replaces the old file, so a crash leaves one or
                // the other, not an empty file.
                temporary.as_file().sync_all().map_err(fail)?;
                temporary.persist(&path).map_err(|e| fail(e.error))?;
            }
            Target::Direct(mut writer) => writer.flush().map_err(fail)?,
        }
        Ok(())
    }
}

impl Write for Pending {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Target::Temporary(w) => w.write(bytes).map_err(without_temporary_name),
            Target::Direct(w) => w.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Target::Temporary(w) => w.flush().map_err(without_temporary_name),
            Target::Direct(w) => w.flush(),
        }
    }
}

/// Writes `bytes` as the file at `path`, which the user named, whole or not at all.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut file = Pending::create(path)?;
    file.put(bytes)?;
    file.commit()
}

/// Writes `bytes` as the file at `path` in a folder others may write to, whole or
/// not at all, replacing whatever is at that name, a link included.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut file = Pending::replacing(path)?;
    file.put(bytes)?;
    file.commit()
}

/// The error `tempfile` gives, without the name of the temporary file it appends
/// (`... at path "/out/.x.csv.Ab12.part"`): the message names the file being written.
fn without_temporary_name(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.rsplit_once(" at path ") {
        Some((message, _)) => io::Error::new(e.kind(), message),
        None => e,
    }
}

/// The failure to write `path`, naming it.
fn cannot_write(path: &Path, e: io::Error) -> Failure {
    Failure::usage(format!("cannot write {}: {e}", path.display()))
}

/// Where a command's output goes: a file named by `-o`, replaced when complete, or
/// standard output.
pub enum Sink {
    /// A file.
    File(Pending),
    /// Standard output, and whether it is a terminal.
    Stdout(BufWriter<io::StdoutLock<'static>>, bool),
}

impl Sink {
    /// The file at `path`, or standard output.
    pub fn open(path: Option<&Path>) -> Result<Sink, Failure> {
        Ok(match path {
            Some(path) => Sink::File(Pending::create(path)?),
            None => {
                let out = io::stdout().lock();
                let terminal = out.is_terminal();
                Sink::Stdout(BufWriter::with_capacity(BUFFER, out), terminal)
            }
        })
    }

    /// Whether this is a terminal, where text should be [`visible`].
    pub fn is_terminal(&self) -> bool {
        matches!(self, Sink::Stdout(_, true))
    }

    /// Writes `bytes`.
    pub fn put(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let written = self.write_all(bytes);
        written.map_err(|e| self.failure(e))
    }

    /// What a failure to write here means: the file named, or a reader gone away.
    pub fn failure(&self, e: io::Error) -> Failure {
        match self {
            Sink::File(file) => cannot_write(&file.path, e),
            Sink::Stdout(..) => stdout_failure(e),
        }
    }

    /// Completes the output: the file takes its place, standard output is flushed.
    pub fn finish(self) -> Result<(), Failure> {
        match self {
            Sink::File(file) => file.commit(),
            Sink::Stdout(mut out, _) => out.flush().map_err(stdout_failure),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(file) => file.write(bytes),
            Sink::Stdout(out, _) => out.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(file) => file.flush(),
            Sink::Stdout(out, _) => out.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(visible("E04"), "E04");
        assert_eq!(
            visible("a\u{1b}[31mred\r\u{7}"),
            "a\\u{1b}[31mred\\u{d}\\u{7}"
        );
        assert_eq!(visible("line\n\ttab"), "line\n\ttab");
        assert_eq!(visible("\u{9b}2J \u{202e}gnp"), "\\u{9b}2J \\u{202e}gnp");
        assert_eq!(visible("坐席01"), "坐席01");
        assert_eq!(shown("\"\u{9b}\"", Escape::Json), "\"\\u009b\"");
    }
}
