"""Find the note files under content/ and read them as text."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from margin.diagnostics import Diagnostic, error, warning
from margin.model import SiteConfig, SourceFile

NOTE_SUFFIXES = (".md", ".markdown", ".ipynb")  # .ipynb: a Jupyter notebook (load/notebooks.py)
JEKYLL_FOLDERS = ("_posts", "_drafts")
_PUBLISHED = (*JEKYLL_FOLDERS, "_index.md", "_index.markdown")
MEGABYTE = 1024 * 1024
_READ_NOW = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)


def is_hidden(name: str) -> bool:
    """Names starting with '.' or '_' are not published, except Jekyll's post folders and
    Hugo's _index.md (a folder's own page)."""
    return name.startswith(".") or (name.startswith("_") and name not in _PUBLISHED)


def note_paths(config: SiteConfig) -> tuple[list[Path], list[Diagnostic]]:
    """Every note file under content/, in a stable order (a folder's files, then its folders,
    each by name); symlinks out of the site are skipped."""
    root, site = config.content_dir, config.site_dir.resolve()
    paths: list[Path] = []
    skipped: list[Diagnostic] = []
    if not root.is_dir():
        return paths, skipped

    root_inside = root.resolve().is_relative_to(site)

    def leaves_site(path: Path, is_link: bool) -> bool:
        # Only a symlink can lead out of a folder that is itself inside the site (resolving
        # every path would cost more than reading the notes).
        if (root_inside and not is_link) or path.resolve().is_relative_to(site):
            return False
        relative = path.relative_to(config.site_dir).as_posix()
        skipped.append(warning(relative, None, "symlink leaves the site folder; skipped"))
        return True

    def walk(folder: Path) -> None:
        # (os.scandir: whether an entry is a folder or a link comes with its name, where
        # os.walk and a Path for each file cost a system call more and a parse each)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:  # unreadable, or a loop of symlinks grown too long: as os.walk does
            return
        folders = []
        for entry in entries:
            if _is_folder(entry):
                folders.append(entry)
            elif entry.name.endswith(NOTE_SUFFIXES) and not is_hidden(entry.name):
                path = folder / entry.name
                if not leaves_site(path, entry.is_symlink()):
                    paths.append(path)
        for entry in folders:
            path = folder / entry.name
            if not is_hidden(entry.name) and not leaves_site(path, entry.is_symlink()):
                walk(path)

    walk(root)
    return paths, skipped


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # (through a symlink, as os.walk(followlinks=True) goes)
    except OSError:
        return False


def is_note_file(path: Path, config: SiteConfig) -> bool:
    """Whether note_paths() would list PATH (which may no longer exist)."""
    try:
        parts = path.relative_to(config.content_dir).parts
    except ValueError:
        return False
    if not parts or not path.name.endswith(NOTE_SUFFIXES) or any(is_hidden(p) for p in parts):
        return False
    return path.resolve().is_relative_to(config.site_dir.resolve())


def read_source(path: Path, config: SiteConfig) -> tuple[SourceFile | None, Diagnostic | None]:
    """The file's text (BOM dropped, line endings made '\\n'), or an error naming it."""
    relative = site_relative(path, config)
    limit = config.max_note_mb * MEGABYTE
    try:
        # Not blocking: opening a FIFO named x.md would otherwise wait for a writer forever.
        with open(os.open(path, _READ_NOW), "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None, warning(relative, None, f"{_kind(info.st_mode)}, not a note "
                                                     "file; skipped")
            found = file_stamp(info)  # before reading: a write meanwhile changes the
            data = stream.read(limit + 1)  # file's ctime after it
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # what opening a socket says
            return None, warning(relative, None, "a socket, not a note file; skipped")
        return None, error(relative, None, f"cannot read: {exc.strerror}")
    if len(data) > limit:
        return None, warning(relative, None, f"larger than {config.max_note_mb} MB "
                                             "(max_note_mb in site.toml); skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        return None, error(relative, line, f"not UTF-8 text (byte 0x{byte}); save it as UTF-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return SourceFile(path, relative, text, digest, found), None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a folder" if stat.S_ISDIR(mode) else "a special file"


def site_relative(path: Path, config: SiteConfig) -> str:
    """PATH (under the site folder) as diagnostics name it: site-relative, '/' between parts.
    By its text where it can be (a build names thousands of files)."""
    text, site = str(path), os.path.join(config.site_dir, "")
    if text.startswith(site) and os.sep == "/":
        return text[len(site):]
    return path.relative_to(config.site_dir).as_posix()


def file_stamp(info: os.stat_result) -> tuple[int, int, int, int]:
    """What changes whenever a file's bytes do: size, mtime, ctime (set by the system on every
    write, and not settable by programs) and inode (a file replaced by another)."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
