"""Command line: ``python -m camsim {run,start,stop,status}`` (PYTHONPATH=tools).

    run SITE                 serve in the foreground until Ctrl-C / SIGTERM
    start SITE --state-file F   serve in a background process; return once listening
    stop --state-file F      stop that process and wait for it to exit
    status --state-file F    print the running site's cameras (current addresses)
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from .config import SiteError, check_loopback
from .site import Site

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXIT_NOT_RUNNING = 3


def _table(cameras, out=sys.stdout):
    rows = [("NAME", "VENDOR", "STATUS", "DEVICE SERVICE", "RTSP", "CREDENTIALS")]
    rows += [(c["name"], c["vendor"], c.get("status", ""), c["device_url"], c["rtsp_url"],
              c["credentials"]) for c in cameras]
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [str(v).ljust(w) for v, w in zip(row, widths)] + [str(row[-1])]
        out.write("  ".join(cells).rstrip() + "\n")
    out.flush()


def _write_json(path, data):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.replace(temporary, path)


def _read_state(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def _running(pid):
    """True while ``pid`` exists and has not exited (its command line empties before it turns zombie)."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as handle:
            return handle.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def _alive(pid):
    """True if ``pid`` is a running (not zombie) camsim process."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as handle:
            if handle.read().rpartition(")")[2].split()[0] == "Z":
                return False
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return b"camsim" in handle.read()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def _setup_logging(args):
    level = logging.DEBUG if args.verbose else logging.INFO
    handler = logging.FileHandler(args.log) if args.log else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger("camsim")
    root.setLevel(level)
    root.addHandler(handler)


def cmd_run(args):
    _setup_logging(args)
    site = Site.from_file(args.site, persist=args.persist, control_port=args.control_port)
    state_file = os.path.abspath(args.state_file) if args.state_file else None

    def ready(site):
        summary = site.summary()
        summary["site_file"] = os.path.abspath(args.site)
        if state_file:
            _write_json(state_file, summary)
        if not args.quiet:
            _table(summary["cameras"])

    try:
        asyncio.run(site.serve_forever(ready))
    finally:
        state = _read_state(state_file) if state_file else None
        if state and state.get("pid") == os.getpid():
            os.unlink(state_file)
    return 0


def cmd_start(args):
    state_file = os.path.abspath(args.state_file)
    state = _read_state(state_file)
    if state and _alive(state["pid"]):
        sys.stderr.write("camsim already running (pid %d, %s)\n" % (state["pid"], state_file))
        return 1
    if state:
        os.unlink(state_file)
    Site.from_file(args.site)  # validate before spawning: errors go to the caller
    command = [sys.executable, "-m", "camsim", "run", os.path.abspath(args.site), "--quiet",
               "--state-file", state_file, "--control-port", str(args.control_port)]
    if args.persist:
        command += ["--persist", os.path.abspath(args.persist)]
    if args.verbose:
        command.append("--verbose")
    if args.log:
        command += ["--log", os.path.abspath(args.log)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [TOOLS_DIR, os.environ.get("PYTHONPATH")])))
    # the child's standard error: the log file, or an anonymous file read only on failure
    stderr_file = open(args.log, "a+b") if args.log else tempfile.TemporaryFile()
    with stderr_file, open(os.devnull, "wb") as devnull:
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=devnull, stderr=stderr_file,
                                 env=env, start_new_session=True)
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            state = _read_state(state_file)
            if state and state.get("pid") == child.pid:
                child.returncode = 0  # detached on purpose: not ours to wait for
                _table(state["cameras"])
                return 0
            if child.poll() is not None:
                stderr_file.seek(0)
                sys.stderr.write("camsim failed to start (exit %d):\n%s" % (
                    child.returncode, stderr_file.read().decode(errors="replace")[-4000:]))
                return 1
            time.sleep(0.05)
        child.terminate()
    sys.stderr.write("camsim did not come up within %.0f s\n" % args.timeout)
    return 1


def cmd_stop(args):
    state_file = os.path.abspath(args.state_file)
    state = _read_state(state_file)
    if not state or not _alive(state["pid"]):
        if state:
            os.unlink(state_file)
        print("camsim is not running")
        return 0
    pid = state["pid"]
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + args.timeout
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _running(pid):
        os.kill(pid, signal.SIGKILL)
        sys.stderr.write("camsim (pid %d) did not stop in %.0f s: killed\n" % (pid, args.timeout))
        deadline = time.monotonic() + 5
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    if os.path.exists(state_file):
        os.unlink(state_file)
    print("camsim stopped (pid %d)" % pid)
    return 0


def _live_cameras(state):
    """Current camera states from the control endpoint (loopback only, no proxies)."""
    url = state.get("control_url")
    if not url:
        return None
    check_loopback(url.split("//", 1)[1].split(":", 1)[0], "control_url")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url + "/cameras", timeout=5) as response:
            return json.load(response)
    except OSError:
        return None


def cmd_status(args):
    state = _read_state(os.path.abspath(args.state_file))
    if not state or not _alive(state["pid"]):
        print("camsim is not running")
        return EXIT_NOT_RUNNING
    cameras = _live_cameras(state) or state["cameras"]
    if args.json:
        print(json.dumps(dict(state, cameras=cameras), indent=1, sort_keys=True))
    else:
        print("camsim running: pid %d, control %s" % (state["pid"], state.get("control_url")))
        _table(cameras)
    return 0


def parser():
    top = argparse.ArgumentParser(prog="python -m camsim", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    for name in ("run", "start"):
        sub = commands.add_parser(name, help="serve a site (%s)" % (
            "foreground" if name == "run" else "background"))
        sub.add_argument("site", help="site description (YAML)")
        sub.add_argument("--state-file", required=(name == "start"),
                         help="JSON file with the pid and camera addresses")
        sub.add_argument("--persist", help="keep camera state across restarts in this JSON file")
        sub.add_argument("--control-port", type=int, default=0,
                         help="port of the JSON control endpoint on 127.0.0.1 (0: any free)")
        sub.add_argument("--log", help="log file (default: standard error)")
        sub.add_argument("-v", "--verbose", action="store_true", help="log every request")
        if name == "run":
            sub.add_argument("--quiet", action="store_true", help="do not print the camera table")
        else:
            sub.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for start")
    for name in ("stop", "status"):
        sub = commands.add_parser(name, help="%s a background site" % name)
        sub.add_argument("--state-file", required=True)
        if name == "stop":
            sub.add_argument("--timeout", type=float, default=30.0)
        else:
            sub.add_argument("--json", action="store_true", help="print JSON")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    handler = {"run": cmd_run, "start": cmd_start, "stop": cmd_stop, "status": cmd_status}[args.command]
    try:
        return handler(args)
    except (SiteError, OSError) as exc:
        sys.stderr.write("camsim: %s\n" % exc)
        return 2
    except KeyboardInterrupt:
        return 130
