#!/usr/bin/env python3
"""Realtime through the official Python SDK (pocketbase 0.17.3) against one server binary.

The SDK subscribes to `<collection>` (the deprecated form of `/*`) and `<collection>/<id>`,
`subscribe` returns None, and `collection(name).unsubscribe()` drops every topic of the
collection. Usage: realtime_test.py SERVER_BINARY (wasmbase or pocketbase-ref); exits 1 on the
first failed check. Run by tests/python/run.sh.
"""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from pocketbase import PocketBase

SUPERUSER = ("admin@example.com", "pass123456")
WAIT = 10.0  # seconds an expected event may take
QUIET = 0.3  # seconds of silence before "nothing more arrives" holds


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, root):
    data = os.path.join(root, "pb_data")
    subprocess.run([binary, "superuser", "upsert", *SUPERUSER, f"--dir={data}"],
                   check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([binary, "serve", f"--http=127.0.0.1:{port}", f"--dir={data}"],
                            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            if PocketBase(url).health.check().code == 200:
                return proc, url
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{binary} did not start on {url}")


class Recorder:
    """Collects (topic label, action, title) tuples from SDK callbacks."""

    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def callback(self, label):
        def on_event(event):
            with self.lock:
                self.events.append((label, event.action, getattr(event.record, "title", None)))
        return on_event

    def take(self, count):
        """Waits for `count` events, then for quiet; returns them sorted and clears them."""
        deadline = time.time() + WAIT
        while len(self.events) < count and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(QUIET)
        with self.lock:
            taken, self.events = sorted(self.events), []
        return taken


def connected(pb, subscribe, collection):
    """Subscribes until the stream is connected. The SDK registers its PB_CONNECT listener
    only after its stream thread has started, so a fast server's first message can be missed
    and the stream then never subscribes (an SDK race); unsubscribing closes that stream and
    the next try opens a new one."""
    for _ in range(10):
        subscribe()
        deadline = time.time() + 1.0
        while not pb.realtime.client_id and time.time() < deadline:
            time.sleep(0.02)
        if pb.realtime.client_id:
            return
        pb.collection(collection).unsubscribe()
    raise AssertionError("the SDK never saw PB_CONNECT")


def check(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def run(url):
    admin = PocketBase(url)
    admin.collection("_superusers").auth_with_password(*SUPERUSER)
    admin.collections.create({
        "name": "py_posts", "type": "base", "fields": [{"name": "title", "type": "text"}],
        "listRule": "", "viewRule": "",
    })
    posts = admin.collection("py_posts")

    guest = PocketBase(url)
    got = Recorder()
    check(guest.collection("py_posts").subscribe(got.callback("all")), None, "subscribe returns")
    guest.collection("py_posts").unsubscribe()
    connected(guest, lambda: guest.collection("py_posts").subscribe(got.callback("all")),
              "py_posts")
    # The SDK posts the subscription from its stream thread once PB_CONNECT arrives.
    deadline = time.time() + WAIT
    while not got.events and time.time() < deadline:
        posts.create({"title": "probe"})
        time.sleep(0.2)
    check(bool(guest.realtime.client_id), True, "a client id from PB_CONNECT")
    got.take(0)

    first = posts.create({"title": "first"})
    check(got.take(1), [("all", "create", "first")], "collection topic, create")

    guest.collection("py_posts").subscribe_one(first.id, got.callback("one"))
    posts.update(first.id, {"title": "second"})
    check(got.take(2), [("all", "update", "second"), ("one", "update", "second")],
          "collection and record topics")

    guest.collection("py_posts").unsubscribe(first.id)
    posts.update(first.id, {"title": "third"})
    check(got.take(1), [("all", "update", "third")], "after unsubscribing the record topic")

    posts.delete(first.id)
    check(got.take(1), [("all", "delete", "third")], "delete")

    guest.collection("py_posts").unsubscribe()
    check(guest.realtime.subscriptions, {}, "no subscriptions left")
    check(guest.realtime.event_source, None, "the stream is closed")
    posts.create({"title": "after unsubscribe"})
    check(got.take(0), [], "nothing after unsubscribing everything")

    admin.collection("users").create({"email": "py@example.com", "password": "pypass1234",
                                      "passwordConfirm": "pypass1234", "name": "Py"})
    user = PocketBase(url)
    me = user.collection("users").auth_with_password("py@example.com", "pypass1234").record
    emails = []
    connected(user, lambda: user.collection("users").subscribe_one(
        me.id, lambda e: emails.append(e.record.email)), "users")
    deadline = time.time() + WAIT
    while not emails and time.time() < deadline:
        admin.collection("users").update(me.id, {"name": f"Py {time.time()}"})
        time.sleep(0.2)
    check(emails[:1], ["py@example.com"], "the owner's own record, with its email")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as root:
        proc, url = start(binary, root)
        try:
            run(url)
        except AssertionError as error:
            print(f"FAIL realtime ({os.path.basename(binary)}): {error}")
            return 1
        finally:
            proc.kill()
            proc.wait()
    print(f"ok realtime ({os.path.basename(binary)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
