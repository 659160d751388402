"""Campus sign-on for tests: the real OIDC provider of the test stack, and a CAS 3.0 server
that answers exactly as the CAS Protocol 3.0 specification's examples do.

The OIDC provider is NAV's mock-oauth2-server (``deploy/local/oidc.sh``), started on first
use and left running. No CAS server installs from the registries this project may use, so
:class:`CasSpecServer` serves the specification's documented answers: ``/login`` issues a
service ticket for the user the test chose and redirects to the service; ``/serviceValidate``
answers ``authenticationSuccess`` with ``cas:attributes`` (§2.5.4, Appendix A) or
``authenticationFailure`` with the spec's codes (INVALID_TICKET, INVALID_SERVICE,
INVALID_REQUEST); a ticket is good once, for the service URL it was issued for.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

import httpx

from jiaodui_runtime.testing.stack import StackEndpoints, _project_root


def public_url(stack: StackEndpoints) -> str:
    """The portal's public origin (the host its cookies and redirects name): the services'
    ``JIAODUI_PUBLIC_BASE_URL``, ``http://localhost:<gateway port>`` on the local stack."""
    assert stack.gateway_url is not None
    return stack.gateway_url.replace("://127.0.0.1", "://localhost")


def start_oidc_provider() -> str:
    """Start the test stack's OIDC provider when it is not running; its base URL (each path
    below it is an issuer of its own)."""
    script = _project_root() / "deploy" / "local" / "oidc.sh"
    subprocess.run(["bash", str(script), "start"], check=True, timeout=600)  # noqa: S603, S607
    command = ["bash", str(script), "url"]
    url = subprocess.run(command, check=True, capture_output=True, text=True, timeout=30)  # noqa: S603
    return url.stdout.strip()


async def oidc_login(
    browser: httpx.AsyncClient, stack: StackEndpoints, code: str, claims: dict[str, Any]
) -> httpx.Response:
    """Start at the portal's button, sign in at the provider's form, come back: the
    callback's answer (303 to the portal)."""
    start = await browser.get(f"{public_url(stack)}/api/identity/v1/sso/{code}/oidc/login")
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    form = await browser.get(authorize)
    assert form.status_code == 200 and 'name="username"' in form.text
    signed = await browser.post(
        authorize, data={"username": f"campus-{uuid.uuid4().hex[:6]}", "claims": json.dumps(claims)}
    )
    assert signed.status_code == 302, signed.text
    callback = signed.headers["location"]
    assert callback.startswith(f"{public_url(stack)}/api/identity/v1/sso/oidc/callback?")
    return await browser.get(callback)


async def cas_login(
    browser: httpx.AsyncClient, stack: StackEndpoints, code: str
) -> tuple[httpx.Response, str]:
    start = await browser.get(f"{public_url(stack)}/api/identity/v1/sso/{code}/cas/login")
    assert start.status_code == 303, start.text
    issued = await browser.get(start.headers["location"])
    assert issued.status_code == 302
    back = issued.headers["location"]
    service = f"{public_url(stack)}/api/identity/v1/sso/cas/callback?institution={code}"
    assert back.startswith(service + "&ticket=ST-")
    return await browser.get(back), back


_SUCCESS = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationSuccess>
    <cas:user>{user}</cas:user>
    <cas:attributes>
{attributes}
    </cas:attributes>
  </cas:authenticationSuccess>
</cas:serviceResponse>
"""
_FAILURE = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationFailure code="{code}">
    {message}
  </cas:authenticationFailure>
</cas:serviceResponse>
"""


@dataclass
class _Ticket:
    service: str
    user: str
    attributes: dict[str, list[str]]


@dataclass
class CasSpecServer:
    """A CAS 3.0 server for one test module; ``next_user`` decides who logs in next."""

    next_user: tuple[str, dict[str, list[str]]] = ("nobody", {})
    validations: list[dict[str, str]] = field(default_factory=list)
    _tickets: dict[str, _Ticket] = field(default_factory=dict)
    _http: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._http is not None
        return f"http://127.0.0.1:{self._http.server_address[1]}/cas"

    def log_in_as(self, user: str, **attributes: str | list[str]) -> None:
        self.next_user = (
            user,
            {k: v if isinstance(v, list) else [v] for k, v in attributes.items()},
        )

    def issue(self, service: str) -> str:
        """A service ticket for ``next_user`` and exactly this service URL (§3.1)."""
        ticket = f"ST-{secrets.token_urlsafe(24)}"
        self._tickets[ticket] = _Ticket(service, *self.next_user)
        return ticket

    def validate(self, query: dict[str, str]) -> str:
        self.validations.append(query)
        service, ticket = query.get("service"), query.get("ticket")
        if not service or not ticket:
            return _FAILURE.format(code="INVALID_REQUEST", message="service and ticket required")
        found = self._tickets.pop(ticket, None)  # §3.1.1: a ticket is valid once
        if found is None:
            return _FAILURE.format(
                code="INVALID_TICKET", message=f"Ticket {escape(ticket)} not recognized"
            )
        if found.service != service:
            return _FAILURE.format(
                code="INVALID_SERVICE", message="Ticket was issued for another service"
            )
        attributes = "\n".join(
            f"      <cas:{name}>{escape(value)}</cas:{name}>"
            for name, values in found.attributes.items()
            for value in values
        )
        return _SUCCESS.format(user=escape(found.user), attributes=attributes)

    def __enter__(self) -> CasSpecServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/cas/login" and "service" in query:
                    service = query["service"]
                    glue = "&" if "?" in service else "?"
                    ticket = server.issue(service)
                    self.send_response(302)
                    self.send_header("Location", f"{service}{glue}{urlencode({'ticket': ticket})}")
                    self.end_headers()
                    return
                if parts.path in ("/cas/serviceValidate", "/cas/p3/serviceValidate"):
                    body = server.validate(query).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/xml;charset=UTF-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_error(404)

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: the tickets are in the request lines

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._http is not None
        self._http.shutdown()
        self._http.server_close()
