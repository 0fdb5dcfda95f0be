"""A secret of this machine's user, and digests keyed with it, so that a cache trusts only what
this machine wrote.

The caches live in the project folder (``.cache/living-survey/``), where files can arrive from
outside: force-added in a pull request, or restored by CI from another run. A plain hash of
public things (the code, the library versions, the inputs) can be computed by anyone, so a forged
record could carry the right one. An HMAC keyed with a secret kept in the user's own cache folder
(``$XDG_CACHE_HOME/living-survey/secret``, by default ``~/.cache/living-survey/secret``) cannot:
a cache written on another machine, copied from elsewhere or committed to the repository does not
match, and is read as no cache.

When that place cannot be used (no home folder, a read-only disk, a file with the wrong owner or
permissions), or when it lies inside the project, its docs or its site (where a pull request could
write it), each process uses a random secret of its own: nothing is reused across processes, and
nothing fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

SECRET_BYTES = 32
"""The secret's length: as long as the HMAC's hash (SHA-256) output."""
FILE_MAX_BYTES = 1 << 30
"""A cache file larger than this is not read (10,000 entries keep about 30 MB)."""

_PROCESS = secrets.token_bytes(SECRET_BYTES)
"""The fallback: a secret that lives as long as this process, so a cache is reused only by it."""
_KNOWN: dict[str, bytes] = {}
"""Secrets already read, by the file's path (a build reads it once, not once per cache)."""


def secret_file() -> Path | None:
    """Where the machine's secret lives, or ``None`` when there is no user cache folder."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no home folder for this user
            return None
    return Path(base) / "living-survey" / "secret"


def _open_regular(path: Path) -> tuple[BinaryIO, os.stat_result] | None:
    """``path`` opened for reading if it is a regular file (not through a link, never blocking on
    a pipe), with its status; ``None`` otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    if not stat.S_ISREG(info.st_mode):  # a folder, a device, a pipe or a socket
        os.close(fd)
        return None
    return os.fdopen(fd, "rb"), info


def _read_secret(location: Path) -> bytes | None:
    """The secret in ``location`` if it is a regular file of this user, readable by no one else,
    of the right length; ``None`` otherwise (including when it does not exist)."""
    opened = _open_regular(location)
    if opened is None:
        return None
    handle, info = opened
    with handle:
        mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
        if not mine or info.st_mode & 0o077:
            return None
        try:
            data = handle.read(SECRET_BYTES + 1)
        except OSError:
            return None
    return data if len(data) == SECRET_BYTES else None


def _create_secret(location: Path) -> bytes | None:
    """Write a new secret to ``location`` atomically, readable by this user alone, unless another
    process got there first (then theirs is the one); ``None`` if it cannot be written."""
    try:
        location.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = location.with_name(f".secret.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(SECRET_BYTES))
        # a hard link fails if the name exists: of two processes starting at once, one secret wins
        with contextlib.suppress(FileExistsError):
            os.link(temporary, location)
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return _read_secret(location)


def machine_secret(*avoid: Path) -> bytes:
    """This machine's secret (created on first use), or this process's own when the secret's place
    is unusable or lies inside one of the folders ``avoid`` (the project, its docs, its site)."""
    location = secret_file()
    if location is None:
        return _PROCESS
    try:
        real = location.parent.resolve() / location.name
    except (OSError, RuntimeError):
        return _PROCESS
    for folder in avoid:
        with contextlib.suppress(OSError, RuntimeError):
            folder = folder.resolve()
        if real.is_relative_to(folder):
            return _PROCESS
    known = _KNOWN.get(str(real))
    if known is None:
        known = _read_secret(real) or _create_secret(real) or _PROCESS
        _KNOWN[str(real)] = known
    return known


def keyed_digest(secret: bytes, label: str, *parts: bytes) -> str:
    """An HMAC-SHA256 of ``parts`` (each length-prefixed, so no two lists of parts give the same
    message), for the use ``label`` names (so a digest made for one use is never valid for another)."""
    mac = hmac.new(secret, label.encode("utf-8") + b"\0", hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


def data_digest(secret: bytes, label: str, data: bytes) -> str:
    """The keyed digest of one file's bytes, as :func:`file_digest` computes it from the file."""
    return hmac.new(secret, label.encode("utf-8") + b"\0" + data, hashlib.sha256).hexdigest()


def same(found: str, expected: str) -> bool:
    """Compare two digests in constant time (a timing difference must not reveal a correct prefix)."""
    return hmac.compare_digest(found.encode("utf-8", "replace"), expected.encode("utf-8"))


def signed(secret: bytes, label: str, body: bytes) -> bytes:
    """``body`` behind a first line holding its keyed digest: what :func:`unsigned` accepts."""
    return keyed_digest(secret, label, body).encode("ascii") + b"\n" + body


def unsigned(secret: bytes, label: str, data: bytes) -> bytes | None:
    """The body of ``data`` made by :func:`signed` with this secret and label, else ``None``."""
    head, newline, body = data.partition(b"\n")
    if not newline or not same(head.decode("ascii", "replace"), keyed_digest(secret, label, body)):
        return None
    return body


def read_signed(path: Path, secret: bytes, label: str) -> bytes | None:
    """The body of the file ``path`` if this machine signed it; ``None`` for anything else: missing,
    not a regular file (a link, a device, a pipe), too large, or signed elsewhere."""
    opened = _open_regular(path)
    if opened is None:
        return None
    handle, _ = opened
    with handle:
        try:
            data = handle.read(FILE_MAX_BYTES + 1)
        except OSError:
            return None
    if len(data) > FILE_MAX_BYTES:
        return None
    return unsigned(secret, label, data)


def file_digest(path: Path, secret: bytes, label: str) -> str | None:
    """:func:`data_digest` of a regular file's bytes (read in chunks); ``None`` for a link, a device,
    a pipe, a file larger than the limit or one that cannot be read."""
    opened = _open_regular(path)
    if opened is None:
        return None
    handle, info = opened
    with handle:
        if info.st_size > FILE_MAX_BYTES:
            return None
        mac = hmac.new(secret, label.encode("utf-8") + b"\0", hashlib.sha256)
        try:
            while chunk := handle.read(1 << 20):
                mac.update(chunk)
        except OSError:
            return None
    return mac.hexdigest()
