"""Drive a course hub through JupyterHub's REST API, as its users would: start a user's server, fetch and
submit an assignment through the user's own server (nbgrader's assignment-list extension, running as that
user), edit notebooks through the contents API. Used by the tests and by ``make bench-hub``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request


class HubAPIError(RuntimeError):
    def __init__(self, status: int, url: str, body: str):
        super().__init__(f"{status} from {url}: {body[:300]}")
        self.status = status


def request(url: str, token: str, method: str = "GET", body=None, form: dict | None = None, timeout: float = 120):
    headers = {"Authorization": f"token {token}"}
    data = None
    if form is not None:
        data = "&".join(f"{k}={urllib.request.quote(str(v))}" for k, v in form.items()).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
            return resp.status, (json.loads(text) if text and text[0] in "[{" else text)
    except urllib.error.HTTPError as exc:
        raise HubAPIError(exc.code, url, exc.read().decode(errors="replace")) from None


class Hub:
    def __init__(self, url: str, ops_token: str):
        self.url, self.ops = url.rstrip("/"), ops_token
        self.tokens: dict[str, str] = {}

    def api(self, path: str, method: str = "GET", body=None):
        return request(f"{self.url}/hub/api{path}", self.ops, method, body)[1]

    def token(self, user: str) -> str:
        """An API token for ``user`` that can reach only that user's server (issued by the ops service)."""
        if user not in self.tokens:
            reply = self.api(
                f"/users/{user}/tokens",
                "POST",
                {
                    "note": "course test",
                    "expires_in": 3600,
                    "scopes": [f"access:servers!user={user}", f"read:users!user={user}"],
                },
            )
            self.tokens[user] = reply["token"]
        return self.tokens[user]

    def start(self, user: str, timeout: float = 240) -> None:
        """Start ``user``'s server (as that system user) and wait until it answers."""
        try:
            self.api(f"/users/{user}/server", "POST")
        except HubAPIError as exc:
            if exc.status != 400:  # 400: already running
                raise
        deadline = time.time() + timeout
        while time.time() < deadline:
            server = self.api(f"/users/{user}").get("servers", {}).get("")
            if server and server.get("ready"):
                return
            if not server:  # the spawn failed and the hub dropped it
                raise RuntimeError(f"{user}'s server stopped while starting; see the hub's log")
            time.sleep(0.5)
        raise TimeoutError(f"{user}'s server did not start within {timeout:.0f} s")

    def stop(self, user: str) -> None:
        try:
            self.api(f"/users/{user}/server", "DELETE")
        except HubAPIError as exc:
            if exc.status not in (400, 404):
                raise

    def server(
        self,
        user: str,
        path: str,
        method: str = "GET",
        body=None,
        form=None,
        timeout: float = 120,
        token: str | None = None,
    ):
        """Call ``/user/<user>/<path>`` with ``user``'s own token (or another one, to test access)."""
        return request(
            f"{self.url}/user/{user}/{path.lstrip('/')}", token or self.token(user), method, body, form, timeout
        )[1]

    # nbgrader's student side, through the user's own server (the assignment-list server extension)
    def fetch(self, user: str, course: str, assignment: str):
        return self._assignment_action(user, "fetch", course, assignment)

    def submit(self, user: str, course: str, assignment: str):
        return self._assignment_action(user, "submit", course, assignment)

    def fetch_feedback(self, user: str, course: str, assignment: str):
        return self._assignment_action(user, "fetch_feedback", course, assignment)

    def _assignment_action(self, user, action, course, assignment):
        reply = self.server(
            user, f"assignments/{action}", "POST", form={"course_id": course, "assignment_id": assignment}, timeout=180
        )
        if isinstance(reply, dict) and not reply.get("success", True):
            raise RuntimeError(f"{user}: nbgrader {action} {assignment} failed: {reply.get('value')}")
        return reply

    def read_notebook(self, user: str, path: str) -> dict:
        return self.server(user, f"api/contents/{path}?content=1")["content"]

    def write_notebook(self, user: str, path: str, nb: dict) -> None:
        self.server(user, f"api/contents/{path}", "PUT", {"type": "notebook", "format": "json", "content": nb})
