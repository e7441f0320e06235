"""`margin serve`: the session, the watcher and the HTTP server, started and stopped together.

    build everything -> serve -> (save -> classify -> rebuild what changed -> write -> reload)*

The session (serve/session.py) runs the build's own stages; this module only wires it to the
file watcher, the gate that makes requests wait for a rebuild, and the browsers' event stream.
"""

from __future__ import annotations

import gc
import os
import secrets
import signal
import sys
import threading
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import margin
from margin import diagnostics as diag
from margin import urls
from margin.build import Options
from margin.diagnostics import Diagnostic
from margin.incremental.build import searched_store
from margin.load.discover import note_paths
from margin.model import SiteConfig
from margin.progress import ProgressBar
from margin.serve.changes import watched_files
from margin.serve.http import PreviewServer
from margin.serve.hub import ReloadHub
from margin.serve.outcome import Outcome
from margin.serve.searchindex import SearchRefresher
from margin.serve.session import Session
from margin.serve.watch import Watcher
from margin.write.output import OutputError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Files an open page cannot show: their change reloads no tab by itself.
_NOT_SHOWN = (".html", ".css", ".xml", ".json", ".txt", ".webmanifest")


class Preview:
    """A running `margin serve`; start() returns the URL, stop() undoes everything."""

    def __init__(self, config: SiteConfig, *, host: str = "127.0.0.1", port: int = 8000,
                 overrides: dict | None = None, config_problems: Iterable[Diagnostic] = (),
                 out: TextIO | None = None, quiet: bool = False):
        self.config, self.host, self.port = config, host, port
        self.out = out or sys.stderr
        self.quiet = quiet
        self.hub = ReloadHub()
        self.session = Session(config, overrides, config_problems)
        self.watcher = Watcher(self._on_batch)
        self.search = SearchRefresher(config.output_dir, self._search_problems,
                                      cuts=searched_store(config.site_dir))
        self._search_said: set[Diagnostic] = set()
        self.server: PreviewServer | None = None
        self._thread: threading.Thread | None = None
        self._printed: set[Diagnostic] = set()
        self._stopped = threading.Event()
        self.last: Outcome | None = None
        self.ready = threading.Event()  # set once the session holds the site as built

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}{urls.prefix_of(self.config.base_url)}/"

    def start(self) -> str:
        """Build the site, bind the port, start watching; raises OSError if the port is taken
        and OutputError if the output folder is not margin's."""
        self.server = PreviewServer((self.host, self.port), self.config.output_dir, self.hub,
                                    prefix=urls.prefix_of(self.config.base_url),
                                    instance=secrets.token_hex(4))  # the port first: fail fast
        self._say(f"margin: building {len(note_paths(self.config)[0]):,} notes…")
        progress = ProgressBar.for_terminal(self.quiet, self.out)
        try:
            with self.hub.writing():
                outcome = self.session.open(Options(progress=progress))
        finally:
            if progress:
                progress.close()
        self.watcher.watch(self._folders(), watched_files(self.config))
        self.watcher.start()  # saves from now on wait for the take-over (_on_batch)
        _settle()
        self._report(outcome, first=True)
        self.hub.publish((), [str(e) for e in outcome.errors])
        self._thread = threading.Thread(target=self.server.serve_forever, name="margin-http",
                                        kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        threading.Thread(target=self._take_over, name="margin-take-over", daemon=True).start()
        self.search.start(now=not self.session.built_index)
        return self.url

    def _take_over(self) -> None:
        """While the first pages are served: the session's state from the site as built.
        Saves wait for it (see _on_batch)."""
        try:
            outcome = self.session.take_over(self.hub.writing)
            if outcome is None:
                if self.session.built_index:  # saves wait: the pages are the build's still
                    self.search.seed(self.session.output.records.pages)
                return
        except Exception as exc:  # a bug in margin: say it; the site as built stays up
            self._internal_error(exc)
            return
        finally:
            self.ready.set()
        self._after_round(outcome)

    def wait(self) -> None:
        """Block until stop() (or Ctrl-C, which the caller turns into stop())."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop serving; when the site changed while served, the session leaves the build's
        cache and records as a build would (indexing the search shards whose pages changed
        since the refresher last ran), so that the next build finds nothing to do."""
        self._stopped.set()
        self.watcher.stop()
        if self.server is not None:
            if self._thread is not None and self._thread.is_alive():
                self.server.shutdown()
            self.server.server_close()
        if not (self.session.changed and self._thread is not None):  # (None: never served)
            self.search.stop()
            return
        self.search.stop(timeout=None)  # the session brings the search index up to date
        self.ready.wait()
        self._say("margin: saving the site's build state for the next `margin build`…")
        report = self.session.save(search=self.search.present())
        diag.print_all(sorted(set(report.diagnostics) - self._printed), self.out)

    def _folders(self) -> list[Path]:
        config = self.config
        folders = [config.content_dir, config.templates_dir, config.assets_dir]
        if config.theme_dir is not None and _editable(config.theme_dir):
            folders += [config.theme_dir / "templates", config.theme_dir / "assets"]
        return folders

    def _on_batch(self, paths: set[Path]) -> None:
        """A batch of saved paths: rebuild under the gate, then tell the browsers."""
        self.ready.wait()  # the session's state is that of the site as built first
        try:
            with self.hub.writing():
                outcome = self.session.rebuild(paths)
        except Exception as exc:  # a bug in margin: say it, keep serving the last good site
            self._internal_error(exc)
            return
        if outcome is not None:
            self._after_round(outcome)

    def _internal_error(self, exc: Exception) -> None:
        if os.environ.get("MARGIN_DEBUG"):
            traceback.print_exc(file=self.out)
        self._say(f"margin: internal error while rebuilding: {type(exc).__name__}: {exc}")
        self.hub.publish((), [f"margin: internal error: {type(exc).__name__}: {exc}"])

    def _after_round(self, outcome: Outcome) -> None:
        """Say what a rebuild did and tell the browsers which pages changed."""
        self.last = outcome
        if outcome.config and self.server is not None:  # site.toml may move the output
            self.config = self.session.config
            self.server.root = self.search.output = self.config.output_dir
            self.server.prefix = urls.prefix_of(self.config.base_url)
        self._report(outcome)
        changed = [_url_of(p) for p in (*outcome.written, *outcome.removed)]
        everything = (outcome.config and outcome.changed) or any(
            not u.endswith(_NOT_SHOWN) and not u.endswith("/") for u in changed)
        self.hub.publish(changed, [str(e) for e in outcome.errors], everything)
        if any(u.endswith("/") or u.endswith(".html") for u in changed):
            self.search.changed(self.session.output.records.pages)
        _settle()  # after the browsers were told: it costs them nothing

    def _report(self, outcome: Outcome, first: bool = False) -> None:
        """New problems (each once), then one line about the rebuild."""
        current = set(outcome.diagnostics)
        fresh = current - self._printed
        had_errors = any(d.level is diag.Level.ERROR for d in self._printed)
        self._printed = current
        diag.print_all(fresh, self.out)
        errors = len(outcome.errors)
        milliseconds = outcome.seconds * 1000
        if first:
            built = outcome.built if outcome.built and not outcome.built.failed else None
            notes = built.notes if built else len(self.session.notes)
            what = (f"up to date ({built.written:,} pages)" if built and built.unchanged
                    else f"{built.written if built else outcome.pages:,} pages built")
            self._say(f"margin: {notes:,} notes, {what} in {outcome.seconds:.2f} s")
        elif not self.quiet:
            what = ", ".join(f"{k} ({c.value})" for k, c in sorted(outcome.notes.items())[:3])
            if len(outcome.notes) > 3:
                what += f" and {len(outcome.notes) - 3} more"
            kinds = [what] if what else []
            kinds += ["templates"] * outcome.templates + ["assets"] * outcome.assets
            kinds += ["site.toml"] * outcome.config
            self._say(f"margin: {'; '.join(kinds) or 'no change'}: {outcome.drawn} pages drawn, "
                      f"{len(outcome.written)} files written, {len(outcome.removed)} removed "
                      f"in {milliseconds:.0f} ms")
        if errors:
            self._say(f"margin: {errors} error{'s' * (errors != 1)}, shown in the browser; "
                      "the last good version of each page stays up")
        elif had_errors:
            self._say("margin: no errors left")

    def _search_problems(self, problems: list[Diagnostic]) -> None:
        """Pagefind's warnings (not installed, failed), each said once."""
        fresh = set(problems) - self._search_said
        self._search_said |= fresh
        diag.print_all(fresh, self.out)

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def serve(config: SiteConfig, *, host: str, port: int, open_browser: bool = False,
          overrides: dict | None = None, config_problems: Iterable[Diagnostic] = (),
          out: TextIO | None = None) -> int:
    """Run `margin serve` until Ctrl-C; the exit code."""
    out = out or sys.stderr
    if host not in LOCAL_HOSTS:
        print(f"margin: warning: serving on {host}: anyone who can reach this machine "
              "can read the site", file=out)
    preview = Preview(config, host=host, port=port, overrides=overrides,
                      config_problems=config_problems, out=out)
    try:
        url = preview.start()
    except OSError as exc:
        print(f"margin: cannot serve on {host}:{port}: {exc.strerror or exc}"
              f"{' (try --port ' + str(port + 1) + ')' if port else ''}", file=out)
        preview.stop()
        return 1
    except OutputError as exc:  # the folder is not one margin made
        print(f"margin: {exc}", file=out)
        preview.stop()
        return 1
    print(f"margin: serving {url} (Ctrl-C to stop)", file=out, flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    previous = _stop_on_terminate()
    try:
        preview.wait()
    except KeyboardInterrupt:
        print("\nmargin: stopping", file=out)
    finally:
        preview.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _stop_on_terminate():
    """Let SIGTERM stop the server as cleanly as Ctrl-C; the handler it replaces."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _settle() -> None:
    """Take the site now in memory out of the cycle collector's sight. Its hundreds of
    thousands of long-lived objects would otherwise be walked by every full collection,
    which then lands in the middle of a rebuild as a 100-200 ms pause."""
    gc.collect()
    gc.freeze()


def _url_of(path: str) -> str:
    """'a/b/index.html' -> '/a/b/', 'assets/x.css' -> '/assets/x.css'."""
    if path == "index.html" or path.endswith("/index.html"):
        return "/" + path[: -len("index.html")]
    return "/" + path


def _editable(theme_dir: Path) -> bool:
    """Whether the built-in theme is the repository's (an editable install): then it is
    watched too, so theme work shows at once."""
    return not theme_dir.resolve().is_relative_to(Path(margin.__file__).resolve().parent)
