"""A CAS 3.0 client: the login redirect and service ticket validation with attributes.

Apereo's CAS Protocol 3.0 specification: ``/login?service=`` (§2.1), ``/serviceValidate``
(§2.5; ``/p3/serviceValidate`` §2.8 on servers that keep attributes to the p3 path: set
``validate_path``), the XML answers of Appendix A. Written here rather than taken from
python-cas: that client validates synchronously through requests without a timeout and
drops the failure code; this one is async (the service's httpx client), parses with
defusedxml and keeps the spec's code (INVALID_TICKET, INVALID_SERVICE...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode
from xml.etree.ElementTree import Element  # types only; parsing is defusedxml's

import httpx
from defusedxml import ElementTree  # type: ignore[import-untyped]
from defusedxml.common import DefusedXmlException  # type: ignore[import-untyped]

CAS_NS = "{http://www.yale.edu/tp/cas}"
# §3.1.1: a service ticket begins with "ST-"; clients must accept up to 256 characters
_TICKET = re.compile(r"^ST-[A-Za-z0-9._-]{1,253}$")
RESPONSE_LIMIT = 64 * 1024


class CasError(Exception):
    """``code`` is the problem code; ``cas_code`` the server's (§2.5.3) when it sent one."""

    def __init__(self, code: str, detail: str, *, cas_code: str | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.cas_code = cas_code


@dataclass(frozen=True, slots=True)
class CasServer:
    """An institution's CAS server as an admin configured it."""

    server_url: str
    number_attribute: str | None = None
    """The attribute with the student/staff number; None: the CAS user name is the number."""
    email_attribute: str | None = "mail"
    validate_path: str = "serviceValidate"


@dataclass(frozen=True, slots=True)
class CasSuccess:
    user: str
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def first(self, name: str | None) -> str | None:
        if name is None:
            return self.user
        values = self.attributes.get(name) or []
        return values[0] if len(values) == 1 else None


def login_url(server: CasServer, service: str) -> str:
    return f"{server.server_url.rstrip('/')}/login?{urlencode({'service': service})}"


def is_ticket(value: str) -> bool:
    return _TICKET.match(value) is not None


async def validate(
    http: httpx.AsyncClient, server: CasServer, *, ticket: str, service: str
) -> CasSuccess:
    """Ask the CAS server whether this ticket was issued for exactly this service URL."""
    if not is_ticket(ticket):
        raise CasError("sso_ticket_invalid", "not a service ticket", cas_code="INVALID_TICKET_SPEC")
    url = f"{server.server_url.rstrip('/')}/{server.validate_path.strip('/')}"
    try:
        answer = await http.get(url, params={"service": service, "ticket": ticket})
    except httpx.HTTPError as exc:
        raise CasError("sso_provider_unavailable", type(exc).__name__) from exc
    if answer.status_code != 200 or len(answer.content) > RESPONSE_LIMIT:
        raise CasError("sso_provider_unavailable", f"HTTP {answer.status_code}")
    return parse_service_response(answer.content)


def parse_service_response(body: bytes) -> CasSuccess:
    """Appendix A's ``cas:serviceResponse``: success with user and attributes, or failure."""
    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise CasError("sso_provider_unavailable", "unreadable CAS answer") from exc
    if root.tag != f"{CAS_NS}serviceResponse":
        raise CasError("sso_provider_unavailable", "not a CAS serviceResponse")
    failure = root.find(f"{CAS_NS}authenticationFailure")
    if failure is not None:
        # the failure's text often repeats the ticket: it is not kept
        cas_code = (failure.get("code") or "UNKNOWN")[:40]
        problem = (
            "sso_provider_unavailable" if cas_code == "INTERNAL_ERROR" else "sso_ticket_invalid"
        )
        raise CasError(problem, "the CAS server refused the ticket", cas_code=cas_code)
    success = root.find(f"{CAS_NS}authenticationSuccess")
    user = success.find(f"{CAS_NS}user") if success is not None else None
    if user is None or not (user.text or "").strip():
        raise CasError("sso_provider_unavailable", "a CAS answer without a user")
    attributes = success.find(f"{CAS_NS}attributes") if success is not None else None
    return CasSuccess((user.text or "").strip(), _attributes(attributes))


def _attributes(element: Element | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for child in element if element is not None else ():
        name = child.tag.removeprefix(CAS_NS)
        if name.startswith("{"):  # another namespace: not a CAS attribute
            continue
        found.setdefault(name, []).append((child.text or "").strip())
    return found
