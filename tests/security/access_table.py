"""Who may call what: every route of the five services, through the gateway, per caller.

Derived from DESIGN §2–3 (roles, "owner", "staff in scope"), not from the code. Callers:
the owning student, another student, each staff role in scope (institution A, college C1)
and out of scope (institution B; college C2 of A), the global roles, and nobody at all.
Where DESIGN is loose ("staff") the table takes the narrower reading the services chose
and says so; where the code disagrees with DESIGN the cell is listed in ``deviations``
(an xfail, strict: fixing the code makes the suite ask for the entry to go).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    OWNER = "owner"  # the student whose record, photo, erratum or case it is
    OTHER_STUDENT = "other_student"
    REGISTRAR = "registrar"
    REGISTRAR_OUT = "registrar_out"  # another institution
    PHOTOGRAPHER = "photographer"
    PHOTOGRAPHER_OUT = "photographer_out"
    COLLEGE_STAFF = "college_staff"
    COLLEGE_OTHER = "college_other"  # same institution, another college
    COLLEGE_OUT = "college_out"  # another institution
    SUPPORT = "support"
    OPS = "ops"
    ADMIN = "admin"
    CLIENT = "client"  # a campus system's client-credentials token (DESIGN §8)


@dataclass(frozen=True, slots=True)
class Deny:
    status: int
    code: str


ALLOW = None  # a cell that must pass authentication and authorisation (not 401/403)
Outcome = Deny | None
UNAUTHENTICATED = Deny(401, "unauthenticated")
WRONG_ROLE = Deny(403, "forbidden_role")
OUT_OF_SCOPE = Deny(403, "forbidden_scope")

STUDENTS = (Role.OWNER, Role.OTHER_STUDENT)
IN_SCOPE = (Role.REGISTRAR, Role.PHOTOGRAPHER, Role.COLLEGE_STAFF)
OUT_OF_INSTITUTION = (Role.REGISTRAR_OUT, Role.PHOTOGRAPHER_OUT, Role.COLLEGE_OUT)
GLOBAL = (Role.SUPPORT, Role.OPS, Role.ADMIN)
STAFF = (*IN_SCOPE, Role.COLLEGE_OTHER, *OUT_OF_INSTITUTION, *GLOBAL)
SIGNED_IN = (*STUDENTS, *STAFF)


@dataclass(frozen=True, slots=True)
class Rule:
    service: str
    method: str
    path: str  # as the service's OpenAPI document names it
    cells: Mapping[Role, Outcome]
    deviations: Mapping[Role, str] = field(default_factory=dict)  # code ≠ DESIGN, and how
    spends_session: bool = False  # an allowed call ends the caller's session

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.service, self.method, self.path)

    @property
    def authenticated(self) -> bool:
        """Nobody gets 401: the route wants a token (a public route may still answer
        anonymous callers 404, e.g. the check of an unknown report code)."""
        anonymous = self.cells[Role.ANONYMOUS]
        return anonymous is not ALLOW and anonymous.status == 401


def cells(
    allowed: Iterable[Role], denied: Mapping[Role, Deny] | None = None
) -> dict[Role, Outcome]:
    """``allowed`` pass; ``denied`` as given; anyone else signed in: wrong role; nobody: 401."""
    table: dict[Role, Outcome] = dict.fromkeys((*SIGNED_IN, Role.CLIENT), WRONG_ROLE)
    table[Role.ANONYMOUS] = UNAUTHENTICATED
    table.update(dict.fromkeys(allowed, ALLOW))
    table.update(denied or {})
    return table


def scoped(*roles: Role, deny: Deny = OUT_OF_SCOPE) -> dict[Role, Deny]:
    return dict.fromkeys(roles, deny)


PUBLIC = cells([Role.ANONYMOUS, *SIGNED_IN, Role.CLIENT])
SIGNED_IN_ONLY = cells(SIGNED_IN)
STUDENT_ONLY = cells(STUDENTS)
SUPPORT_ONLY = cells([Role.SUPPORT])
# a student's own thing that another student must not learn exists
OWNER_HIDDEN = cells([Role.OWNER], {Role.OTHER_STUDENT: Deny(404, "record_not_found")})
# "staff in scope"; photographers work from collection codes, not from the roster
ROSTER = cells(
    [Role.REGISTRAR, Role.COLLEGE_STAFF, *GLOBAL],
    scoped(Role.PHOTOGRAPHER, Role.COLLEGE_OTHER, *OUT_OF_INSTITUTION),
)
WINDOWS = cells([Role.REGISTRAR], scoped(Role.REGISTRAR_OUT))
ADMIN_WINDOWS = {Role.ADMIN: "DESIGN: windows are the registrar's; the code lets admin set them"}
# the errata queue: college offices and the registrar in scope, ops and admin read-only
ERRATA_READERS = (Role.REGISTRAR, Role.COLLEGE_STAFF, Role.OPS, Role.ADMIN)
ERRATA_OUT = scoped(Role.REGISTRAR_OUT, Role.COLLEGE_OTHER, Role.COLLEGE_OUT)
REVIEW = cells([Role.REGISTRAR, Role.COLLEGE_STAFF], ERRATA_OUT)
CASE = cells([Role.OWNER, Role.SUPPORT], {Role.OTHER_STUDENT: Deny(403, "forbidden_case")})


# what the gateway keeps for operations (asked of identity's GET /v1/access/ops); the
# services serve the same on their own ports, to Prometheus and tooling
OPS_ONLY = cells([Role.OPS, Role.ADMIN])


def health(service: str) -> list[Rule]:
    """DESIGN §3: every service answers these (all but the first two are not in its OpenAPI);
    through the gateway, metrics and the API documents are for operations only (DESIGN §6)."""
    public = ("/healthz", "/readyz")
    ops_only = ("/metrics", "/openapi.json", "/docs", "/redoc")
    return [
        *(Rule(service, "GET", path, PUBLIC) for path in public),
        *(Rule(service, "GET", path, OPS_ONLY) for path in ops_only),
    ]


def identity_cases(kind: str) -> list[Rule]:
    base = f"/v1/identity-{kind}"
    return [
        Rule("corrections", "POST", base, STUDENT_ONLY),
        Rule("corrections", "GET", base, SUPPORT_ONLY),
        Rule("corrections", "GET", base + "/{case_id}", CASE),
        Rule("corrections", "GET", base + "/{case_id}/scan", CASE),
        Rule("corrections", "POST", base + "/{case_id}/approve", SUPPORT_ONLY),
        Rule("corrections", "POST", base + "/{case_id}/reject", SUPPORT_ONLY),
    ]


IDENTITY = [
    *health("identity"),
    Rule("identity", "GET", "/.well-known/jwks.json", PUBLIC),
    *(
        Rule("identity", "POST", path, PUBLIC)
        for path in (
            "/v1/accounts",
            "/v1/accounts/activation-mail",
            "/v1/accounts/activate",
            "/v1/sessions",
            "/v1/recovery/username",
            "/v1/recovery/password",
            "/v1/recovery/password/reset",
            "/v1/oauth/token",  # campus systems' client credentials (DESIGN §8)
        )
    ),
    Rule("identity", "DELETE", "/v1/sessions/current", SIGNED_IN_ONLY, spends_session=True),
    Rule("identity", "GET", "/v1/me", SIGNED_IN_ONLY),
    Rule("identity", "PATCH", "/v1/me", SIGNED_IN_ONLY),
    # "(auth, status email_verified)": the account's state decides (409), not its role
    Rule("identity", "PUT", "/v1/me/realname", SIGNED_IN_ONLY),
    Rule("identity", "POST", "/v1/sms-codes", SIGNED_IN_ONLY),
    Rule("identity", "POST", "/v1/staff", cells([Role.ADMIN])),
    # not in DESIGN: the gateway's ops check (auth_request), 204 for whoever passes it
    Rule("identity", "GET", "/v1/access/ops", OPS_ONLY),
    # not in DESIGN: the admin's staff list, and changing a staff account's scope or disabling it
    Rule("identity", "GET", "/v1/staff", cells([Role.ADMIN])),
    Rule("identity", "PATCH", "/v1/staff/{account_id}", cells([Role.ADMIN])),
    # campus single sign-on (DESIGN §8): logins and the provider's redirects back are for
    # anyone (answers are redirects: 303 to the provider, or to the portal with a code or an
    # error); the hand-over code is the credential; the configuration is the admin's
    *(
        Rule("identity", "GET", path, PUBLIC)
        for path in (
            "/v1/sso/institutions",
            "/v1/sso/{institution_code}/oidc/login",
            "/v1/sso/oidc/callback",
            "/v1/sso/{institution_code}/cas/login",
            "/v1/sso/cas/callback",
        )
    ),
    Rule("identity", "POST", "/v1/sso/sessions", PUBLIC),
    *(
        Rule("identity", method, path, cells([Role.ADMIN]))
        for method, path in (
            ("GET", "/v1/sso/institutions/{institution_code}"),
            ("PUT", "/v1/sso/institutions/{institution_code}"),
            ("DELETE", "/v1/sso/institutions/{institution_code}"),
            ("PUT", "/v1/sso/staff-links/{account_id}"),
            ("DELETE", "/v1/sso/staff-links/{account_id}"),
        )
    ),
]

RECORDS = [
    *health("records"),
    Rule(
        "records",
        "POST",
        "/v1/imports",
        cells(
            [Role.REGISTRAR, Role.ADMIN],
            scoped(Role.REGISTRAR_OUT, deny=Deny(403, "institution_out_of_scope")),
        ),
    ),
    # not in DESIGN: the registrar's recent imports (an admin's: any institution's)
    Rule(
        "records",
        "GET",
        "/v1/imports",
        cells([Role.REGISTRAR, Role.ADMIN], scoped(Role.REGISTRAR_OUT)),
    ),
    Rule(
        "records",
        "GET",
        "/v1/imports/{import_id}",
        cells([Role.REGISTRAR, Role.ADMIN], scoped(Role.REGISTRAR_OUT)),
    ),
    Rule("records", "GET", "/v1/me/match", STUDENT_ONLY),
    Rule("records", "GET", "/v1/me/records", STUDENT_ONLY),
    Rule("records", "GET", "/v1/me/records/{record_id}/printable", OWNER_HIDDEN),
    Rule("records", "GET", "/v1/me/records/{record_id}/collection-code", OWNER_HIDDEN),
    Rule(
        "records",
        "GET",
        "/v1/records/{record_id}",
        cells(
            [Role.OWNER, *IN_SCOPE, *GLOBAL],
            {
                Role.OTHER_STUDENT: Deny(404, "record_not_found"),
                **scoped(Role.COLLEGE_OTHER, *OUT_OF_INSTITUTION),
            },
        ),
    ),
    Rule("records", "GET", "/v1/records", ROSTER),
    Rule("records", "GET", "/v1/progress", ROSTER),  # not in DESIGN: the roster's counts
]

PHOTOS = [
    *health("photos"),
    # the token's institution is the batch's: an uploader cannot be out of scope
    Rule("photos", "POST", "/v1/batches", cells([*IN_SCOPE[:2], *OUT_OF_INSTITUTION[:2]])),
    # batch results: staff of the institution (any college); others do not learn it exists
    Rule(
        "photos",
        "GET",
        "/v1/batches/{batch_id}",
        cells(
            [*IN_SCOPE, Role.COLLEGE_OTHER, *GLOBAL],
            scoped(*OUT_OF_INSTITUTION, deny=Deny(404, "batch_not_found")),
        ),
    ),
    Rule("photos", "PUT", "/v1/windows/{institution_code}/{cohort}", WINDOWS, ADMIN_WINDOWS),
    Rule("photos", "GET", "/v1/me/photos", STUDENT_ONLY),
    # not in DESIGN: the staff workbenches' lists (asked for institution A)
    Rule(
        "photos",
        "GET",
        "/v1/batches",
        cells(
            [Role.REGISTRAR, Role.PHOTOGRAPHER, Role.ADMIN],
            scoped(Role.REGISTRAR_OUT, Role.PHOTOGRAPHER_OUT),
        ),
    ),
    Rule(
        "photos",
        "GET",
        "/v1/windows",
        cells(
            [Role.REGISTRAR, Role.COLLEGE_STAFF, Role.COLLEGE_OTHER, Role.OPS, Role.ADMIN],
            scoped(Role.REGISTRAR_OUT, Role.COLLEGE_OUT),
        ),
    ),
    Rule(
        "photos",
        "GET",
        "/v1/photos",
        cells(
            [Role.REGISTRAR, Role.PHOTOGRAPHER],
            scoped(Role.REGISTRAR_OUT, Role.PHOTOGRAPHER_OUT),
        ),
    ),
    # one record's slots: the roster's readers (the college office's student search)
    Rule(
        "photos",
        "GET",
        "/v1/records/{record_id}/photos",
        cells(
            [Role.REGISTRAR, Role.COLLEGE_STAFF, *GLOBAL],
            scoped(Role.REGISTRAR_OUT, Role.COLLEGE_OTHER, Role.COLLEGE_OUT),
        ),
    ),
    Rule(
        "photos",
        "GET",
        "/v1/photos/{photo_id}/image",
        cells(
            [Role.OWNER, *IN_SCOPE, *GLOBAL],
            scoped(Role.OTHER_STUDENT, Role.COLLEGE_OTHER, *OUT_OF_INSTITUTION),
        ),
    ),
    *(
        Rule(
            "photos",
            "POST",
            f"/v1/photos/{{photo_id}}/{answer}",
            cells([Role.OWNER], {Role.OTHER_STUDENT: Deny(403, "not_owner")}),
        )
        for answer in ("confirm", "dispute")
    ),
    Rule(
        "photos",
        "GET",
        "/v1/stats",
        cells([*IN_SCOPE, *GLOBAL], scoped(Role.COLLEGE_OTHER, *OUT_OF_INSTITUTION)),
    ),
    # DESIGN §9: the machine checks' review queue, "college_staff, registrar in scope"
    Rule("photos", "GET", "/v1/reviews", REVIEW),
    *(
        Rule("photos", "POST", f"/v1/reviews/{{photo_id}}/{decision}", REVIEW)
        for decision in ("accept", "recapture")
    ),
]

NOTIFY = [
    *health("notify"),
    Rule("notify", "GET", "/v1/deliveries", cells([Role.OPS, Role.ADMIN])),
    # "(student inbox)": everyone's own inbox; staff get mail too
    Rule("notify", "GET", "/v1/me/messages", SIGNED_IN_ONLY),
]

CORRECTIONS = [
    *health("corrections"),
    Rule(
        "corrections",
        "POST",
        "/v1/errata",
        cells(
            [Role.OWNER, Role.COLLEGE_STAFF],
            {
                Role.OTHER_STUDENT: Deny(403, "forbidden_record"),
                **scoped(Role.COLLEGE_OTHER, Role.COLLEGE_OUT),
            },
        ),
        {
            Role.REGISTRAR: "DESIGN: students and college_staff file; the code lets registrars",
            Role.REGISTRAR_OUT: "the code lets registrars file (so: forbidden_scope, not role)",
        },
    ),
    Rule("corrections", "GET", "/v1/errata", cells(ERRATA_READERS, ERRATA_OUT)),
    Rule("corrections", "GET", "/v1/me/errata", STUDENT_ONLY),
    Rule(
        "corrections",
        "GET",
        "/v1/errata/{erratum_id}",
        cells(
            [Role.OWNER, *ERRATA_READERS],
            {Role.OTHER_STUDENT: Deny(403, "forbidden_record"), **ERRATA_OUT},
        ),
    ),
    Rule("corrections", "POST", "/v1/errata/{erratum_id}/approve", REVIEW),
    Rule("corrections", "POST", "/v1/errata/{erratum_id}/reject", REVIEW),
    *identity_cases("corrections"),
    *identity_cases("disputes"),
    Rule("corrections", "GET", "/v1/me/identity-cases", STUDENT_ONLY),
    # corrections' copy of the photos window, set with the same request
    Rule("corrections", "PUT", "/v1/windows/{institution_code}/{cohort}", WINDOWS, ADMIN_WINDOWS),
]

# verification reports (DESIGN §10): the student's own; the check and the keys are public.
# The matrix asks with an id (and a code) of no report: a student passes authentication and
# role and learns no such report is theirs, anyone reaches the public check and learns the code
# is unknown (404 report_not_found, never 401/403); tests/e2e/test_verification_reports.py asks
# with real reports (the owner allowed, another student refused).
NO_SUCH_REPORT = Deny(404, "report_not_found")
NOT_YOURS = cells([], {Role.OWNER: NO_SUCH_REPORT, Role.OTHER_STUDENT: NO_SUCH_REPORT})
UNKNOWN_CODE: dict[Role, Outcome] = dict.fromkeys(
    (Role.ANONYMOUS, *SIGNED_IN, Role.CLIENT), NO_SUCH_REPORT
)
REPORTS = [
    *health("reports"),
    Rule("reports", "POST", "/v1/me/reports", STUDENT_ONLY),
    Rule("reports", "GET", "/v1/me/reports", STUDENT_ONLY),
    Rule("reports", "POST", "/v1/me/reports/{report_id}/extend", NOT_YOURS),
    Rule("reports", "POST", "/v1/me/reports/{report_id}/close", NOT_YOURS),
    Rule("reports", "GET", "/v1/me/reports/{report_id}/pdf", NOT_YOURS),
    Rule("reports", "GET", "/v1/verify/{code}", UNKNOWN_CODE),
    Rule("reports", "GET", "/v1/verify/{code}/photo", UNKNOWN_CODE),
    Rule("reports", "GET", "/.well-known/jwks.json", PUBLIC),
]

# subscriptions (DESIGN §8): an admin manages every subscriber, a registrar those of their
# institution; the feed is for campus systems' client-credentials tokens only
MANAGE = cells([Role.REGISTRAR, Role.ADMIN], scoped(Role.REGISTRAR_OUT))
SUBSCRIBER = "/v1/subscribers/{subscriber_id}"
SUBSCRIPTIONS = [
    *health("subscriptions"),
    Rule("subscriptions", "POST", "/v1/subscribers", MANAGE),
    # a registrar lists their own institution's (so one of another institution sees none)
    Rule(
        "subscriptions",
        "GET",
        "/v1/subscribers",
        cells([Role.REGISTRAR, Role.REGISTRAR_OUT, Role.ADMIN]),
    ),
    Rule("subscriptions", "GET", SUBSCRIBER, MANAGE),
    Rule("subscriptions", "PATCH", SUBSCRIBER, MANAGE),
    Rule("subscriptions", "DELETE", SUBSCRIBER, MANAGE),  # idempotent: asked of a doomed one
    Rule("subscriptions", "POST", SUBSCRIBER + "/rotate-secret", MANAGE),
    Rule("subscriptions", "POST", SUBSCRIBER + "/ping", MANAGE),
    Rule("subscriptions", "GET", SUBSCRIBER + "/deliveries", MANAGE),
    Rule("subscriptions", "POST", SUBSCRIBER + "/replay", MANAGE),
    Rule("subscriptions", "POST", "/v1/deliveries/{delivery_id}/resend", MANAGE),
    Rule("subscriptions", "GET", "/v1/feed", cells([Role.CLIENT])),
    Rule("subscriptions", "GET", "/v1/catalogue", PUBLIC),
]

TABLE: list[Rule] = [
    *IDENTITY,
    *RECORDS,
    *PHOTOS,
    *NOTIFY,
    *CORRECTIONS,
    *REPORTS,
    *SUBSCRIPTIONS,
]
NOT_IN_OPENAPI = {"/metrics", "/openapi.json", "/docs", "/redoc"}
