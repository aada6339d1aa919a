"""Measuring helpers: percentiles, machine facts, child processes' memory, a bounded loopback load generator."""

from __future__ import annotations

import http.client
import os
import platform
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100) by linear interpolation; nan for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def machine_facts() -> dict:
    """CPU count and model, RAM, OS and Python: the context every number needs."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = float("nan")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = int(line.split()[1]) / 2**20
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "ram_gb": round(ram_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def git_commit(repo: Path) -> str:
    """Short commit of the repository, with '+dirty' when the work tree has changes."""
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo, capture_output=True,
                               text=True).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def process_tree(root: int) -> list[int]:
    """root and all its live descendants (from /proc/*/stat)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parent.items() if ppid in frontier]
        tree += frontier
    return tree


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared (copy-on-write after fork) pages split between their sharers."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return _rss_kb(pid)


def tree_rss_mb(root: int) -> float:
    """Current memory of a process and its descendants in MB: summed PSS, so forked workers' shared pages count once."""
    return sum(_pss_kb(pid) for pid in process_tree(root)) / 1024


class TreeRssSampler:
    """Samples the summed RSS of a process tree every `interval` seconds; `.peak_mb` is the largest sample."""

    def __init__(self, pid: int, interval: float = 0.25, limit_mb: float = float("inf")) -> None:
        self.pid, self.interval, self.peak_mb, self.limit_mb = pid, interval, 0.0, limit_mb
        self.exceeded = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            if self.peak_mb > self.limit_mb and not self.exceeded:
                # a shared machine has no swap: stop the child before the OOM killer picks a victim
                self.exceeded = True
                for pid in reversed(process_tree(self.pid)):
                    try:
                        os.kill(pid, 9)
                    except OSError:
                        pass
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class ChildRun:
    """A finished child process: exit code, wall seconds, output, peak RSS of its largest process and of its tree."""

    returncode: int
    seconds: float
    stdout: str
    stderr: str
    max_rss_mb: float
    tree_peak_mb: float
    cpu_s: float = 0.0  # user + system CPU of the child and its waited-for children
    aborted: str = ""  # why the harness stopped it, if it did


def run_child(cmd: list[str], *, timeout: float, max_tree_mb: float = float("inf")) -> ChildRun:
    """Run cmd, timing it; peak RSS from wait4 (its largest process, incl. waited-for children) and /proc sampling."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    chunks: dict[str, str] = {}

    def drain(name: str, stream) -> None:  # noqa: ANN001 - a text pipe
        with stream:
            chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    with TreeRssSampler(proc.pid, limit_mb=max_tree_mb) as sampler:
        # wait4 instead of Popen.wait: it returns this child's own rusage (ru_maxrss in KB on Linux)
        _, status, usage = os.wait4(proc.pid, 0)
    killer.cancel()
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if seconds >= timeout:
        raise RuntimeError(f"{' '.join(cmd)} did not finish in {timeout:.0f} s")
    aborted = (f"stopped by the harness after {seconds:.0f} s: its processes used more than {max_tree_mb:,.0f} MB"
               if sampler.exceeded else "")
    return ChildRun(proc.returncode, seconds, chunks.get("out", ""), chunks.get("err", ""), usage.ru_maxrss / 1024, sampler.peak_mb,
                    usage.ru_utime + usage.ru_stime, aborted)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, path: str, *, timeout: float) -> float:
    """Poll until GET path answers 200; seconds it took. Raises RuntimeError after timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                return time.perf_counter() - start
        except OSError:
            pass
        finally:
            conn.close()  # also when the server was not ready or too slow (a timeout): no socket left open
        time.sleep(0.02)
    raise RuntimeError(f"server on port {port} did not answer {path} with 200 within {timeout:.0f} s")


@dataclass
class LoadResult:
    """Outcome of a bounded load run."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    first_error: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else float("nan")


def load(port: int, paths: list[str], *, concurrency: int, seconds: float, max_requests: int = 1_000_000) -> LoadResult:
    """`concurrency` threads with keep-alive connections cycle through paths for `seconds` (127.0.0.1 only)."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    first_error = [""]
    count = [0]

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.perf_counter() < deadline:
            with lock:
                if count[0] >= max_requests:
                    break
                count[0] += 1
            path = paths[i % len(paths)]
            i += concurrency
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                problem = f"HTTP {resp.status} for {path}"
            except (OSError, http.client.HTTPException) as exc:
                ok, problem = False, f"{type(exc).__name__}: {exc} for {path}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
                    first_error[0] = first_error[0] or problem
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(len(latencies), errors[0], time.perf_counter() - start, latencies, first_error[0])


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate a child process and reap it (killed if it has not exited within `timeout` seconds)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def api_path(params: list[tuple[str, str]]) -> str:
    """/api/search?… for a query's parameters."""
    return "/api/search?" + urlencode(params)


def dir_size(path: Path) -> int:
    """Total bytes of the files under path."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def total_ram_gb() -> float:
    """Physical memory in GB (from /proc/meminfo; 8 when unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except (OSError, ValueError):
        pass
    return 8.0
