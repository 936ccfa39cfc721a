"""The benchmark's own databases: created, dropped and marked without touching any other database."""

import json
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import psycopg
from psycopg import sql


def _settings(url: str) -> dict:
    return dj_database_url.parse(url)


def is_postgresql(url: str) -> bool:
    return _settings(url)["ENGINE"].endswith("postgresql")


def database_name(url: str) -> str:
    return str(_settings(url)["NAME"])


def _postgres_url(conf: dict, name: str) -> str:
    auth = quote(conf.get("USER") or "")
    if conf.get("PASSWORD"):
        auth += f":{quote(conf['PASSWORD'])}"
    return f"postgres://{auth}{'@' if auth else ''}{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{name}"


def sibling(url: str, suffix: str) -> str:
    """Another database next to the one of ``url``: same server, name with ``suffix``."""
    if is_postgresql(url):
        return _postgres_url(_settings(url), database_name(url) + suffix)
    path = Path(database_name(url))
    return f"sqlite:///{path.with_name(path.stem + suffix + path.suffix)}"


def url_of(connection) -> str:
    """The URL of a Django connection's database (e.g. pytest-django's test database)."""
    conf = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{conf['NAME']}"
    return _postgres_url(conf, conf["NAME"])


def _maintenance(url: str) -> psycopg.Connection:
    conf = _settings(url)
    return psycopg.connect(
        dbname="postgres",
        user=conf.get("USER") or None,
        password=conf.get("PASSWORD") or None,
        host=conf.get("HOST") or None,
        port=conf.get("PORT") or None,
        autocommit=True,
    )


def database_exists(url: str) -> bool:
    if not is_postgresql(url):
        return Path(database_name(url)).exists()
    with _maintenance(url) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]).fetchone()
    return row is not None


def database_recreate(url: str) -> None:
    """Drop (closing its sessions) and create the database of ``url``."""
    name = database_name(url)
    if not is_postgresql(url):
        Path(name).unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    with _maintenance(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def marker_read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def marker_write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
