# promshard job callback: ansible's own structured results as protocol v1
# job lines (docs/PLUGINS.md). Used as the stdout callback by the
# promshard-exec-job executor: it is the only thing written to stdout.
#
# - adhoc (`ansible`): one line per host as soon as its result arrives;
# - playbook (`ansible-playbook`): one line per host at the end, with the
#   host's task counts (ok/changed/failed/skipped/unreachable) and the
#   stdout/stderr/rc/msg of its last (or first failed) task;
# - last, the final result line {"status": "ok"|"failed", "message": ...}.
from __future__ import annotations

import json
import sys
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: promshard_job
    type: stdout
    short_description: per-host JSON lines for the promshard jobs engine
    description: one JSON line per host, then a final result line
"""


def _now_ms():
    return int(time.time() * 1000)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "promshard_job"

    def __init__(self):
        super().__init__()
        self._adhoc = False
        self._started = _now_ms()
        self._hosts = {}  # name -> dict(counts, last, failed, started)
        self._emitted = set()

    def _emit(self, obj):
        sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
        sys.stdout.flush()

    def _state(self, host):
        return self._hosts.setdefault(
            host,
            {"counts": {"ok": 0, "changed": 0, "failed": 0, "skipped": 0, "unreachable": 0},
             "last": None, "bad": None, "started": self._started},
        )

    def v2_playbook_on_play_start(self, play):
        # `ansible` (adhoc) runs a generated play named "Ansible Ad-Hoc".
        self._adhoc = play.get_name().strip() == "Ansible Ad-Hoc"

    def _line(self, host, status, result):
        res = result._result if result is not None else {}
        return {
            "host": host,
            "status": status,
            "rc": res.get("rc"),
            "stdout": _text(res.get("stdout")),
            "stderr": _text(res.get("stderr")),
            "msg": _text(res.get("msg")),
        }

    def _record(self, result, kind):
        host = result._host.get_name()
        st = self._state(host)
        res = result._result
        changed = bool(res.get("changed"))
        if kind == "ok":
            st["counts"]["ok"] += 1
            if changed:
                st["counts"]["changed"] += 1
        else:
            st["counts"][kind] += 1
        if kind in ("failed", "unreachable") and st["bad"] is None:
            st["bad"] = (kind, result)
        if kind != "skipped":
            st["last"] = ("changed" if changed else "ok", result)
        if self._adhoc and host not in self._emitted:
            status = {"ok": "changed" if changed else "ok"}.get(kind, kind)
            if kind == "skipped":
                status = "ok"
            line = self._line(host, status, result)
            line["started"] = st["started"]
            line["finished"] = _now_ms()
            self._emitted.add(host)
            self._emit(line)

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "ok" if ignore_errors else "failed")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        finished = _now_ms()
        bad_hosts = 0
        for host in sorted(stats.processed.keys()):
            st = self._state(host)
            c = st["counts"]
            if st["bad"] is not None:
                status, result = st["bad"]
                bad_hosts += 1
            elif st["last"] is not None:
                status, result = st["last"]
                status = "changed" if c["changed"] else "ok"
            else:
                status, result = "ok", None
            if host in self._emitted:
                continue
            line = self._line(host, status, result)
            line["started"] = st["started"]
            line["finished"] = finished
            if not self._adhoc:
                line["tasks"] = c
            self._emitted.add(host)
            self._emit(line)
        total = len(stats.processed)
        self._emit({
            "status": "ok" if bad_hosts == 0 else "failed",
            "message": "%d hosts, %d failed or unreachable" % (total, bad_hosts),
        })

    # Keep everything else off stdout (warnings and errors go to stderr).
    def v2_runner_on_async_poll(self, result):
        pass
