"""Signing and verifying with OpenSSH (``ssh-keygen -Y``): no cryptography of our own."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from channels.errors import InputError

NAMESPACE = "pmh-approval"
_TIMEOUT_S = 30


def sign(data: bytes, key: Path) -> str:
    """An armored SSHSIG signature of ``data`` by the private key ``key`` (or an agent's)."""
    if not key.is_file():
        raise InputError("--key", f"{key}: no such key file",
                         "give your private key with --key, or create one with "
                         "'ssh-keygen -t ed25519 -f ~/.ssh/pmh-approval'")
    with tempfile.TemporaryDirectory(prefix="pmh-sign-") as temp:
        message = Path(temp) / "statement"
        message.write_bytes(data)
        done = _keygen("-Y", "sign", "-f", str(key), "-n", NAMESPACE, str(message))
        if done.returncode != 0:
            reason = _last_line(done.stderr) or "ssh-keygen failed"
            raise InputError("--key", f"{key}: cannot sign: {reason}",
                             "use a private key without a passphrase, or load it into ssh-agent")
        return (Path(temp) / "statement.sig").read_text(encoding="ascii")


def find_principal(signature: str, allowed: Path) -> str | None:
    """The principal in ``allowed`` whose key made ``signature`` (None if nobody's)."""
    with tempfile.TemporaryDirectory(prefix="pmh-find-") as temp:
        sig = Path(temp) / "statement.sig"
        sig.write_text(signature, encoding="ascii")
        done = _keygen("-Y", "find-principals", "-f", str(allowed), "-n", NAMESPACE,
                       "-s", str(sig))
    lines = done.stdout.split()
    return lines[0] if done.returncode == 0 and lines else None


def verify(data: bytes, signature: str, principal: str, allowed: Path) -> bool:
    """Whether ``signature`` is ``principal``'s over exactly ``data``, per ``allowed``."""
    with tempfile.TemporaryDirectory(prefix="pmh-verify-") as temp:
        sig = Path(temp) / "statement.sig"
        sig.write_text(signature, encoding="ascii")
        done = _keygen("-Y", "verify", "-f", str(allowed), "-I", principal, "-n", NAMESPACE,
                       "-s", str(sig), stdin=data)
    return done.returncode == 0


def _keygen(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    # stdin is never a terminal: a passphrase prompt fails at once instead of hanging.
    done = subprocess.run(["ssh-keygen", *args], input=stdin, capture_output=True,
                          timeout=_TIMEOUT_S, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
