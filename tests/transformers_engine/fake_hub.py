"""A tiny Hugging Face hub on 127.0.0.1 that serves model folders, for `models download` tests.

It answers the few endpoints huggingface_hub's `list_repo_files` and `snapshot_download` use:
repository info, the file tree, and `resolve` (HEAD for metadata, GET for content). Unknown
repositories get 404 with the hub's "RepoNotFound" error code. Every request is recorded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub:
    """`with FakeHub({"owner/name": folder}) as hub:` serves at `hub.url`."""

    def __init__(self, repos: dict[str, Path]) -> None:
        self.repos = repos
        self.requests: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_HEAD(self) -> None:
                hub.handle(self, head=True)

            def do_GET(self) -> None:
                hub.handle(self, head=False)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def files(self, repo: str) -> list[Path]:
        root = self.repos[repo]
        return sorted(p for p in root.rglob("*") if p.is_file())

    def handle(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        path = unquote(urlparse(request.path).path)
        self.requests.append(f"{request.command} {path}")
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "models"]:
            repo = "/".join(parts[2:4])
            if repo not in self.repos:
                return self.send(request, 404, {"error": "Repository not found"},
                                 {"X-Error-Code": "RepoNotFound"}, head)
            if parts[4:5] == ["tree"]:
                tree = [{"type": "file", "path": str(p.relative_to(self.repos[repo])),
                         "size": p.stat().st_size, "oid": self.etag(p)} for p in self.files(repo)]
                return self.send(request, 200, tree, {}, head)
            siblings = [{"rfilename": str(p.relative_to(self.repos[repo]))}
                        for p in self.files(repo)]
            return self.send(request, 200, {"id": repo, "modelId": repo, "sha": COMMIT,
                                            "siblings": siblings, "private": False}, {}, head)
        if len(parts) >= 5 and parts[2] == "resolve":
            repo, filename = "/".join(parts[:2]), "/".join(parts[4:])
            if repo not in self.repos:
                return self.send(request, 404, {"error": "Repository not found"},
                                 {"X-Error-Code": "RepoNotFound"}, head)
            file = self.repos[repo] / filename
            if not file.is_file():
                return self.send(request, 404, {"error": "Entry not found"},
                                 {"X-Error-Code": "EntryNotFound"}, head)
            headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{self.etag(file)}"'}
            return self.send(request, 200, file.read_bytes(), headers, head)
        return self.send(request, 404, {"error": "not found"}, {}, head)

    @staticmethod
    def etag(file: Path) -> str:
        return hashlib.sha1(file.read_bytes()).hexdigest()

    @staticmethod
    def send(request: BaseHTTPRequestHandler, status: int, body: object,
             headers: dict[str, str], head: bool) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Content-Type", "application/octet-stream" if isinstance(
            body, bytes) else "application/json")
        for key, value in headers.items():
            request.send_header(key, value)
        request.end_headers()
        if not head:
            request.wfile.write(data)
