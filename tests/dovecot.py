"""A private Dovecot IMAP server for tests: its own configuration, port, password file and maildir under a
temporary directory, started in the foreground (``dovecot -F``) and stopped after the tests.

It never touches the system's Dovecot (port 143, /etc/dovecot). As root, Dovecot refuses to run its login
process or to open mail as root, so those run as the package's unprivileged users (``dovenull``,
``dovecot``); as any other user everything runs as that user.
"""

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

USER = "antworten"
PASSWORD = "test-passwort"

CONFIG = """\
base_dir = {base}/run
state_dir = {base}/state
instance_name = test-dovecot-{port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {base}/dovecot.log
mail_location = maildir:{base}/mail/%u
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
last_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def binary() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    base: Path
    process: subprocess.Popen

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.base, ignore_errors=True)


def start(executable: str) -> Dovecot:
    base = Path(tempfile.mkdtemp(prefix="test-dovecot-"))
    base.chmod(0o755)  # the login process (another user when run as root) reaches its sockets in here
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
        login_user, internal_user, internal_group = "dovenull", "dovecot", "dovecot"
    else:
        me = pwd.getpwuid(os.geteuid())
        uid, gid = me.pw_uid, me.pw_gid
        login_user = internal_user = me.pw_name
        internal_group = str(gid)
    (base / "mail").mkdir()
    os.chown(base / "mail", uid, gid)
    (base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    config = base / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            base=base,
            port=port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
            internal_group=internal_group,
        )
    )
    process = subprocess.Popen([executable, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Dovecot(host="127.0.0.1", port=port, user=USER, password=PASSWORD, base=base, process=process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            log = server.log()
            shutil.rmtree(base, ignore_errors=True)
            raise RuntimeError(f"dovecot exited with {process.returncode}: {stderr}\n{log}")
        try:
            server.client().logout()
            return server
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.1)
    log = server.log()
    server.stop()
    raise RuntimeError(f"dovecot did not answer on port {port}:\n{log}")
