"""The pin store: registry roots pinned on first use, as SSH's ``known_hosts`` does for host keys.

docs/cli.md §Pinned registry roots. The folder is ``$CIVICRED_CONFIG_DIR``, else
``$XDG_CONFIG_HOME/civicred``, else ``~/.config/civicred``::

    pins/                  0700
      index.json           0600  registries by iss (root fingerprint, fetch URLs, when pinned)
                                 and, per root, the newest bundle / trust-list numbers seen
      <x5t#S256>.pem       0600  one pinned root, behind a comment header that names it

Files are written whole to a temporary file and renamed over the old one; a lock file serialises
the read-modify-write of concurrent processes. A damaged index is an error, never reset: it holds
the rollback memory, and forgetting it silently would let an old bundle back in.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from verifier import codes
from verifier._errors import VerificationError
from verifier.cli._common import CliError, read_file, write_atomically
from verifier.trust import Bundle, SequenceWatermark, dump_pem, load_pem_certificates, x5t_s256

CONFIG_ENV = "CIVICRED_CONFIG_DIR"
INDEX_FORMAT = "civicred-pins/1"
_FINGERPRINT = re.compile(r"[A-Za-z0-9_-]{43}")  # x5t#S256: also a safe file name


def config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    if environ.get("XDG_CONFIG_HOME"):
        return Path(environ["XDG_CONFIG_HOME"]) / "civicred"
    return Path.home() / ".config" / "civicred"


@dataclass(frozen=True, slots=True)
class Pin:
    """One pinned registry: its ``iss``, the root's ``x5t#S256``, where it was fetched from."""

    iss: str
    fingerprint: str
    subject: str
    pinned_at: str
    urls: tuple[str, ...]
    path: Path

    def root(self) -> x509.Certificate:
        try:
            certificates = load_pem_certificates(read_file(self.path, "the pinned root"))
        except VerificationError as exc:  # damaged: refuse, never fall back to "no pin"
            raise CliError(f"the pinned root {self.path} is damaged: {exc.message}") from None
        if x5t_s256(certificates[0]) != self.fingerprint:
            raise CliError(f"the pinned root {self.path} is not the one the index names")
        return certificates[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "iss": self.iss,
            "root": self.fingerprint,
            "subject": self.subject,
            "pinned_at": self.pinned_at,
            "urls": list(self.urls),
            "file": str(self.path),
        }


class PinMismatch(CliError):
    """A different root than the pinned one for the same registry (``trust.pin_mismatch``)."""

    def __init__(self, pin: Pin, offered: str, exit_code: int) -> None:
        super().__init__(
            f"[{codes.TRUST_PIN_MISMATCH}] THE REGISTRY ROOT HAS CHANGED for {pin.iss}: pinned "
            f"{pin.fingerprint} on {pin.pinned_at}, offered {offered}. Someone may be "
            "impersonating the registry. If the registry really changed its root, check the new "
            "fingerprint with its operator, then: civicred bundle pin --replace --root NEW.pem "
            "--bundle FILE",
            exit_code,
        )
        self.pin, self.offered = pin, offered


class PinStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "pins"
        self.index_path = self.folder / "index.json"

    @classmethod
    def default(cls) -> PinStore:
        return cls(config_dir())

    # -- reading ---------------------------------------------------------------------------
    def pins(self) -> list[Pin]:
        registries = self._index()["registries"]
        return [self._pin(iss, entry) for iss, entry in sorted(registries.items())]

    def find(self, *, iss: str | None = None, url: str | None = None) -> Pin | None:
        """The pin for a registry ``iss``, else one whose fetch URLs include ``url``."""
        pins = self.pins()
        return next((p for p in pins if iss is not None and p.iss == iss), None) or next(
            (p for p in pins if url is not None and url in p.urls), None
        )

    def find_root(self, fingerprint: str) -> Pin | None:
        return next((p for p in self.pins() if p.fingerprint == fingerprint), None)

    def watermark(self, fingerprint: str) -> SequenceWatermark | None:
        """The newest bundle / trust-list numbers seen from the root ``fingerprint``."""
        return self._watermark(self._index(), fingerprint)

    # -- writing ---------------------------------------------------------------------------
    def pin(
        self,
        iss: str,
        root: x509.Certificate,
        *,
        now: datetime,
        url: str | None = None,
        replace: bool = False,
        mismatch_exit: int = 2,
    ) -> bool:
        """Pin ``root`` for ``iss`` (adding ``url``); True if this changed the store. A different
        root already pinned for ``iss`` is :class:`PinMismatch` unless ``replace``."""
        fingerprint = x5t_s256(root)
        with self._locked():
            index = self._index()
            entry = index["registries"].get(iss)
            if entry is not None and entry.get("root") != fingerprint and not replace:
                raise PinMismatch(self._pin(iss, entry), fingerprint, mismatch_exit)
            if entry is None or entry.get("root") != fingerprint:
                self._write_root(root, iss, now)
                entry = {
                    "root": fingerprint,
                    "subject": root.subject.rfc4514_string(),
                    "pinned_at": _instant(now),
                    "urls": [],
                }
            elif url is None or url in entry.get("urls", []):
                return False
            if url is not None and url not in entry["urls"]:
                entry["urls"] = [*entry["urls"], url]
            index["registries"][iss] = entry
            self._write_index(index)
        return True

    def unpin(self, name: str) -> Pin | None:
        """Forget the registry ``name`` (its iss or one of its URLs); its root file goes too
        unless another registry shares it. The rollback memory of that root stays."""
        with self._locked():
            index = self._index()
            match = next(
                (
                    iss
                    for iss, e in index["registries"].items()
                    if name in (iss, *e.get("urls", []))
                ),
                None,
            )
            if match is None:
                return None
            gone = self._pin(match, index["registries"].pop(match))
            self._write_index(index)
            if all(e.get("root") != gone.fingerprint for e in index["registries"].values()):
                with contextlib.suppress(FileNotFoundError):
                    gone.path.unlink()
        return gone

    def remember(self, bundle: Bundle, *, now: datetime) -> bool:
        """Advance the rollback memory of the bundle's root; True if a number grew."""
        fingerprint = bundle.root_fingerprint
        with self._locked():
            index = self._index()
            known = self._watermark(index, fingerprint)
            advanced = SequenceWatermark.of(bundle) if known is None else known.advanced(bundle)
            if advanced == known:
                return False
            index["seen"][fingerprint] = {
                "bundle_sequence": advanced.bundle_sequence,
                "trust_list_sequence": advanced.trust_list_sequence,
                "registry": bundle.iss,
                "updated_at": _instant(now),
            }
            self._write_index(index)
        return True

    # -- files -----------------------------------------------------------------------------
    def _watermark(self, index: Mapping[str, Any], fingerprint: str) -> SequenceWatermark | None:
        entry = index["seen"].get(fingerprint)
        if entry is None:
            return None
        bundle = entry.get("bundle_sequence") if isinstance(entry, dict) else "?"
        trust_list = entry.get("trust_list_sequence") if isinstance(entry, dict) else None
        if not (bundle is None or type(bundle) is int) or type(trust_list) is not int:
            raise CliError(f"the pin store index {self.index_path} is damaged (seen {fingerprint})")
        return SequenceWatermark(bundle, trust_list)

    def _pin(self, iss: str, entry: Mapping[str, Any]) -> Pin:
        fingerprint = entry.get("root") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint):
            raise CliError(f"the pin store index {self.index_path} is damaged (registry {iss})")
        urls = entry.get("urls", [])
        return Pin(
            iss,
            fingerprint,
            str(entry.get("subject", "")),
            str(entry.get("pinned_at", "")),
            tuple(u for u in urls if isinstance(u, str)) if isinstance(urls, list) else (),
            self.folder / f"{fingerprint}.pem",
        )

    def _index(self) -> dict[str, Any]:
        if not self.index_path.exists():
            return {"format": INDEX_FORMAT, "registries": {}, "seen": {}}
        try:
            index = json.loads(read_file(self.index_path, "the pin store index"))
        except ValueError as exc:
            raise CliError(
                f"the pin store index {self.index_path} is not JSON ({exc}): repair or remove it"
            ) from None
        if (
            not isinstance(index, dict)
            or index.get("format") != INDEX_FORMAT
            or not isinstance(index.get("registries"), dict)
            or not isinstance(index.get("seen"), dict)
        ):
            raise CliError(f"the pin store index {self.index_path} is not a {INDEX_FORMAT} index")
        return index

    def _write_index(self, index: Mapping[str, Any]) -> None:
        text = json.dumps(index, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        self._write(self.index_path, text.encode("utf-8"))

    def _write_root(self, root: x509.Certificate, iss: str, now: datetime) -> None:
        header = (
            "# civicred pinned registry root (docs/cli.md, Pinned registry roots)\n"
            f"# registry: {iss}\n"
            f"# subject:  {root.subject.rfc4514_string()}\n"
            f"# x5t#S256: {x5t_s256(root)}\n"
            f"# pinned:   {_instant(now)}\n"
        )
        self._write(self.folder / f"{x5t_s256(root)}.pem", header.encode() + dump_pem(root))

    def _write(self, path: Path, data: bytes) -> None:
        write_atomically(path, data, mode=0o600)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Create the folders (0700) and hold ``pins/.lock`` for one read-modify-write."""
        for folder in (self.folder.parent, self.folder):
            if not folder.is_dir():
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.chmod(folder, 0o700)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                import fcntl
            except ImportError:  # no advisory locks on this platform: renames stay atomic
                yield
            else:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
        finally:
            os.close(fd)


def _instant(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()
