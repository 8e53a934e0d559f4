"""Serve a built site on 127.0.0.1 with gzip, as a real web host would (Python's http.server
does not compress). Used by `make serve` and by the Lighthouse run.

Usage: python tools/serve.py [DIRECTORY] [--port 8000]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import threading
from pathlib import Path

COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".xml", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for clients that accept it (compressed once, then cached)."""

    _cache: dict[tuple[str, float], bytes] = {}

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().do_GET()
        key = (str(path), path.stat().st_mtime)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(body)


def start(directory: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """Serve ``directory`` in a background thread; returns the server (``server_address``)."""
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a built site with gzip on 127.0.0.1.")
    parser.add_argument("directory", nargs="?", default="_build/html", type=Path)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = start(args.directory, args.port)
    print(f"Serving {args.directory} on http://127.0.0.1:{server.server_address[1]} (Ctrl-C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
