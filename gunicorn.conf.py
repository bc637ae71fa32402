"""Production serving: ``.venv/bin/gunicorn -c gunicorn.conf.py dashboard.wsgi:server``.

Every value can be overridden from the environment (COEUR_BIND, COEUR_WORKERS, COEUR_THREADS,
COEUR_PRELOAD, COEUR_ACCESS_LOG) or on gunicorn's own command line; the app reads COEUR_DATA_DIR,
COEUR_STATE_DIR, COEUR_ALLOW_SHRINK and the others of dashboard/settings.py. The supported setup puts
nginx in front: scripts/serve-production.sh. The choices are measured by
``python bench/run.py`` (README, "Benchmark").
"""

import functools
import os
import threading
import time

# Loopback by default: a reverse proxy in front publishes it.
bind = os.environ.get("COEUR_BIND", "127.0.0.1:8050")

# Callbacks are CPU-bound Python (pandas, figure building): about two processes per core keep both cores
# busy. The supported setup has nginx in front (deploy/nginx), which buffers whole requests and answers, so
# gunicorn only ever sees complete requests from a fast local client: sync workers, as gunicorn's own
# documentation recommends behind a buffering proxy. Measured (issue 24): through nginx, sync workers serve
# as many requests as gthread × 4 and the three workers weigh ~25 MiB less (PSS; one malloc arena each
# instead of one per thread). Without a proxy (a trusted network only), set COEUR_THREADS=4: a sync worker
# is held by one idle socket (3 sockets stalled the site), while a gthread worker (gunicorn >= 23) hands a
# connection that sends nothing for 5 s back to its poller and has 4 threads.
workers = int(os.environ.get("COEUR_WORKERS", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("COEUR_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"

# The data is loaded and validated once, in the master, before forking: each worker starts with it
# (copy-on-write), the start does not grow with the number of workers, and a broken data folder
# stops the server at once instead of every worker failing in turn.
preload_app = os.environ.get("COEUR_PRELOAD", "1") == "1"

timeout = 30  # a callback never takes seconds: a worker stuck that long is killed and replaced
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (a fork of the preloaded master: cheap), staggered.
max_requests = 5000
max_requests_jitter = 500

# Access log off (the proxy keeps one); errors to stderr.
accesslog = os.environ.get("COEUR_ACCESS_LOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = "warning"


def when_ready(server):
    """In the master, once the app is loaded and before any worker is forked: play a first visit, so
    that every worker (and every replacement, see max_requests) starts warm (endpoints/warmup.py); then
    look at the data files for the workers (_watch_data)."""
    if not preload_app:
        return
    _prepare(server)
    holder = _holder(server)
    if holder is not None:
        _watch_data(server, holder)


def _prepare(server):
    import gc

    from dashboard.endpoints.warmup import warm_up

    server.log.info("warm-up: %s", warm_up(server.app.wsgi()))
    holder = _holder(server)
    if holder is not None:  # every year's statuses, shared with the workers (all of France: 15 ms a year)
        holder.get().prepare_years()
    # Everything loaded so far lives as long as the server: out of the garbage collector's sight, a full
    # collection in a worker neither walks the dataset (long pauses) nor writes to its pages (which
    # would unshare them from the master: copy-on-write). Unfrozen first: a version replaced is collected.
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _release_free_memory(server)


def _watch_data(server, holder):
    """In the master, a thread looks at the data files every few seconds (versions/live.py). The workers
    never load a version: when what pages show changes (a version accepted, refused or held), the master
    prepares the new one and replaces its workers: each old one stops taking connections and finishes its
    requests (SIGTERM), and gunicorn forks a new one from the master, which shares the new data
    copy-on-write. Old and new workers never answer side by side (a client would see the new version, then
    the old one): connections wait in the socket's queue for the fork instead (measured by
    bench/robustness.py, "reloads"). One load per instance, not one per worker, and the memory of a
    version replaced goes with its workers."""
    import time

    def watch():
        while True:
            time.sleep(holder.check_every)
            try:
                holder.look_now()
                _switch(server, holder)
            except Exception:  # the watch must outlive any surprise; the log has it
                server.log.exception("looking at the data failed")

    _SWITCH["shown"] = holder.shown()
    threading.Thread(target=watch, name="coeur-data-watch", daemon=True).start()


# What the master's workers show, and the lock held while they are replaced (never while looking at files).
_SWITCH = {"shown": None}
_SWITCHING = threading.Lock()


def _switch(server, holder):
    """If the master holds another version than its workers show: prepare it and stop every worker (gunicorn
    forks new ones). Called by the watch after each look, and before each fork (pre_fork): a worker forked
    for another reason (max_requests, a worker killed) while the master already holds a new version would
    otherwise serve it beside workers still serving the old one."""
    import contextlib
    import signal

    with _SWITCHING:
        shown = holder.shown()
        if shown == _SWITCH["shown"]:
            return
        _prepare(server)
        for pid in list(server.WORKERS):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        _SWITCH["shown"] = shown


def pre_fork(server, _worker):
    """In the master, before each fork: take the version of the data accepted since it started (and any
    worker forked from it starts with that version already, see dashboard/versions/accepted.py); if that
    is not what the workers show, they are replaced first (_switch)."""
    holder = _holder(server)
    if holder is not None:
        holder.catch_up()
        if _SWITCH["shown"] is not None:
            _switch(server, holder)


def post_fork(server, _worker):
    """In each new worker, before it serves: serve the master's version and never load one (the master
    replaces the workers when it changes, see _watch_data)."""
    holder = _holder(server)
    if holder is not None:
        holder.serve_forked()
        holder.get()


# A request that took this much of its thread's CPU time built large temporary frames (a page drawn, a full
# update over 100,000 operations): glibc keeps what they freed in the worker's heap. Given back after such a
# request, ~16 MiB per worker (issue 24, README « Where the memory goes »); a call costs ~0.1 ms, hence not
# after every request. CPU time, not wall-clock time: on a busy machine a short request waits for a core and
# took as long as a big one; the heap it leaves does not depend on that, and neither does the memory measured.
TRIM_AFTER_S = 0.05


def pre_request(_worker, request):
    # On the request, not the worker: a gthread worker serves several at once, each in its own thread.
    request.coeur_cpu_started = time.thread_time()


def post_request(_worker, request, _environ, _response):
    """In a worker, once an answer is sent (in the thread that served it, as pre_request): after a long
    request, the heap it freed back to the system."""
    if worth_trimming(getattr(request, "coeur_cpu_started", None), time.thread_time()):
        _malloc_trim()


def worth_trimming(started: float | None, now: float) -> bool:
    """Whether a request that began at ``started`` and ends at ``now`` (its thread's CPU time, seconds)
    built enough to give the heap back after it (``None``: its start was not seen)."""
    return started is not None and now - started >= TRIM_AFTER_S


def _holder(server):
    """The app's LiveContext, when the app is loaded in the master (preload_app)."""
    return server.app.wsgi().extensions.get("coeur_live") if preload_app else None


def _release_free_memory(server):
    """Give back to the system the heap that loading and validating the data freed (~130 MB for 100,000
    operations): otherwise each worker reuses those inherited pages for its own allocations, and every
    page it writes to is copied into it."""
    if not _malloc_trim():
        server.log.info("malloc_trim unavailable")


def _malloc_trim() -> bool:
    """glibc's malloc_trim(0): the free memory of the heap given back to the system; False elsewhere."""
    trim = getattr(_libc(), "malloc_trim", None)  # not glibc: nothing to trim
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _libc():
    """The C library, found once (in the master: find_library takes milliseconds)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
